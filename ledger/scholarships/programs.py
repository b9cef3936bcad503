"""Programs (rules and scoring saved as new versions, never overwritten) and their rounds.

A program pays from one fund its owner unit may use; rules and scoring are validated on save and
every problem is reported with its path, in Vietnamese.
"""
from sqlalchemy import select

from ledger.accounts.services import get_fund
from ledger.core import audit
from ledger.core.errors import Duplicate, EndowmentPrincipal, InvalidState, NotFound, ValidationFailed
from ledger.core.i18n import _
from ledger.core.inputs import get_by_id
from ledger.extensions import db
from ledger.scholarships import rules
from ledger.scholarships.models import LEVELS, Program, ProgramVersion, Round
from ledger.scholarships.students import check_school_year
from ledger.units.services import get_unit

VERSIONED = ("rules", "scoring", "award_amount", "tiers")


def get_program(code: str) -> Program:
    program = db.session.scalar(select(Program).where(Program.code == code))
    if program is None:
        raise NotFound(_("Không có chương trình học bổng mã %(code)s.", code=code))
    return program


def get_row(model, row_id, missing: str):
    """The row of `model` with this id (as the URL gives it), else NotFound with the message."""
    found = get_by_id(model, row_id)
    if found is None:
        raise NotFound(missing)
    return found


def get_round(round_id) -> Round:
    return get_row(Round, round_id, _("Không có đợt xét %(id)s.", id=round_id))


def check_rules_and_scoring(data: dict) -> None:
    """Both checked, every problem reported at once: {"rules": [...], "scoring": [...]}."""
    errors = {}
    for key, check in (("rules", rules.validate_rules), ("scoring", rules.validate_scoring)):
        try:
            check(data.get(key) if key == "rules" else data.get(key, {}))
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationFailed(_("Điều kiện xét chọn hoặc cách tính điểm không hợp lệ."), errors=errors)


def check_kind(data: dict) -> None:
    if data.get("kind", "scholarship") == "sponsorship" and data.get("schedule", "once") == "once":
        raise ValidationFailed(_("Con nuôi khuyến học cần lịch chi: hằng tháng (monthly) hoặc theo học kỳ (term)."),
                               field="schedule")
    if data.get("kind", "scholarship") == "scholarship" and data.get("schedule", "once") != "once":
        raise ValidationFailed(_("Học bổng trao một lần; lịch chi nhiều kỳ chỉ dành cho con nuôi khuyến học."),
                               field="schedule")


def create_program(data: dict, *, by=None) -> Program:
    code = data["code"].strip()
    if db.session.scalar(select(Program.id).where(Program.code == code)):
        raise Duplicate(_("Mã chương trình %(code)s đã có.", code=code), field="code")
    owner, fund = get_unit(data["owner_unit"]), get_fund(data["fund"])
    if not owner.is_within(fund.owner_unit):
        raise ValidationFailed(_("Quỹ %(fund)s thuộc %(owner)s, đơn vị %(unit)s không chi được từ quỹ này.",
                                 fund=fund.code, owner=fund.owner_unit.name, unit=owner.name), field="fund")
    if fund.kind == "endowment":
        raise EndowmentPrincipal(fund=fund.code)
    if fund.is_pooled and fund.owner_unit_id != owner.id:
        raise ValidationFailed(_("Quỹ %(fund)s do %(owner)s quản lý tập trung; chỉ chương trình của %(owner)s chi được "
                                 "từ quỹ này.", fund=fund.code, owner=fund.owner_unit.name), field="fund")
    check_kind(data)
    check_rules_and_scoring(data)
    program = Program(code=code, name=data["name"].strip(), description=data.get("description") or "",
                      kind=data.get("kind", "scholarship"), owner_unit=owner, fund=fund,
                      award_amount=data["award_amount"], tiers=sorted_tiers(data.get("tiers")),
                      rules=data["rules"], scoring=data.get("scoring") or {}, version=1,
                      is_multiple_awards_allowed=bool(data.get("is_multiple_awards_allowed")),
                      schedule=data.get("schedule", "once"), sponsorship_years=data.get("sponsorship_years"),
                      preset=data.get("preset"), levels=sorted_levels(data.get("levels")),
                      created_by_id=getattr(by, "id", None))
    db.session.add(program)
    db.session.flush()
    save_version(program, by)
    audit.record("program.create", "scholarship_program", code, by=by, after=describe(program))
    return program


def sorted_levels(levels) -> list[str]:
    """The levels a program serves, once each, in the order pages list them; pupils when none is said."""
    return [level for level in LEVELS if level in (levels or ["school"])]


def sorted_tiers(tiers) -> list[dict]:
    """Highest threshold first, so the first tier a score reaches is its best."""
    return sorted(({"min_score": t["min_score"], "amount": t["amount"]} for t in tiers or []),
                  key=lambda tier: -tier["min_score"])


def save_version(program: Program, by) -> ProgramVersion:
    version = ProgramVersion(program=program, version=program.version, rules=program.rules, scoring=program.scoring,
                             award_amount=program.award_amount, tiers=program.tiers,
                             created_by_id=getattr(by, "id", None))
    db.session.add(version)
    db.session.flush()
    return version


def update_rules(program: Program, data: dict, *, by=None) -> Program:
    """A new version of rules, scoring and amounts; earlier versions stay as decisions used them."""
    merged = {key: data[key] if key in data else getattr(program, key) for key in VERSIONED}
    check_rules_and_scoring(merged)
    merged["tiers"] = sorted_tiers(merged["tiers"])
    if all(merged[key] == getattr(program, key) for key in VERSIONED):
        return program
    before = describe(program)
    for key in VERSIONED:
        setattr(program, key, merged[key])
    program.version += 1
    save_version(program, by)
    audit.record("program.rules", "scholarship_program", program.code, by=by, before=before, after=describe(program))
    return program


def version_of(program: Program, number: int) -> ProgramVersion:
    return next(v for v in program.versions if v.version == number)


def describe(program: Program) -> dict:
    return {"code": program.code, "name": program.name, "kind": program.kind, "owner_unit": program.owner_unit.code,
            "fund": program.fund.code, "award_amount": program.award_amount, "tiers": program.tiers,
            "rules": program.rules, "scoring": program.scoring, "version": program.version,
            "allow_multiple_awards": program.is_multiple_awards_allowed, "schedule": program.schedule,
            "levels": program.levels}


def amount_for(program_or_version, score: int) -> int:
    """The first tier the score reaches, else the program's award amount."""
    for tier in program_or_version.tiers or []:
        if score >= tier["min_score"]:
            return tier["amount"]
    return program_or_version.award_amount


def create_round(program: Program, data: dict, *, by=None) -> Round:
    school_year = check_school_year(data["school_year"])
    found = Round(program=program, school_year=school_year, budget=data["budget"], quota=data.get("quota"),
                  name=(data.get("name") or "").strip() or _("%(program)s năm học %(year)s",
                                                              program=program.name, year=school_year),
                  unit_quotas=checked_unit_quotas(program, data.get("unit_quotas") or {}),
                  nominations_close_on=data["nominations_close_on"], is_review_blind=bool(data.get("is_review_blind")),
                  quorum=data.get("quorum") or 0, created_by_id=getattr(by, "id", None))
    db.session.add(found)
    db.session.flush()
    audit.record("round.create", "scholarship_round", found.id, by=by, after=describe_round(found))
    return found


ROUND_SETTINGS = ("name", "budget", "quota", "unit_quotas", "nominations_close_on", "is_review_blind", "quorum")


def update_round(found: Round, data: dict, *, by=None) -> Round:
    """Budget, quotas, deadline and review settings may change until the round is decided."""
    if found.status != "open":
        raise InvalidState(_("Đợt xét đã có quyết định; không sửa được nữa."))
    before = describe_round(found)
    if "unit_quotas" in data:
        data = {**data, "unit_quotas": checked_unit_quotas(found.program, data["unit_quotas"] or {})}
    for key in ROUND_SETTINGS:
        if key in data:
            setattr(found, key, data[key])
    db.session.flush()
    audit.record("round.update", "scholarship_round", found.id, by=by, before=before, after=describe_round(found))
    return found


def checked_unit_quotas(program: Program, quotas: dict) -> dict:
    for code in quotas:
        if not get_unit(code).is_within(program.owner_unit):
            raise ValidationFailed(_("Đơn vị %(code)s không thuộc %(owner)s.", code=code,
                                     owner=program.owner_unit.name), field="unit_quotas")
    return dict(quotas)


def describe_round(found: Round) -> dict:
    return {"program": found.program.code, "name": found.name, "school_year": found.school_year,
            "budget": found.budget, "quota": found.quota, "unit_quotas": found.unit_quotas,
            "nominations_close_on": found.nominations_close_on.isoformat(), "blind_review": found.is_review_blind,
            "quorum": found.quorum, "status": found.status}

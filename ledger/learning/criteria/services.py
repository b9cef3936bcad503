"""Criteria sets: creating and editing them, finding the one that applies to a unit in a year, describing them.

The set of the nearest unit at or above a subject's unit with `year_from` ≤ the year applies (the latest
`year_from` there): the association's defaults sit at the root, a province's own guide replaces them below it.
"""
from sqlalchemy import select

from ledger.core import audit
from ledger.core.errors import Duplicate, NotEligible, NotFound
from ledger.core.i18n import _, _l
from ledger.extensions import db
from ledger.learning.criteria.rules import validate_definition
from ledger.learning.models import MODELS, CriteriaSet
from ledger.units.models import Unit
from ledger.units.services import get_unit

MODEL_LABELS = {"family": _l("Gia đình học tập"), "clan": _l("Dòng họ học tập"),
                "community": _l("Cộng đồng học tập"), "organisation": _l("Đơn vị học tập"),
                "citizen": _l("Công dân học tập")}
EDITABLE = ("name", "year_from", "pass_mark", "criteria", "grades", "recognized_by", "note")
DEFAULT_BANNER = _l("Bộ tiêu chí mẫu — đối chiếu với hướng dẫn của tỉnh")


def model_label(model: str) -> str:
    return str(MODEL_LABELS.get(model, model))


def definition(criteria_set: CriteriaSet) -> dict:
    """What rules.judge reads: {"criteria": [...], "pass_mark": int|None, "grades": [...]|None}."""
    return {"criteria": criteria_set.criteria, "pass_mark": criteria_set.pass_mark, "grades": criteria_set.grades}


def _clean_criteria(criteria: list[dict]) -> list[dict]:
    """Criteria as stored: stripped texts, absent keys left out (no nulls), in the order given."""
    cleaned = []
    for item in criteria:
        row = {"code": item["code"].strip(), "name": item["name"].strip()}
        for key in ("points", "min_points", "computed"):
            if item.get(key) is not None:
                row[key] = item[key]
        cleaned.append(row)
    return cleaned


def _checked(data: dict) -> dict:
    """Validate the definition; return the fields to store."""
    validate_definition({"criteria": data["criteria"], "pass_mark": data.get("pass_mark"),
                         "grades": data.get("grades")})
    grades = data.get("grades") or None
    return {"name": data["name"].strip(), "year_from": data["year_from"], "pass_mark": data.get("pass_mark"),
            "criteria": _clean_criteria(data["criteria"]),
            "grades": [{"name": g["name"].strip(), "min_points": g["min_points"]} for g in grades] if grades else None,
            "recognized_by": data.get("recognized_by") or "commune", "note": (data.get("note") or "").strip()}


def _refuse_same_year(owner: Unit, model: str, year_from: int, but: CriteriaSet | None = None) -> None:
    stmt = select(CriteriaSet.code).where(CriteriaSet.owner_unit_id == owner.id, CriteriaSet.model == model,
                                          CriteriaSet.year_from == year_from)
    if but is not None:
        stmt = stmt.where(CriteriaSet.id != but.id)
    other = db.session.scalar(stmt)
    if other is not None:
        raise Duplicate(_("Đơn vị %(unit)s đã có bộ tiêu chí %(model)s áp dụng từ năm %(year)s (mã %(code)s).",
                          unit=owner.code, model=model_label(model), year=year_from, code=other), field="year_from")


def create_set(data: dict, *, by=None, owner: Unit | None = None, is_default: bool = False) -> CriteriaSet:
    """A new set (API.md `POST /learning/criteria`); 409 for an existing code or the same owner+model+year_from."""
    owner = owner or get_unit(data["owner_unit"])
    fields = _checked(data)
    code = data["code"].strip()
    if db.session.scalar(select(CriteriaSet.id).where(CriteriaSet.code == code)) is not None:
        raise Duplicate(_("Đã có bộ tiêu chí mã %(code)s.", code=code), field="code")
    _refuse_same_year(owner, data["model"], fields["year_from"])
    criteria_set = CriteriaSet(code=code, model=data["model"], owner_unit=owner, is_default=is_default, **fields)
    db.session.add(criteria_set)
    db.session.flush()
    audit.record("criteria_set.create", "criteria_set", criteria_set.code, by=by, after=describe(criteria_set))
    return criteria_set


def update_set(criteria_set: CriteriaSet, data: dict, *, by=None) -> CriteriaSet:
    """Edit a set (the form page, `PUT /learning/criteria/<code>`). Assessments keep their own frozen reasons,
    so editing never changes a judgement already made; defaults may be edited too."""
    before = describe(criteria_set)
    merged = {key: data.get(key, before[key]) for key in EDITABLE}
    fields = _checked(merged)
    _refuse_same_year(criteria_set.owner_unit, criteria_set.model, fields["year_from"], but=criteria_set)
    for key, value in fields.items():
        setattr(criteria_set, key, value)
    db.session.flush()
    audit.record("criteria_set.update", "criteria_set", criteria_set.code, by=by, before=before,
                 after=describe(criteria_set))
    return criteria_set


def get_set(code: str) -> CriteriaSet:
    found = db.session.scalar(select(CriteriaSet).where(CriteriaSet.code == code))
    if found is None:
        raise NotFound(_("Không có bộ tiêu chí mã %(code)s.", code=code))
    return found


def applicable_set(unit: Unit, model: str, year: int) -> CriteriaSet:
    """The set of the nearest unit at or above `unit` with year_from ≤ year (the latest year_from there)."""
    found = nearest_set(unit, model, year)
    if found is None:
        raise NotEligible(no_set_message(unit, model, year), field="model")
    return found


def no_set_message(unit: Unit, model: str, year: int) -> str:
    return _("Chưa có bộ tiêu chí %(model)s nào áp dụng cho đơn vị %(unit)s năm %(year)s.",
             model=model_label(model), unit=unit.code, year=year)


def nearest_set(unit: Unit, model: str, year: int) -> CriteriaSet | None:
    """applicable_set, or None where no set applies yet (a page says so instead of refusing)."""
    codes = list(reversed(unit.ancestor_codes))          # the unit first, the root last
    rows = db.session.execute(
        select(CriteriaSet, Unit.code).join(Unit, Unit.id == CriteriaSet.owner_unit_id)
        .where(Unit.code.in_(codes), CriteriaSet.model == model, CriteriaSet.year_from <= year)).all()
    return min(rows, key=lambda row: (codes.index(row[1]), -row[0].year_from))[0] if rows else None


def visible_sets(unit: Unit) -> list[CriteriaSet]:
    """Every set owned by the unit or a unit above it: model order, then the nearest owner, latest year first."""
    codes = list(reversed(unit.ancestor_codes))
    rows = db.session.execute(select(CriteriaSet, Unit.code).join(Unit, Unit.id == CriteriaSet.owner_unit_id)
                              .where(Unit.code.in_(codes))).all()
    rows.sort(key=lambda row: (MODELS.index(row[0].model), codes.index(row[1]), -row[0].year_from))
    return [row[0] for row in rows]


def describe(criteria_set: CriteriaSet) -> dict:
    """The API shape of a set."""
    return {"id": criteria_set.id, "code": criteria_set.code, "model": criteria_set.model, "name": criteria_set.name,
            "owner_unit": criteria_set.owner_unit.code, "year_from": criteria_set.year_from,
            "scored": criteria_set.pass_mark is not None, "pass_mark": criteria_set.pass_mark,
            "criteria": criteria_set.criteria, "grades": criteria_set.grades,
            "recognized_by": criteria_set.recognized_by, "default": bool(criteria_set.is_default),
            "note": criteria_set.note or ""}

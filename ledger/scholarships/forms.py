"""Reading scholarship forms into the API's schemas: typed amounts ("2.000.000"), dates ("05/09/2025"),
JSON rules from the editor, a student with up to a few prize rows. Problems come back per field.
"""
import json

from marshmallow import ValidationError

from ledger.accounts.forms import optional_date, parse_date
from ledger.core import money
from ledger.core.errors import LedgerError, ValidationFailed
from ledger.core.i18n import _
from ledger.core.web import translate_messages
from ledger.scholarships import rule_form, schemas

PRIZE_ROWS = 3
QUOTA_ROWS = 3  # blank rows of the per-unit quota table; "Thêm dòng" adds one
MAX_QUOTA_ROWS = 300
STUDENT_TEXT = ("full_name", "gender", "student_code", "national_id", "school", "level", "field_of_study",
                "household_status",
                "household_certificate", "orphan", "ethnicity", "academic_result", "conduct", "guardian_name",
                "guardian_phone", "address")
STUDENT_FLAGS = ("disability", "ethnic_minority", "publish_consent")


def flat_errors(messages, prefix: str = "") -> dict[str, str]:
    """{"student": {"grade": ["..."]}} → {"student.grade": "..."}: one message per field for the page."""
    if isinstance(messages, dict):
        flat: dict[str, str] = {}
        for key, value in messages.items():
            flat.update(flat_errors(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        return {prefix: "; ".join(messages)}
    if isinstance(messages, list):
        return {k: v for i, m in enumerate(messages) for k, v in flat_errors(m, f"{prefix}[{i}]").items()}
    return {prefix: str(messages)}


def load(schema_class, data: dict) -> dict:
    try:
        return schema_class().load(data)
    except ValidationError as exc:
        raise ValidationFailed(errors=translate_messages(exc.messages)) from None


def errors_of(exc: LedgerError) -> dict[str, str]:
    return flat_errors(exc.errors or {})


def text(form, name: str) -> str:
    return (form.get(name) or "").strip()


def json_field(form, name: str, default):
    raw = text(form, name)
    if not raw:
        return default
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ValidationFailed(_("JSON không hợp lệ (dòng %(line)s, cột %(col)s).", line=getattr(exc, "lineno", "?"),
                                 col=getattr(exc, "colno", "?")), field=name) from None


def amount_field(form, name: str):
    raw = text(form, name)
    if not raw:
        return None
    try:
        return money.parse_amount(raw)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.detail, field=name) from None


def int_field(form, name: str):
    raw = text(form, name)
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise ValidationFailed(_("Phải là số nguyên."), field=name)
    return int(raw)


def without_none(data: dict) -> dict:
    return {key: value for key, value in data.items() if value is not None}


def program_data(form) -> dict:
    data = without_none({key: text(form, key) or None for key in
                         ("code", "name", "owner_unit", "fund", "description", "kind", "schedule", "preset")})
    data.update(without_none({"award_amount": amount_field(form, "award_amount"),
                              "sponsorship_years": int_field(form, "sponsorship_years")}))
    data["allow_multiple_awards"] = form.get("allow_multiple_awards") == "on"
    data["levels"] = form.getlist("levels") or ["school"]
    data["tiers"] = json_field(form, "tiers", [])
    return load(schemas.ProgramIn, {**data, **rules_and_scoring(form)})


def rules_and_scoring(form) -> dict:
    """The rule editor's rows and points table; a post of the rules as JSON text (API-like) is read as such."""
    if form.get("editor") == "form":
        return {"rules": rule_form.tree_of(rule_form.rows_from(form)), "scoring": rule_form.scoring_from(form)}
    return {"rules": json_field(form, "rules", None), "scoring": json_field(form, "scoring", {})}


def rules_data(form) -> dict:
    return load(schemas.RulesIn, rules_and_scoring(form))


def round_data(form) -> dict:
    data = without_none({"school_year": text(form, "school_year") or None, "name": text(form, "name"),
                         "budget": amount_field(form, "budget"), "quota": int_field(form, "quota"),
                         "quorum": int_field(form, "quorum"), "unit_quotas": unit_quotas_of(form)})
    data["nominations_close_on"] = parse_date(text(form, "nominations_close_on"), "nominations_close_on").isoformat()
    data["blind_review"] = form.get("blind_review") == "on"
    return load(schemas.RoundIn, data)


def quota_rows(form) -> list[tuple[str, str]]:
    """The per-unit quota table as posted: (unit code, places) per row, blank rows included."""
    rows = []
    for i in range(MAX_QUOTA_ROWS):
        if f"quota_unit-{i}" not in form:
            break
        rows.append((text(form, f"quota_unit-{i}"), text(form, f"quota_places-{i}")))
    return rows


def unit_quotas_of(form) -> dict | None:
    """{unit code: places} from the table; each problem is reported at its cell."""
    quotas: dict[str, int] = {}
    for i, (unit, places) in enumerate(quota_rows(form)):
        if not unit and not places:
            continue
        if not unit:
            raise ValidationFailed(_("Chọn đơn vị được %(places)s suất này.", places=places), field=f"quota_unit-{i}")
        if unit in quotas:
            raise ValidationFailed(_("Đơn vị %(code)s đã có một dòng chỉ tiêu.", code=unit), field=f"quota_unit-{i}")
        number = int_field(form, f"quota_places-{i}")
        if number is None:
            raise ValidationFailed(_("Ghi số suất của đơn vị này."), field=f"quota_places-{i}")
        quotas[unit] = number
    return quotas or None


def prizes_of(form) -> list[dict]:
    prizes = []
    for i in range(PRIZE_ROWS):
        level = text(form, f"prize_level-{i}")
        if level:
            prizes.append(without_none({"level": level, "rank": text(form, f"prize_rank-{i}"),
                                        "subject": text(form, f"prize_subject-{i}") or None,
                                        "year": int_field(form, f"prize_year-{i}")}))
    return prizes


def candidate_data(form) -> dict:
    student = without_none({name: text(form, name) or None for name in STUDENT_TEXT})
    student.update({name: form.get(name) == "on" for name in STUDENT_FLAGS})
    student.update(without_none({"grade": int_field(form, "grade"),
                                 "household_certificate_year": int_field(form, "household_certificate_year")}))
    born = optional_date(text(form, "date_of_birth"), "student.date_of_birth")
    if born:
        student["date_of_birth"] = born.isoformat()
    student["prizes"] = prizes_of(form)
    evidence = [line.strip() for line in text(form, "evidence").splitlines() if line.strip()]
    return load(schemas.CandidateIn, {"nominated_by": text(form, "nominated_by"), "student": student,
                                      "evidence": evidence, "note": text(form, "note")})


def decide_data(form) -> dict:
    return load(schemas.DecideIn, {"decision_number": text(form, "decision_number"),
                                   "decided_on": parse_date(text(form, "decided_on"), "decided_on").isoformat()})


def pay_data(form) -> dict:
    method = text(form, "method") or "cash"
    if method not in ("cash", "bank"):
        raise ValidationFailed(_("Hình thức chi: tiền mặt hoặc chuyển khoản."), field="method")
    return load(schemas.PayIn, {"date": parse_date(text(form, "date"), "date").isoformat(), "method": method})


# The review page's one radio choice, as the API's two flags.
REVIEW_CHOICES = {"yes": {"recommend": True}, "no": {"recommend": False}, "conflict": {"conflict_of_interest": True}}


def review_data(form) -> dict:
    return load(schemas.ReviewIn, {**REVIEW_CHOICES.get(form.get("choice"), {}), "note": form.get("note", "")})


def renew_data(form) -> dict:
    data = without_none({"school_year": text(form, "school_year") or None, "school": text(form, "school") or None,
                         "academic_result": text(form, "academic_result") or None,
                         "conduct": text(form, "conduct") or None, "grade": int_field(form, "grade"),
                         "decision_number": text(form, "decision_number") or None,
                         "household_status": text(form, "household_status") or None})
    data["decided_on"] = parse_date(text(form, "decided_on"), "decided_on").isoformat()
    return load(schemas.RenewIn, data)

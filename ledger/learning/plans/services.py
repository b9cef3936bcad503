"""Yearly plans (kế hoạch) with their indicators (chỉ tiêu): creating one, handing targets down to child
units, the values a unit reports for `manual` indicators, and progress computed at call time from the
books, members, scholarships and titles (measures.py) — never typed twice.

`progress(plan, unit)` and `plan_for(unit, year)` are what the emulation report freezes when a unit submits.
"""
from decimal import Decimal

from sqlalchemy import select

from ledger.accounts.campaigns.models import Campaign
from ledger.accounts.models import Fund
from ledger.core import audit
from ledger.core.db import utcnow
from ledger.core.errors import Duplicate, NotFound, ValidationFailed
from ledger.core.i18n import _, _l
from ledger.core.inputs import get_by_id
from ledger.extensions import db
from ledger.learning.models import MODELS, Indicator, ManualValue, Plan, Target
from ledger.learning.plans import measures
from ledger.units.models import Unit
from ledger.units.services import ancestors, children_of

MEASURE_LABELS = {
    "members_percent_population": _l("Hội viên so với dân số (%)"),
    "members_growth_percent": _l("Tăng trưởng hội viên so với cuối năm trước (%)"),
    "raised": _l("Số tiền vận động trong năm (đồng)"),
    "raised_per_capita": _l("Số tiền vận động bình quân đầu người (đồng)"),
    "campaign_raised": _l("Số tiền của đợt vận động (đồng)"),
    "dues_paid_percent": _l("Hội viên đã đóng hội phí (%)"),
    "scholarships_awarded": _l("Số suất học bổng đã xét trao trong năm"),
    "scholarship_amount": _l("Số tiền học bổng đã xét trao trong năm (đồng)"),
    "learning_percent": _l("Tỷ lệ đạt danh hiệu học tập (%)"),
    "learning_recognized": _l("Số được công nhận danh hiệu học tập"),
    "manual": _l("Số liệu đơn vị tự báo cáo"),
}
MEASURES = tuple(MEASURE_LABELS)


# ---- reading ---------------------------------------------------------------------------------

def get_plan(plan_id) -> Plan:
    plan = get_by_id(Plan, plan_id)
    if plan is None:
        raise NotFound(_("Không có kế hoạch mã %(id)s.", id=plan_id))
    return plan


def plans_of(unit: Unit, year: int | None = None) -> list[Plan]:
    stmt = select(Plan).where(Plan.unit_id == unit.id)
    if year is not None:
        stmt = stmt.where(Plan.year == year)
    return list(db.session.scalars(stmt.order_by(Plan.year.desc(), Plan.id.desc())))


def plan_for(unit: Unit, year: int) -> Plan | None:
    """The plan a unit's year is measured against: its own (the latest made, if several), else the nearest
    unit above it that has one for that year; None when no unit on the way up has a plan."""
    line = ancestors(unit)
    by_unit = {}
    for plan in db.session.scalars(select(Plan).where(Plan.unit_id.in_([u.id for u in line]), Plan.year == year)
                                   .order_by(Plan.id)):
        by_unit[plan.unit_id] = plan
    return next((by_unit[u.id] for u in reversed(line) if u.id in by_unit), None)


def number(value):
    """A JSON number: Decimal and whole values as int, others as float with their decimals."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def describe(plan: Plan) -> dict:
    return {"id": plan.id, "unit": plan.unit.code, "year": plan.year, "name": plan.name,
            "report_due": plan.report_due.isoformat() if plan.report_due else None,
            "indicators": [{"code": i.code, "name": i.name, "measure": i.measure, "target": number(i.target),
                            "params": i.params or {}} for i in plan.indicators]}


# ---- creating -------------------------------------------------------------------------------

def create_plan(unit: Unit, data: dict, *, by=None) -> Plan:
    name = data["name"].strip()
    if db.session.scalar(select(Plan.id).where(Plan.unit_id == unit.id, Plan.year == data["year"],
                                               Plan.name == name)):
        raise Duplicate(_("Đơn vị đã có kế hoạch năm %(year)s tên \"%(name)s\".", year=data["year"], name=name))
    plan = Plan(unit=unit, year=data["year"], name=name, report_due=data.get("report_due"),
                created_by_id=getattr(by, "id", None))
    seen = set()
    for position, item in enumerate(data["indicators"]):
        code = item["code"].strip()
        if code in seen:
            raise ValidationFailed(field=f"indicators.{position}.code",
                                   message=_("Mã chỉ tiêu %(code)s bị trùng.", code=code))
        seen.add(code)
        params = checked_params(item["measure"], item.get("params") or {}, f"indicators.{position}.params")
        plan.indicators.append(Indicator(position=position + 1, code=code, name=item["name"].strip(),
                                         measure=item["measure"], target=item["target"], params=params or None))
    db.session.add(plan)
    db.session.flush()
    audit.record("plan.create", "plan", plan.id, by=by, after=describe(plan))
    return plan


def checked_params(measure: str, params: dict, prefix: str) -> dict:
    """The params a measure reads: a fund, campaign or model that exists; nothing else."""
    if measure not in MEASURE_LABELS:
        raise ValidationFailed(field=prefix.rsplit(".", 1)[0] + ".measure",
                               message=_("Không có cách đo %(measure)s.", measure=measure))
    allowed = measures.PARAMS.get(measure, ())
    for key in params:
        if key not in allowed:
            raise ValidationFailed(field=f"{prefix}.{key}", message=_(
                "Cách đo này không dùng tham số %(key)s.", key=key))
    required = measures.REQUIRED.get(measure)
    if required and not params.get(required):
        raise ValidationFailed(field=f"{prefix}.{required}",
                               message=_("Cần chọn %(what)s.", what=PARAM_LABELS[required]))
    kept = {key: value for key, value in params.items() if value not in (None, "")}
    for key, value in kept.items():
        if not isinstance(value, str) or not known(key, value):
            raise ValidationFailed(field=f"{prefix}.{key}", message=_(
                "Không có %(what)s mã %(code)s.", what=PARAM_LABELS[key], code=value))
    return kept


PARAM_LABELS = {"fund": _l("quỹ"), "campaign": _l("đợt vận động"), "model": _l("mô hình học tập")}


def known(key: str, value: str) -> bool:
    if key == "model":
        return value in MODELS
    table = {"fund": Fund, "campaign": Campaign}[key]
    return db.session.scalar(select(table.id).where(table.code == value)) is not None


# ---- targets and manual values --------------------------------------------------------------

def indicator_of(plan: Plan, code: str, field: str) -> Indicator:
    found = next((i for i in plan.indicators if i.code == code), None)
    if found is None:
        raise ValidationFailed(field=field, message=_("Kế hoạch không có chỉ tiêu %(code)s.", code=code))
    return found


def require_inside(plan: Plan, unit: Unit, field: str) -> Unit:
    if not unit.is_within(plan.unit):
        raise ValidationFailed(field=field, message=_("%(unit)s không thuộc %(owner)s.",
                                                      unit=unit.name, owner=plan.unit.name))
    return unit


def set_targets(plan: Plan, targets: list[tuple[Unit, str, Decimal]], *, by=None) -> list[Target]:
    """Targets (unit, indicator code, target) of units in the plan unit's subtree; a new one replaces the old."""
    checked = [(require_inside(plan, unit, f"targets.{n}.unit"), indicator_of(plan, code, f"targets.{n}.indicator"),
                target) for n, (unit, code, target) in enumerate(targets)]
    before = targets_of(plan)
    existing = {(t.indicator_id, t.unit_id): t for t in db.session.scalars(
        select(Target).where(Target.indicator_id.in_([i.id for i in plan.indicators])))}
    for unit, indicator, target in checked:
        row = existing.get((indicator.id, unit.id))
        if row is None:
            row = existing[(indicator.id, unit.id)] = Target(indicator_id=indicator.id, unit_id=unit.id, target=target)
            db.session.add(row)
        row.target = target
    db.session.flush()
    after = targets_of(plan)
    audit.record("plan.targets", "plan", plan.id, by=by, before=before, after=after)
    return after


def targets_of(plan: Plan) -> list[dict]:
    codes = {i.id: i.code for i in plan.indicators}
    rows = db.session.execute(select(Unit.code, Target.indicator_id, Target.target)
                              .join(Unit, Target.unit_id == Unit.id).where(Target.indicator_id.in_(codes))
                              .order_by(Unit.path, Target.indicator_id)).all()
    return [{"unit": code, "indicator": codes[indicator_id], "target": number(target)}
            for code, indicator_id, target in rows]


def set_values(plan: Plan, unit: Unit, values: dict, notes: dict | None = None, *, by=None) -> dict:
    """The unit's reported values for the plan's `manual` indicators, each with an optional note."""
    require_inside(plan, unit, "unit")
    notes = notes or {}
    for code in notes:
        if code not in values:
            raise ValidationFailed(field=f"notes.{code}", message=_("Ghi chú cho chỉ tiêu không có số liệu."))
    checked = []
    for code, value in values.items():
        indicator = indicator_of(plan, code, f"values.{code}")
        if indicator.measure != "manual":
            raise ValidationFailed(field=f"values.{code}", message=_(
                "Chỉ tiêu %(code)s được tính tự động, không nhập tay.", code=code))
        checked.append((indicator, value))
    before = values_of(plan, unit)
    existing = {v.indicator_id: v for v in db.session.scalars(select(ManualValue).where(
        ManualValue.unit_id == unit.id, ManualValue.indicator_id.in_([i.id for i, _v in checked])))}
    for indicator, value in checked:
        row = existing.get(indicator.id)
        if row is None:
            row = ManualValue(indicator_id=indicator.id, unit_id=unit.id, value=value)
            db.session.add(row)
        row.value, row.note = value, (notes.get(indicator.code) or "").strip()
        row.updated_by_id = getattr(by, "id", None)
        row.updated_at = utcnow()
    db.session.flush()
    after = values_of(plan, unit)
    audit.record("plan.values", "plan", plan.id, by=by, before=before, after=after)
    return after


def values_of(plan: Plan, unit: Unit) -> dict:
    codes = {i.id: i.code for i in plan.indicators if i.measure == "manual"}
    rows = db.session.scalars(select(ManualValue).where(ManualValue.unit_id == unit.id,
                                                        ManualValue.indicator_id.in_(codes))).all()
    return {"unit": unit.code, "values": {codes[r.indicator_id]: number(r.value) for r in rows},
            "notes": {codes[r.indicator_id]: r.note for r in rows if r.note}}


# ---- progress -------------------------------------------------------------------------------

def progress(plan: Plan, unit: Unit | None = None) -> dict:
    """Each indicator's target, actual, percent and met for the unit (default: the plan's), and its child
    units ranked by how many targets they met (then by code). Computed now, from the data."""
    unit = require_inside(plan, unit or plan.unit, "unit")
    children = children_of(unit)
    scope = measures.Scope(unit=unit, children=children, year=plan.year)
    explicit = {(t.indicator_id, t.unit_id): t.target for t in db.session.scalars(select(Target).where(
        Target.indicator_id.in_([i.id for i in plan.indicators]), Target.unit_id.in_([u.id for u in scope.units])))}
    rows = {u.code: [] for u in scope.units}
    for indicator in plan.indicators:
        found = measures.actuals(scope, indicator)
        for member in scope.units:
            target = explicit.get((indicator.id, member.id), indicator.target)
            rows[member.code].append(judged(indicator, target, found.get(member.code)))
    by_unit = [{"unit": child.code, "name": child.name, "met_count": sum(1 for row in rows[child.code] if row["met"]),
                "indicators": [{k: row[k] for k in ("code", "target", "actual", "met")} for row in rows[child.code]]}
               for child in children]
    by_unit.sort(key=lambda row: (-row["met_count"], row["unit"]))
    return {"plan": plan.id, "year": plan.year, "unit": unit.code, "name": unit.name,
            "met_count": sum(1 for row in rows[unit.code] if row["met"]), "indicators": rows[unit.code],
            "by_unit": by_unit}


def judged(indicator: Indicator, target, actual) -> dict:
    met = actual is not None and Decimal(actual) >= Decimal(target)
    return {"code": indicator.code, "name": indicator.name, "measure": indicator.measure, "target": number(target),
            "actual": number(actual), "percent": number(measures.percent(actual, target)), "met": met}

"""The plan pages' forms: rows of indicators, the targets grid and the manual values, read into the shapes the
API's *In schemas load (so a page and the API refuse the same things), and figures shown the Vietnamese way."""
import re
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from ledger.accounts.campaigns.services.campaigns import campaigns_for
from ledger.accounts.forms import load_form
from ledger.accounts.models import Fund
from ledger.core.errors import ValidationFailed
from ledger.core.i18n import _
from ledger.core.money import format_number, format_vnd
from ledger.extensions import db
from ledger.learning.criteria.services import MODEL_LABELS
from ledger.learning.models import Target
from ledger.learning.plans import measures, schemas
from ledger.units.models import Unit
from ledger.units.services import children_of, subtree_filter

BLANK_ROWS = 8  # indicator rows the new-plan form offers (Sơn La's plan has seven)


def figure(value, measure: str) -> str:
    """An actual or target as the pages show it: "3.860.000 ₫", "63,5%", "12"; nothing → "—"."""
    if value is None:
        return "—"
    if measure in measures.MONEY:
        return format_vnd(int(value))
    if measure in measures.PERCENTAGES:
        return f"{float(value):.1f}".replace(".", ",") + "%"
    value = Decimal(str(value))
    if value == value.to_integral_value():
        return format_number(int(value))
    return str(value.normalize()).replace(".", ",")


def parse_figure(text: str, field: str):
    """What a person types: "1.500.000" (dots between thousands), "63,5" (decimal comma), "80" → a number."""
    cleaned = re.sub(r"[\s₫đ%]", "", text or "").replace(".", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationFailed(field=field, message=_("\"%(text)s\" không phải là một số.", text=text)) from None
    if not value.is_finite():
        raise ValidationFailed(field=field, message=_("\"%(text)s\" không phải là một số.", text=text))
    return int(value) if value == value.to_integral_value() else float(value)


def param_choices(unit: Unit) -> dict[str, str]:
    """The select's options: "fund:CODE", "campaign:CODE", "model:family" → label."""
    choices = {f"fund:{f.code}": _("Quỹ: %(name)s", name=f.name) for f in funds_around(unit)}
    choices.update({f"campaign:{c.code}": _("Đợt vận động: %(name)s", name=c.name) for c in campaigns_for(unit)})
    choices.update({f"model:{model}": str(label) for model, label in MODEL_LABELS.items()})
    return choices


def funds_around(unit: Unit) -> list[Fund]:
    """Funds the subtree's receipts may go to: those of the unit, the units above it and those below it."""
    return list(db.session.scalars(select(Fund).join(Unit, Fund.owner_unit_id == Unit.id).where(
        Unit.code.in_(unit.ancestor_codes) | subtree_filter(unit.path)).order_by(Unit.path, Fund.code)))


def indicator_rows(form) -> list[dict]:
    """The rows as typed (after a refusal), then blank rows up to BLANK_ROWS."""
    rows = [{key: form.get(f"ind-{n}-{key}", "") for key in ("code", "name", "measure", "target", "param")}
            for n in range(BLANK_ROWS) if form.get(f"ind-{n}-code")]
    return rows + [{"code": "", "name": "", "measure": "", "target": "", "param": ""}] * (BLANK_ROWS - len(rows))


def plan_from(form) -> dict:
    indicators = []
    for n in range(BLANK_ROWS):
        code = (form.get(f"ind-{n}-code") or "").strip()
        if not code:
            continue
        kind, _sep, value = (form.get(f"ind-{n}-param") or "").partition(":")
        indicators.append({"code": code, "name": (form.get(f"ind-{n}-name") or "").strip() or code,
                           "measure": form.get(f"ind-{n}-measure") or "",
                           "target": parse_figure(form.get(f"ind-{n}-target"), f"indicators.{len(indicators)}.target"),
                           "params": {kind: value} if kind and value else {}})
    data = {"year": form.get("year", type=int), "name": (form.get("name") or "").strip(), "indicators": indicators}
    if (form.get("report_due") or "").strip():
        data["report_due"] = form["report_due"].strip()
    return load_form(schemas.PlanIn, data)


def target_grid(plan, unit: Unit) -> list[dict]:
    """A row per child unit: its code, name and each indicator's own target (None: the plan's applies)."""
    children = children_of(unit)
    own = {(t.unit_id, t.indicator_id): t.target for t in db.session.scalars(select(Target).where(
        Target.indicator_id.in_([i.id for i in plan.indicators]), Target.unit_id.in_([c.id for c in children])))}
    return [{"unit": child, "targets": {i.code: own.get((child.id, i.id)) for i in plan.indicators}}
            for child in children]


def targets_from(form, plan, unit: Unit) -> list:
    """(child unit, indicator code, target) for every filled cell t-<unit>-<indicator> of the grid."""
    wanted = []
    for child in children_of(unit):
        for indicator in plan.indicators:
            text = (form.get(f"t-{child.code}-{indicator.code}") or "").strip()
            if text:
                field = f"targets.{len(wanted)}.target"
                loaded = load_form(schemas.PlanTargetIn, {"unit": child.code, "indicator": indicator.code,
                                                          "target": parse_figure(text, field)})
                wanted.append((child, indicator.code, loaded["target"]))
    return wanted


def values_from(form, plan) -> dict:
    values, notes = {}, {}
    for indicator in plan.indicators:
        text = (form.get(f"v-{indicator.code}") or "").strip()
        if indicator.measure == "manual" and text:
            values[indicator.code] = parse_figure(text, f"values.{indicator.code}")
            if (form.get(f"n-{indicator.code}") or "").strip():
                notes[indicator.code] = form[f"n-{indicator.code}"].strip()
    if not values:
        raise ValidationFailed(field="values", message=_("Chưa nhập số liệu nào."))
    return load_form(schemas.PlanValuesIn, {"unit": "-", "values": values, "notes": notes})

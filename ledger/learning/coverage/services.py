"""Coverage of the five learning models for a unit's subtree, read from the kept tallies only (a few rows
whatever the tree's size), and the targets the year's plans set for each model.

Rules (API.md): `subjects` = registered that year; `base` = the subtree's households for `family` when
households are recorded, else the registered subjects of the model; `percent` = recognized ÷ base × 100,
half up to one decimal (0 when the base is 0). `by_unit` lists the direct children by unit code.
"""
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from ledger.core.i18n import _l
from ledger.extensions import db
from ledger.learning import tallies
from ledger.learning.coverage import chart
from ledger.learning.criteria.services import MODEL_LABELS
from ledger.learning.models import MODELS, Indicator, LearningSubject, Plan, RecognitionItem, Target
from ledger.units.models import Unit
from ledger.units.services import children_of, subtree_filter

TENTH = Decimal("0.1")
LEARNING_PERCENT = "learning_percent"


def percent_of(part: int, whole: int) -> Decimal:
    """part ÷ whole × 100 rounded half up to one decimal; 0 when whole is 0 (2 of 3 → 66.7)."""
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


def model_figures(counts: dict[str, dict[str, int]], base: dict[str, int]) -> dict[str, dict]:
    """model → {subjects, assessed, passed, recognized, base, percent} from one unit's tallies and sums."""
    figures = {}
    for model in MODELS:
        row = counts[model]
        whole = base["households"] if model == "family" and base["households"] > 0 else row["registered"]
        figures[model] = {"subjects": row["registered"], "assessed": row["assessed"], "passed": row["passed"],
                          "recognized": row["recognized"], "base": whole,
                          "percent": percent_of(row["recognized"], whole)}
    return figures


def unit_figures(unit: Unit, year: int) -> dict[str, dict]:
    """The unit's own figures per model (coverage without its children): what the unit page shows."""
    return model_figures(tallies.tallies_of([unit.id], year)[unit.id], tallies.bases_of([unit.id])[unit.id])


def coverage(unit: Unit, year: int) -> dict:
    """The API.md coverage of `unit`'s subtree in `year`, with one entry per direct child (by code).
    Three queries: the children, their and the unit's tallies, their and the unit's population sums."""
    children = children_of(unit)
    ids = [unit.id] + [child.id for child in children]
    counts, bases = tallies.tallies_of(ids, year), tallies.bases_of(ids)
    return {"year": year, "unit": unit.code, "unit_name": unit.name,
            "models": model_figures(counts[unit.id], bases[unit.id]),
            "by_unit": [{"unit": child.code, "unit_name": child.name,
                         "models": model_figures(counts[child.id], bases[child.id])} for child in children]}


def targets_for(unit: Unit, year: int) -> dict[str, Decimal]:
    """model → the unit's target percentage this year: from the nearest plan of the year at or above the unit
    with a `learning_percent` indicator for that model (when a unit has several, the latest plan made — the
    one plans.services.plan_for measures against — then the first indicator); the target handed down to
    this very unit, if any, replaces the indicator's own."""
    found = db.session.execute(
        select(Indicator, Unit.depth).join(Plan, Plan.id == Indicator.plan_id).join(Unit, Unit.id == Plan.unit_id)
        .where(Unit.code.in_(unit.ancestor_codes), Plan.year == year, Indicator.measure == LEARNING_PERCENT)
        .order_by(Unit.depth.desc(), Plan.id.desc(), Indicator.position)).all()
    chosen: dict[str, Indicator] = {}
    for indicator, _depth in found:
        model = (indicator.params or {}).get("model")
        if model in MODELS and model not in chosen:
            chosen[model] = indicator
    if not chosen:
        return {}
    own = dict(db.session.execute(select(Target.indicator_id, Target.target).where(
        Target.unit_id == unit.id, Target.indicator_id.in_([i.id for i in chosen.values()]))).all())
    return {model: Decimal(own.get(indicator.id, indicator.target)) for model, indicator in chosen.items()}


def coverage_chart(figures: dict[str, dict], targets: dict[str, Decimal]) -> str:
    """The SVG bar chart of each model's percentage against its target."""
    bars = [chart.Bar(str(MODEL_LABELS[model]), figures[model]["percent"], targets.get(model)) for model in MODELS]
    return chart.bar_chart(bars, title=str(_l("Tỷ lệ đạt danh hiệu học tập theo mô hình")),
                           target_word=str(_l("chỉ tiêu")), no_target=str(_l("chưa có chỉ tiêu")))


PUBLIC_NAME_MODELS = ("family", "clan")
PUBLIC_NAME_LIMIT = 300


def consented_recognitions(unit: Unit, year: int, limit: int = PUBLIC_NAME_LIMIT) -> dict[str, list[dict]]:
    """model → [{name, unit_name}] of the families and clans recognised in the subtree that year AND whose
    publication is consented: the only names a public page shows (never a head, an address or members)."""
    rows = db.session.execute(
        select(LearningSubject.model, LearningSubject.name, Unit.name)
        .join(RecognitionItem, RecognitionItem.subject_id == LearningSubject.id)
        .join(Unit, Unit.id == RecognitionItem.unit_id)
        .where(subtree_filter(unit.path), RecognitionItem.year == year,
               LearningSubject.model.in_(PUBLIC_NAME_MODELS), LearningSubject.is_publish_consented.is_(True))
        .order_by(LearningSubject.model, Unit.path, RecognitionItem.recognition_id, RecognitionItem.position)
        .limit(limit)).all()
    found: dict[str, list[dict]] = {model: [] for model in PUBLIC_NAME_MODELS}
    for model, name, unit_name in rows:
        found[model].append({"name": name, "unit_name": unit_name})
    return found


def page_context(unit: Unit, year: int) -> dict:
    """What the coverage page, its PDF and the public page show: figures, targets, the chart."""
    figures = coverage(unit, year)
    targets = targets_for(unit, year)
    return {"unit": unit, "year": year, "figures": figures, "targets": targets, "models": MODELS,
            "model_labels": MODEL_LABELS, "chart": coverage_chart(figures["models"], targets),
            "pct": chart.vi_percent}

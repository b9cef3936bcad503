"""What each indicator measures, for a unit and its child units at once: one function per measure, each a
handful of grouped queries over the whole subtree (grouped by the child a row lies under), never one
query per child — the national tree's root answers from the same few queries as a commune.

A measure takes the `Scope` (the unit, its children, the year) and the indicator's params and returns
unit code → actual value: an int (money in đồng, counts), a Decimal rounded to 1 decimal (percentages)
or None when it cannot be computed (no population recorded, no value reported).
"""
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, case, func, literal, or_, select

from ledger.accounts.campaigns.models import Campaign
from ledger.accounts.community.models import DuesPayment, Member
from ledger.accounts.community.services.members import active_in
from ledger.accounts.models import Fund
from ledger.accounts.queries import reversed_by
from ledger.accounts.treasury.models import Receipt
from ledger.extensions import db
from ledger.learning.coverage.services import model_figures
from ledger.learning.models import ManualValue
from ledger.learning.tallies import bases_of, tallies_of
from ledger.scholarships.models import Award, Student
from ledger.units.models import Unit
from ledger.units.services import subtree_filter, subtree_ids

ONE_DECIMAL, WHOLE = Decimal("0.1"), Decimal("1")


@dataclass
class Scope:
    """The unit whose progress is read, its child units (the ranking's rows) and the plan's year."""
    unit: Unit
    children: list[Unit]
    year: int
    _cache: dict = field(default_factory=dict)

    @property
    def units(self) -> list[Unit]:
        return [self.unit, *self.children]

    def once(self, key, compute):
        """Inputs several measures share (members, population, raised) are read once per progress call."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]


def percent(part, whole) -> Decimal | None:
    """part ÷ whole × 100, 1 decimal, half up; None when there is no whole."""
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def per(part, whole) -> int | None:
    if part is None or not whole:
        return None
    return int((Decimal(part) / Decimal(whole)).quantize(WHOLE, rounding=ROUND_HALF_UP))


# ---- grouping by child ----------------------------------------------------------------------

def child_segment(unit: Unit):
    """SQL: the code of the child of `unit` a row's unit lies under ('' for the unit itself)."""
    if db.engine.dialect.name == "postgresql":
        return func.split_part(Unit.path, literal("/"), unit.depth + 2)
    rest = func.substr(Unit.path, len(unit.path) + 2)
    return func.substr(rest, 1, func.instr(rest.op("||")(literal("/")), literal("/")) - 1)


def grouped(scope: Scope, value, source, unit_col, *conditions, joins=()) -> dict[str, int]:
    """Unit code → Σ value over its subtree, for the scope's unit and each child (see sums)."""
    return sums(scope, {"value": value}, source, unit_col, *conditions, joins=joins)["value"]


def sums(scope: Scope, values: dict, source, unit_col, *conditions, joins=()) -> dict[str, dict[str, int]]:
    """name → unit code → Σ value over its subtree, for the scope's unit and each child, in one query: rows of
    `source` (joined through `joins`) whose `unit_col` lies in the subtree are summed per unit first (integers,
    hashed), and only those per-unit sums are then folded by child — never a string sort over every row."""
    segment = child_segment(scope.unit)
    if source is Unit:
        stmt = select(segment, *(func.coalesce(v, 0) for v in values.values())).where(
            subtree_filter(scope.unit.path), *conditions)
    else:
        per_unit = select(unit_col.label("unit_id"), *(v.label(name) for name, v in values.items())).select_from(source)
        for target, on in joins:
            per_unit = per_unit.join(target, on)
        per_unit = per_unit.where(unit_col.in_(subtree_ids(scope.unit)),
                                  *conditions).group_by(unit_col).subquery()
        stmt = select(segment, *(func.coalesce(func.sum(per_unit.c[name]), 0) for name in values)).join(
            Unit, Unit.id == per_unit.c.unit_id)
    rows = db.session.execute(stmt.group_by(segment)).all()
    found = {}
    for n, name in enumerate(values, start=1):
        by_child = {row[0]: int(row[n] or 0) for row in rows}
        found[name] = {child.code: by_child.get(child.code, 0) for child in scope.children}
        found[name][scope.unit.code] = sum(by_child.values())
    return found


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


# ---- members and population -----------------------------------------------------------------

def member_counts(scope: Scope) -> dict[str, dict[str, int]]:
    """One pass over the subtree's members: on the roll on 31/12 of the year ("end") and of the year before
    ("before"; joined by then, not left by then), and at some time in the year ("in_year", as dues count)."""
    return scope.once("members", lambda: _member_counts(scope))


def _member_counts(scope: Scope) -> dict[str, dict[str, int]]:
    def on_roll(day):
        return and_(or_(Member.joined_on.is_(None), Member.joined_on <= day),
                    or_(Member.left_on.is_(None), Member.left_on > day))
    first, last = year_bounds(scope.year)

    def counted(condition):
        return func.sum(case((condition, 1), else_=0))
    return sums(scope, {"end": counted(on_roll(last)), "before": counted(on_roll(first - timedelta(days=1))),
                        "in_year": counted(and_(*active_in(scope.year)))}, Member, Member.unit_id)


def population(scope: Scope) -> dict[str, int | None]:
    """The recorded subtree population (learning counts), else the unit's own, else its communes' sum."""
    return scope.once("population", lambda: _population(scope))


def _population(scope: Scope) -> dict[str, int | None]:
    """The kept subtree sums; the communes are summed only for units whose sums are not kept (a database
    from before the kept counts, until `ledger learning recount`)."""
    recorded = bases_of([u.id for u in scope.units])
    found: dict[str, int | None] = {unit.code: recorded[unit.id]["population"] or unit.population
                                    for unit in scope.units}
    if any(value is None for value in found.values()):
        communes = grouped(scope, func.sum(Unit.population), Unit, Unit.id, Unit.level == "commune",
                           Unit.population.is_not(None))
        found = {code: value if value is not None else communes.get(code) or None for code, value in found.items()}
    return found


def members_percent_population(scope: Scope, params: dict) -> dict:
    members, people = member_counts(scope)["end"], population(scope)
    return {code: percent(count, people[code]) for code, count in members.items()}


def members_growth_percent(scope: Scope, params: dict) -> dict:
    now, before = member_counts(scope)["end"], member_counts(scope)["before"]
    return {code: None if not before[code] else percent(now[code] - before[code], before[code]) for code in now}


# ---- money ----------------------------------------------------------------------------------

def fund_id(params: dict) -> int | None:
    code = (params or {}).get("fund")
    return db.session.scalar(select(Fund.id).where(Fund.code == code)) if code else None


def raised_total(scope: Scope, params: dict) -> dict[str, int]:
    first, last = year_bounds(scope.year)
    wanted = fund_id(params)
    conditions = [Receipt.dated_on >= first, Receipt.dated_on <= last, ~reversed_by(Receipt.transaction_id)]
    if wanted is not None:
        conditions.append(Receipt.fund_id == wanted)
    return scope.once(("raised", wanted), lambda: grouped(scope, func.sum(Receipt.amount), Receipt, Receipt.unit_id,
                                                          *conditions))


def raised(scope: Scope, params: dict) -> dict:
    return raised_total(scope, params)


def raised_per_capita(scope: Scope, params: dict) -> dict:
    money, people = raised_total(scope, params), population(scope)
    return {code: per(amount, people[code]) for code, amount in money.items()}


def campaign_raised(scope: Scope, params: dict) -> dict:
    campaign_id = db.session.scalar(select(Campaign.id).where(Campaign.code == params["campaign"]))
    return grouped(scope, func.sum(Receipt.amount), Receipt, Receipt.unit_id, Receipt.campaign_id == campaign_id,
                   ~reversed_by(Receipt.transaction_id))


def dues_paid_percent(scope: Scope, params: dict) -> dict:
    members = member_counts(scope)["in_year"]
    paid = grouped(scope, func.count(DuesPayment.id), DuesPayment, Member.unit_id, *active_in(scope.year),
                   DuesPayment.year == scope.year, joins=[(Member, DuesPayment.member_id == Member.id)])
    return {code: percent(paid[code], count) for code, count in members.items()}


# ---- scholarships (awards to students living in the subtree, decided in the year) --------------

def _awards(scope: Scope, value) -> dict[str, int]:
    first, last = year_bounds(scope.year)
    return grouped(scope, value, Award, Student.home_unit_id, Award.decided_on >= first, Award.decided_on <= last,
                   joins=[(Student, Award.student_id == Student.id)])


def scholarships_awarded(scope: Scope, params: dict) -> dict:
    return _awards(scope, func.count(Award.id))


def scholarship_amount(scope: Scope, params: dict) -> dict:
    return _awards(scope, func.sum(Award.amount))


# ---- titles (kept counts) -------------------------------------------------------------------

def learning_counts(scope: Scope) -> tuple[dict, dict]:
    ids = [u.id for u in scope.units]
    return scope.once("learning", lambda: (tallies_of(ids, scope.year), bases_of(ids)))


def learning_recognized(scope: Scope, params: dict) -> dict:
    tallies, _bases = learning_counts(scope)
    return {u.code: tallies[u.id][params["model"]]["recognized"] for u in scope.units}


def learning_percent(scope: Scope, params: dict) -> dict:
    """The coverage percentage of the model, by coverage's own rule (recognised ÷ base)."""
    tallies, bases = learning_counts(scope)
    return {unit.code: model_figures(tallies[unit.id], bases[unit.id])[params["model"]]["percent"]
            for unit in scope.units}


# ---- manual ---------------------------------------------------------------------------------

def manual(scope: Scope, params: dict, indicator_id: int | None = None) -> dict:
    rows = db.session.execute(select(ManualValue.unit_id, ManualValue.value).where(
        ManualValue.indicator_id == indicator_id, ManualValue.unit_id.in_([u.id for u in scope.units]))).all()
    values = dict(rows)
    return {u.code: values.get(u.id) for u in scope.units}


MEASURES = {
    "members_percent_population": members_percent_population,
    "members_growth_percent": members_growth_percent,
    "raised": raised,
    "raised_per_capita": raised_per_capita,
    "campaign_raised": campaign_raised,
    "dues_paid_percent": dues_paid_percent,
    "scholarships_awarded": scholarships_awarded,
    "scholarship_amount": scholarship_amount,
    "learning_percent": learning_percent,
    "learning_recognized": learning_recognized,
    "manual": manual,
}
# The params each measure reads (required ones first); any other key is refused.
PARAMS = {"raised": ("fund",), "raised_per_capita": ("fund",), "campaign_raised": ("campaign",),
          "learning_percent": ("model",), "learning_recognized": ("model",)}
REQUIRED = {"campaign_raised": "campaign", "learning_percent": "model", "learning_recognized": "model"}
MONEY = frozenset({"raised", "raised_per_capita", "campaign_raised", "scholarship_amount"})
PERCENTAGES = frozenset({"members_percent_population", "members_growth_percent", "dues_paid_percent",
                         "learning_percent"})


def actuals(scope: Scope, indicator) -> dict:
    """Unit code → actual value of one indicator, for the scope's unit and children."""
    if indicator.measure == "manual":
        return manual(scope, indicator.params or {}, indicator.id)
    return MEASURES[indicator.measure](scope, indicator.params or {})

"""The charity-fund regime: quarterly and yearly public statements that fall due, and the share of
yearly revenue spent on managing the fund against its cap.

A period is disclosed by a published statement of the fund's owner for exactly that quarter or
year; days allowed after the period and the cap are configurable.
"""
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

from ledger.accounts.models import Fund, MonthlyBalance
from ledger.accounts.treasury.services.cost_cap import cost_cap_percent
from ledger.core.dates import next_month, vn_today
from ledger.extensions import db
from ledger.reports import rollup
from ledger.reports.figures import fund_costs
from ledger.reports.models import FundStatement
from ledger.units.models import Unit

DEFAULT_DISCLOSURE_DAYS = {"quarterly": 30, "yearly": 90}
SHOWN_QUARTERS = 8


def charity_funds(unit: Unit) -> list[Fund]:
    return db.session.scalars(select(Fund).where(Fund.owner_unit_id == unit.id, Fund.regime == "charity_fund")
                              .order_by(Fund.code)).all()


def due_days(kind: str) -> int:
    return {**DEFAULT_DISCLOSURE_DAYS, **current_app.config.get("LEDGER_DISCLOSURE_DAYS", {})}[kind]


def first_month(fund: Fund) -> date:
    """Where the fund's calendar starts: its first movement, or its creation."""
    moved = db.session.scalar(select(func.min(MonthlyBalance.month)).where(MonthlyBalance.fund_id == fund.id))
    created = fund.created_at.date().replace(day=1)
    return min(moved, created) if moved else created


def periods_due(since: date, today: date) -> list[tuple[str, date, date]]:
    """(kind, start, end) of the quarters and years that have ended, the newest quarters only."""
    quarters, start = [], date(since.year, 3 * ((since.month - 1) // 3) + 1, 1)
    while (end := next_month(next_month(next_month(start))) - timedelta(days=1)) < today:
        quarters.append(("quarterly", start, end))
        start = end + timedelta(days=1)
    years = [("yearly", date(y, 1, 1), date(y, 12, 31)) for y in range(since.year, today.year)]
    return quarters[-SHOWN_QUARTERS:] + years


def calendar(unit: Unit, today: date | None = None) -> list[dict]:
    """Every disclosure due for the unit's charity funds, with its status: published, late, overdue, due."""
    today = today or vn_today()
    rows = []
    for fund in charity_funds(unit):
        for kind, start, end in periods_due(first_month(fund), today):
            due_on = end + timedelta(days=due_days(kind))
            statement = disclosing_statement(unit, start, end)
            rows.append({"fund": fund.code, "kind": kind, "period": rollup.period_name(kind, start),
                         "period_start": start, "period_end": end,
                         "due_on": due_on, "statement_id": statement.id if statement else None,
                         "status": status_of(statement, due_on, today)})
    return rows


def disclosing_statement(unit: Unit, start: date, end: date) -> FundStatement | None:
    return db.session.scalar(select(FundStatement).where(
        FundStatement.unit_id == unit.id, FundStatement.period_start == start, FundStatement.period_end == end,
        FundStatement.status == "published").order_by(FundStatement.version).limit(1))


def status_of(statement: FundStatement | None, due_on: date, today: date) -> str:
    if statement is not None:
        published_on = statement.published_at.date() if statement.published_at else today
        return "published" if published_on <= due_on else "late"
    return "overdue" if today > due_on else "due"


def management_costs(unit: Unit, today: date | None = None) -> list[dict]:
    """This year so far and last year: management costs (614) over revenue, against the cap."""
    today = today or vn_today()
    cap = cost_cap_percent()
    rows = []
    for fund in charity_funds(unit):
        for year in (today.year - 1, today.year):
            costs = fund_costs(fund, date(year, 1, 1), min(date(year, 12, 31), today))
            over = costs["operations"] * 100 > cap * costs["revenue"] if costs["revenue"] else costs["operations"] > 0
            rows.append({**costs, "year": year, "cap_percent": cap, "over_cap": over})
    return rows


def overview(unit: Unit) -> dict:
    due = calendar(unit)
    return {"unit": unit.code, "due": due, "overdue": sum(1 for row in due if row["status"] == "overdue"),
            "management_costs": management_costs(unit)}

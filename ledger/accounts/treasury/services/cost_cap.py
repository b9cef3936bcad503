"""The charity-fund management-cost cap: what a unit's charity-regime funds spent on management (614)
this year against their revenue, so the maker of a payment that crosses the cap is warned and approvers see the share.

The regime is every charity-fund-regime fund of the unit plus the income fund of each of its endowments
(the endowment's interest is spent from there). The cap is reported, never enforced: the decree asks for
disclosure, and today's books refuse nothing over it.
"""
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select

from ledger.accounts import balances, chart
from ledger.accounts.models import Account, Fund
from ledger.extensions import db
from ledger.units.models import Unit

DEFAULT_COST_CAP_PERCENT = 10


def cost_cap_percent() -> int:
    return int(current_app.config.get("LEDGER_MANAGEMENT_COST_CAP_PERCENT", DEFAULT_COST_CAP_PERCENT))


@dataclass(frozen=True)
class CostShare:
    """Management costs of the regime in `year`: posted so far, plus `amount` when the payment is not posted yet."""
    year: int
    revenue: int
    operations: int
    amount: int
    cap_percent: int
    funds: tuple[str, ...]

    @property
    def after(self) -> int:
        return self.operations + self.amount

    @property
    def share_percent(self) -> float | None:
        """A ratio for people to read (one decimal), not money; None while the year has no revenue."""
        return round(self.after * 100 / self.revenue, 1) if self.revenue else None

    @property
    def is_over_cap(self) -> bool:
        return self.after * 100 > self.cap_percent * self.revenue

    @property
    def crosses_cap(self) -> bool:
        """This payment takes the regime over the cap (it was not over before)."""
        return self.is_over_cap and self.amount > 0 and self.operations * 100 <= self.cap_percent * self.revenue


def regime_funds(unit: Unit) -> list[Fund]:
    """The unit's charity-regime funds and the income funds of its charity-regime endowments, by code."""
    charity = db.session.scalars(select(Fund).where(Fund.owner_unit_id == unit.id, Fund.regime == "charity_fund")
                                 ).all()
    incomes = [fund.income_fund for fund in charity if fund.kind == "endowment" and fund.income_fund is not None]
    return sorted({fund.id: fund for fund in [*charity, *incomes]}.values(), key=lambda fund: fund.code)


def cost_share(disbursement) -> CostShare | None:
    """The share a management payment leaves the regime at (counting it while it is pending); None for others."""
    if disbursement.category != "operations":  # most payments: no fund to load, nothing to count
        return None
    amount = 0 if disbursement.status == "posted" else disbursement.amount
    return payment_share(disbursement.fund, disbursement.category, disbursement.dated_on, amount)


def payment_share(fund: Fund, category: str, on: date, amount: int) -> CostShare | None:
    """The regime's share in `on`'s year with `amount` more spent on management; None unless it is a
    management cost (category operations) paid from a fund of the regime."""
    if category != "operations":
        return None
    funds = regime_funds(fund.owner_unit)
    if fund.id not in {regime_fund.id for regime_fund in funds}:
        return None
    revenue, operations = year_figures(fund.owner_unit, {regime_fund.id for regime_fund in funds}, on.year)
    return CostShare(year=on.year, revenue=revenue, operations=operations, amount=amount,
                     cap_percent=cost_cap_percent(), funds=tuple(regime_fund.code for regime_fund in funds))


def year_figures(owner: Unit, fund_ids: set[int], year: int) -> tuple[int, int]:
    """(revenue, management costs) of the funds over the year, across the owner's subtree."""
    before = balances.totals_as_of(owner, date(year - 1, 12, 31), True)
    after = balances.totals_as_of(owner, date(year, 12, 31), True)
    accounts = {row.id: (row.code, row.type) for row in db.session.execute(select(Account.id, Account.code,
                                                                                 Account.type))}
    revenue = operations = 0
    for account_id, fund_id in after.keys() | before.keys():
        if fund_id not in fund_ids:
            continue
        d0, c0 = before.get((account_id, fund_id), (0, 0))
        d1, c1 = after.get((account_id, fund_id), (0, 0))
        code, kind = accounts[account_id]
        if kind == "revenue":
            revenue += (c1 - c0) - (d1 - d0)
        elif kind == "expense" and code.startswith(chart.OPERATIONS):
            operations += (d1 - d0) - (c1 - c0)
    return revenue, operations

"""A period's money per fund from the kept balances: opening, receipts, disbursements, closing.

Two reads of `balances.totals_as_of` (the day before the period and its last day), so the cost is
O(accounts × funds × months), never O(lines); consolidation eliminates inter-unit pairs there.
"""
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select

from ledger.accounts import chart
from ledger.accounts.balances import totals_as_of
from ledger.accounts.models import Account, Fund
from ledger.extensions import db
from ledger.units.models import Unit

# Top-level account (its first three digits) → the category a statement shows.
RECEIPT_CATEGORIES = {**{code: category for category, code in chart.REVENUE_ACCOUNTS.items()},
                      chart.TRANSFERS_IN: "transfer_in"}
DISBURSEMENT_CATEGORIES = {**{code: category for category, code in chart.EXPENSE_ACCOUNTS.items()
                              if category != "gift"},
                           chart.TRANSFERS_OUT: "transfer_out"}
FUND_BALANCE_CATEGORY = "fund_balance"  # a direct movement of the fund balance (opening balances, reclassification)


def account_balances(unit: Unit, start: date, end: date, consolidated: bool):
    """Yield (account code, account type, fund id, debit−credit before the period, and at its end)."""
    before = totals_as_of(unit, start - timedelta(days=1), consolidated, tree_on=end)  # the units of the period's end
    after = totals_as_of(unit, end, consolidated)
    accounts = {row.id: (row.code, row.type)
                for row in db.session.execute(select(Account.id, Account.code, Account.type))}
    for account_id, fund_id in before.keys() | after.keys():
        d0, c0 = before.get((account_id, fund_id), (0, 0))
        d1, c1 = after.get((account_id, fund_id), (0, 0))
        yield *accounts[account_id], fund_id, d0 - c0, d1 - c1


def period_figures(unit: Unit, start: date, end: date, consolidated: bool) -> dict:
    """Funds and categories of the period, in the shape of a statement's content."""
    per_fund: dict[int, dict] = defaultdict(lambda: {"opening": 0, "receipts": 0, "disbursements": 0, "closing": 0})
    receipts: dict[str, int] = defaultdict(int)
    disbursements: dict[str, int] = defaultdict(int)
    for code, kind, fund_id, opening, closing in account_balances(unit, start, end, consolidated):
        row = per_fund[fund_id]
        if kind in ("asset", "liability"):
            row["opening"] += opening
            row["closing"] += closing
        elif kind == "expense":
            row["disbursements"] += closing - opening
            disbursements[DISBURSEMENT_CATEGORIES.get(code[:3], "other")] += closing - opening
        else:  # revenue, or a direct movement of the fund balance: credits in
            row["receipts"] += opening - closing
            category = RECEIPT_CATEGORIES.get(code[:3], "other") if kind == "revenue" else FUND_BALANCE_CATEGORY
            receipts[category] += opening - closing
    return {"funds": fund_rows(per_fund), "receipts_by_category": nonzero(receipts),
            "disbursements_by_category": nonzero(disbursements)}


def fund_rows(per_fund: dict[int, dict]) -> list[dict]:
    names = {f.id: (f.code, f.name) for f in db.session.execute(
        select(Fund.id, Fund.code, Fund.name).where(Fund.id.in_(list(per_fund))))}
    rows = [{"fund": names[fund_id][0], "name": names[fund_id][1], **values}
            for fund_id, values in per_fund.items() if any(values.values())]
    return sorted(rows, key=lambda row: row["fund"])


def nonzero(amounts: dict[str, int]) -> dict[str, int]:
    return {key: amount for key, amount in sorted(amounts.items()) if amount}


def fund_costs(fund: Fund, start: date, end: date) -> dict:
    """Revenue and management costs (614) of one fund over a period, across its owner's subtree."""
    revenue = operations = 0
    for code, kind, fund_id, opening, closing in account_balances(fund.owner_unit, start, end, True):
        if fund_id == fund.id and kind == "revenue":
            revenue += opening - closing
        elif fund_id == fund.id and kind == "expense" and code.startswith(chart.OPERATIONS):
            operations += closing - opening
    return {"fund": fund.code, "revenue": revenue, "operations": operations}

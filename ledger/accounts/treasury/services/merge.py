"""Merging a unit into another (the 2025 reform): balances move by transfer entries, the books close.

One transaction dated `on`: the merged unit mirrors every balance out; `into` takes them in; every
other unit that holds a balance towards the merged unit re-points it to `into`. History stays.
"""
from collections import defaultdict
from datetime import date

from sqlalchemy import select, true

from ledger.accounts.chart import FUND_BALANCE
from ledger.accounts.ledger import LineDraft
from ledger.accounts.models import Account, Balance, Entry, Fund
from ledger.accounts.posting import EntryDraft, TransactionDraft, lock_units, post_transaction
from ledger.core import audit
from ledger.core.dates import vn_today
from ledger.core.errors import InvalidState
from ledger.core.i18n import _
from ledger.extensions import db
from ledger.units.models import Unit
from ledger.units.services import claim_active, move_unit

# Features that keep things at a unit (ledger.learning's registry) move them to `into`: (unit, into, by),
# called once the children have moved and before the unit is marked merged.
unit_merging: list = []


def merge_unit(unit: Unit, into: Unit, on: date, *, by) -> Unit:
    # Both rows locked and re-read first: of two merges of one unit the second gets 409 invalid_state.
    claim_active(unit, into)
    check_mergeable(unit, into, on)
    others = units_holding_towards(unit, into)
    lock_units(sorted({unit.id, into.id, *others}))
    codes = lookup_codes()
    memo = _("Sáp nhập %(unit)s vào %(into)s từ %(date)s", unit=unit.name, into=into.name, date=on.strftime("%d/%m/%Y"))
    out_drafts, in_drafts = merge_entries(unit, into, on, memo, codes, others)
    # Money leaves while the merged unit still owns its funds and arrives once `into` owns them;
    # both postings share the caller's database transaction, so they stand or fall together.
    posted = [post(out_drafts, memo, by)]
    for fund in db.session.scalars(select(Fund).where(Fund.owner_unit_id == unit.id)).all():
        reown_fund(fund, into, by=by)
    posted.append(post(in_drafts, memo, by))
    for child in db.session.scalars(select(Unit).where(Unit.parent_id == unit.id, Unit.status == "active")).all():
        # Children join `into` on the merge date (today for a merge dated ahead: paths are never early), so the
        # periods since then consolidate them under the unit that now holds their money.
        move_unit(child, into.code, on=min(on, vn_today()), by=by)
    for merging in unit_merging:
        merging(unit, into, by)
    unit.status, unit.merged_into, unit.merged_on = "merged", into, on
    unit.closed_through = max(on, unit.closed_through or on)
    db.session.flush()
    audit.record("unit.merge", "unit", unit.code, by=by, before={"status": "active"},
                 after={"status": "merged", "merged_into": into.code, "merged_on": on.isoformat(),
                        "transactions": [tx_id for tx_id in posted if tx_id]})
    return unit


def post(drafts: list[EntryDraft], memo: str, by) -> int | None:
    return post_transaction(TransactionDraft(drafts, kind="merge", memo=memo), by=by).id if drafts else None


def check_mergeable(unit: Unit, into: Unit, on: date) -> None:
    if unit.parent_id is None or into.is_within(unit):
        raise InvalidState(_("Không thể sáp nhập %(unit)s vào chính nó, đơn vị con của nó, hoặc sáp nhập cấp gốc.",
                             unit=unit.name))
    later = db.session.scalar(select(Entry.dated_on).where(Entry.unit_id == unit.id, Entry.dated_on > on)
                              .order_by(Entry.dated_on.desc()).limit(1))
    if later is not None:
        raise InvalidState(_("Sổ của %(unit)s có bút toán ngày %(date)s, sau ngày sáp nhập.",
                             unit=unit.name, date=later.strftime("%d/%m/%Y")))


def reown_fund(fund: Fund, into: Unit, *, by) -> None:
    """A fund of the merged unit becomes the fund of the unit it joins, so its money can follow."""
    before = fund.owner_unit.code
    fund.owner_unit = into
    db.session.flush()
    audit.record("fund.reown", "fund", fund.code, by=by, before={"owner_unit": before}, after={"owner_unit": into.code})


def net_balances(unit_ids, where) -> dict[tuple[int, int, int, int], int]:
    """(unit, account, fund, counterparty unit or 0) → debit minus credit, non-zero only."""
    rows = db.session.execute(select(Balance.unit_id, Balance.account_id, Balance.fund_id, Balance.cp_unit_id,
                                     Balance.debit_total - Balance.credit_total)
                              .where(Balance.unit_id.in_(unit_ids), where)
                              .order_by(Balance.unit_id, Balance.account_id, Balance.fund_id, Balance.cp_unit_id))
    return {tuple(row[:4]): int(row[4]) for row in rows if row[4]}


def units_holding_towards(unit: Unit, into: Unit) -> list[int]:
    """Active units other than the two whose books hold a balance with the merged unit as counterparty."""
    ids = db.session.scalars(select(Balance.unit_id).join(Unit, Balance.unit_id == Unit.id)
                             .where(Balance.cp_unit_id == unit.id, Unit.status == "active",
                                    Balance.debit_total != Balance.credit_total).distinct())
    return sorted(set(ids) - {unit.id, into.id})


def lookup_codes() -> dict[str, dict[int, str]]:
    return {"account": dict(db.session.execute(select(Account.id, Account.code)).all()),
            "fund": dict(db.session.execute(select(Fund.id, Fund.code)).all()),
            "unit": dict(db.session.execute(select(Unit.id, Unit.code)).all())}


def line(codes, account_id, fund_id, cp_id, net: int) -> LineDraft:
    """A line that adds `net` (debit minus credit) to the (account, fund, counterparty) balance."""
    cp = codes["unit"].get(cp_id) if cp_id else None
    return LineDraft(codes["account"][account_id], codes["fund"][fund_id],
                     debit=max(net, 0), credit=max(-net, 0), counterparty_unit=cp)


def merge_entries(unit: Unit, into: Unit, on: date, memo: str, codes, others: list[int]):
    """(entries out of the merged unit and re-pointed elsewhere, the entry into `into`)."""
    own = net_balances([unit.id], true())
    # Out of the merged unit: every balance mirrored, so its books end at zero.
    out_lines = [line(codes, a, f, cp, -net) for (_u, a, f, cp), net in own.items()]
    # Into `into`: the same balances, except claims between the two, which cancel against into's own.
    in_lines = [line(codes, a, f, cp, net) for (_u, a, f, cp), net in own.items() if cp != into.id]
    in_lines += [line(codes, a, f, cp, -net)
                 for (_u, a, f, cp), net in net_balances([into.id], Balance.cp_unit_id == unit.id).items()]
    in_lines += fund_balance_plugs(in_lines)
    out_drafts = [EntryDraft(unit, on, out_lines, memo=memo)] if out_lines else []
    in_drafts = [EntryDraft(into, on, in_lines, memo=memo)] if in_lines else []
    # Elsewhere: balances towards the merged unit now point at `into`.
    repointed = defaultdict(list)
    for (other, a, f, _cp), net in net_balances(others, Balance.cp_unit_id == unit.id).items():
        repointed[other] += [line(codes, a, f, unit.id, -net), line(codes, a, f, into.id, net)]
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(list(repointed))))}
    out_drafts += [EntryDraft(units[other], on, lines, memo=memo) for other, lines in sorted(repointed.items())]
    return out_drafts, in_drafts


def fund_balance_plugs(lines: list[LineDraft]) -> list[LineDraft]:
    """421 per fund for what unmatched claims between the two units leave unbalanced."""
    residual: dict[str, int] = defaultdict(int)
    for draft in lines:
        residual[draft.fund] += draft.debit - draft.credit
    return [LineDraft(FUND_BALANCE, fund, debit=max(-net, 0), credit=max(net, 0))
            for fund, net in sorted(residual.items()) if net]

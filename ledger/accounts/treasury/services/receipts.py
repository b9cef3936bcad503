"""Receipts (phiếu thu): money or goods in, booked as revenue of the units the money belongs to.

A receipt into a pooled fund below its owner is collected on behalf (thu hộ): the collecting unit
owes the owner (336), the owner is due it (136) and books the revenue — one transaction, both books.
"""
from collections.abc import Callable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ledger.accounts.chart import DUE_FROM_UNIT, MONEY_ACCOUNTS, OWED_TO_UNIT, REVENUE_ACCOUNTS
from ledger.accounts.ledger import LineDraft
from ledger.accounts.models import Entry, Fund, Transaction
from ledger.accounts.posting import EntryDraft, TransactionDraft, check_unit_active, post_transaction
from ledger.accounts.services import get_fund
from ledger.accounts.treasury.models import Receipt, ReceiptContributor
from ledger.accounts.treasury.services import donors
from ledger.core import audit, group_commit
from ledger.core.errors import NotFound, ValidationFailed
from ledger.core.i18n import _
from ledger.core.inputs import get_by_id
from ledger.core.money import format_vnd
from ledger.extensions import db
from ledger.units.models import Unit
from ledger.units.services import subtree_ids

# What a receipt counts towards belongs to other features (campaigns: a campaign and a pledge). Each link
# checks the request against the unit and fund and returns the receipt columns it sets; features register
# theirs in their init_app, so treasury never imports them.
receipt_links: list[Callable[[Unit, Fund, dict], dict]] = []


def record_receipt(unit: Unit, data: dict, *, by, shares: list[tuple[Unit, int]] | None = None) -> Receipt:
    """Post a receipt; `shares` says whose revenue it is (default: the unit's, or a pooled fund's owner's)."""
    requested = referenced(get_fund, data["fund"], "fund")
    fund = booking_fund(requested, data["category"])
    check_fund_usable(unit, fund)
    amount = data["amount"]
    check_goods(data)
    contributors = checked_contributors(data.get("contributors"), amount)
    links = linked_columns(unit, requested, data)
    donor = donors.find_or_create_donor(data["donor"], unit=unit, by=by)
    shares = checked_shares(unit, amount, shares) if shares else default_shares(unit, fund, amount)
    memo = data.get("memo") or default_memo(data["category"], donor)
    tx = post_transaction(receipt_transaction(unit, data, fund, shares, memo, payer=donor.name), by=by)
    own_entry = next(entry for entry in tx.entries if entry.unit_id == unit.id)
    others = [share_unit for share_unit, _amount in shares if share_unit.id != unit.id]
    receipt = Receipt(unit=unit, transaction=tx, number=own_entry.number, dated_on=data["date"], amount=amount,
                      method=data["method"], fund=fund, category=data["category"],
                      channel=data.get("channel") or "direct", donor=donor,
                      collected_for=others[0] if len(others) == 1 else None,
                      memo=memo, goods_description=data.get("goods_description") or None,
                      created_by_id=getattr(by, "id", None), **links)
    receipt.contributors = [ReceiptContributor(name=c["name"], amount=c["amount"]) for c in contributors]
    db.session.add(receipt)
    group_commit.flush()  # in a group commit, one INSERT for the group's receipts
    audit.record("receipt.create", "receipt", receipt.id, by=by, after=describe(receipt))
    return receipt


def linked_columns(unit: Unit, fund: Fund, data: dict) -> dict:
    columns: dict = {}
    for link in receipt_links:
        columns.update(link(unit, fund, data))
    return columns


def referenced(lookup, key, field: str):
    """An object named in a request body: an unknown name is a field error (422), not a missing page."""
    try:
        return lookup(key)
    except NotFound as exc:
        raise ValidationFailed(exc.detail, field=field) from None


def booking_fund(fund: Fund, category: str) -> Fund:
    """Interest earned by an endowment is spendable income: it is booked in the endowment's income fund."""
    if fund.kind == "endowment" and category == "interest":
        return fund.income_fund
    return fund


def check_fund_usable(unit: Unit, fund: Fund) -> None:
    check_unit_active(unit)  # a merged unit's funds have moved on: say where the unit went instead
    if not unit.is_within(fund.owner_unit):
        raise ValidationFailed(field="fund", message=_(
            "Quỹ %(fund)s thuộc %(owner)s, không dùng được ở %(unit)s.",
            fund=fund.code, owner=fund.owner_unit.name, unit=unit.name))


def check_goods(data: dict) -> None:
    if data["method"] == "in_kind" and not (data.get("goods_description") or "").strip():
        raise ValidationFailed(field="goods_description", message=_(
            "Nhận hiện vật cần ghi rõ hiện vật là gì (ví dụ: 50 bộ sách giáo khoa lớp 6)."))


def checked_contributors(contributors, amount: int) -> list[dict]:
    """A piggy-bank drive or a day's pay lists who gave what; the parts must add up to the receipt."""
    if not contributors:
        return []
    total = sum(c["amount"] for c in contributors)
    if total != amount:
        raise ValidationFailed(field="contributors", message=_(
            "Tổng các khoản đóng góp (%(total)s) phải bằng số tiền của phiếu thu (%(amount)s).",
            total=format_vnd(total), amount=format_vnd(amount)))
    return contributors


def default_shares(unit: Unit, fund: Fund, amount: int) -> list[tuple[Unit, int]]:
    """A pooled fund's money belongs to its owner; otherwise the collecting unit keeps its own part."""
    if fund.is_pooled and fund.owner_unit_id != unit.id:
        return [(fund.owner_unit, amount)]
    return [(unit, amount)]


def checked_shares(unit: Unit, amount: int, shares: list[tuple[Unit, int]]) -> list[tuple[Unit, int]]:
    if sum(part for _unit, part in shares) != amount or any(part <= 0 for _unit, part in shares):
        raise ValidationFailed(field="amount", message=_("Các phần chia phải dương và cộng lại bằng số tiền thu."))
    for share_unit, _part in shares:
        if not unit.is_within(share_unit):
            raise ValidationFailed(field="shares", message=_(
                "Chỉ chia cho chính đơn vị hoặc đơn vị cấp trên của nó (%(unit)s).", unit=share_unit.name))
    return shares


def receipt_transaction(unit: Unit, data: dict, fund: Fund, shares, memo: str, *, payer: str) -> TransactionDraft:
    """The unit's PT entry (money in; revenue or what it owes), plus a BT entry per unit it collected for."""
    money_account, revenue = MONEY_ACCOUNTS[data["method"]], REVENUE_ACCOUNTS[data["category"]]
    own_lines = [LineDraft(money_account, fund.code, debit=data["amount"], counterparty=payer[:200])]
    other_entries = []
    for share_unit, part in shares:
        if share_unit.id == unit.id:
            own_lines.append(LineDraft(revenue, fund.code, credit=part))
            continue
        own_lines.append(LineDraft(OWED_TO_UNIT, fund.code, credit=part, counterparty_unit=share_unit.code))
        other_entries.append(EntryDraft(share_unit, data["date"], memo=_("Thu hộ qua %(unit)s: %(memo)s",
                                                                         unit=unit.name, memo=memo), lines=[
            LineDraft(DUE_FROM_UNIT, fund.code, debit=part, counterparty_unit=unit.code),
            LineDraft(revenue, fund.code, credit=part, counterparty=payer[:200])]))
    own = EntryDraft(unit, data["date"], own_lines, memo=memo, voucher_type="PT")
    return TransactionDraft([own, *other_entries], kind="receipt", memo=memo)


def default_memo(category: str, donor) -> str:
    labels = {"donation": _("Thu ủng hộ của %(name)s"), "dues": _("Thu hội phí của %(name)s"),
              "interest": _("Thu tiền lãi từ %(name)s"), "other": _("Thu khác của %(name)s")}
    return labels[category] % {"name": donor.name}


def describe(receipt: Receipt) -> dict:
    return {"number": receipt.number, "unit": receipt.unit.code, "date": receipt.dated_on.isoformat(),
            "amount": receipt.amount, "method": receipt.method, "fund": receipt.fund.code,
            "category": receipt.category, "channel": receipt.channel, "donor": receipt.donor_id,
            "collected_for": receipt.collected_for.code if receipt.collected_for else None}


def get_receipt(receipt_id) -> Receipt:
    receipt = get_by_id(Receipt, receipt_id)
    if receipt is None:
        raise NotFound(_("Không có phiếu thu %(id)s.", id=receipt_id))
    return receipt


def list_receipts(unit: Unit, *, subtree=False, date_from: date | None = None, date_to: date | None = None,
                  fund: str | None = None, limit=50, offset=0):
    stmt = select(Receipt).where(Receipt.unit_id.in_(subtree_ids(unit)) if subtree else Receipt.unit_id == unit.id)
    if date_from:
        stmt = stmt.where(Receipt.dated_on >= date_from)
    if date_to:
        stmt = stmt.where(Receipt.dated_on <= date_to)
    if fund:
        stmt = stmt.where(Receipt.fund_id == get_fund(fund).id)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = db.session.scalars(stmt.options(*answer_loads()).order_by(Receipt.dated_on.desc(), Receipt.id.desc())
                               .limit(limit).offset(offset))
    return items.all(), total


def answer_loads() -> tuple:
    """What ReceiptOut reads of each receipt, loaded for a whole page in a few queries instead of several per
    receipt; built on call, since building it at import would configure every mapper when a command starts."""
    return (selectinload(Receipt.donor), selectinload(Receipt.contributors),
            selectinload(Receipt.transaction).selectinload(Transaction.entries).selectinload(Entry.reversed_by))

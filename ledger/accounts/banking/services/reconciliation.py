"""Bank reconciliation: credits on a statement matched to the bank receipts they paid.

A credit whose memo carries a fund's or campaign's memo code, with one receipt of the same amount
within a few days whose memo carries that code, is reconciled at once; weaker or ambiguous
evidence becomes a suggestion to confirm; a credit with no receipt becomes one in a single step.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from ledger.accounts.banking.models import BankAccount, BankMatch, BankStatement, BankStatementLine
from ledger.accounts.banking.services.bank_accounts import import_statement
from ledger.accounts.banking.services.sheets import fold
from ledger.accounts.campaigns.models import Campaign
from ledger.accounts.models import Fund
from ledger.accounts.treasury.models import Receipt
from ledger.accounts.treasury.services.receipts import record_receipt
from ledger.core import audit
from ledger.core.db import utcnow
from ledger.core.errors import InvalidState, NotFound, ValidationFailed
from ledger.core.i18n import _, _l
from ledger.core.inputs import get_by_id
from ledger.core.state import claim
from ledger.extensions import db
from ledger.units.models import Unit

WINDOW_DAYS = 3
LINE_STATES = {"unmatched": _l("chưa khớp"), "suggested": _l("có gợi ý chờ xác nhận"), "matched": _l("đã khớp")}


@dataclass(frozen=True)
class MemoCode:
    key: str                   # folded, letters and digits only: what a bank memo keeps
    fund: Fund
    campaign: Campaign | None


@dataclass
class MatchSummary:
    matched: int = 0
    suggested: int = 0
    unmatched: int = 0


def squeeze(text: str) -> str:
    """Bank apps drop diacritics, spaces and dashes from memos: compare letters and digits only."""
    return fold(text).replace(" ", "").upper()


def memo_codes(unit) -> list[MemoCode]:
    """Codes of the funds and campaigns of the unit and its ancestors, longest first."""
    owners = unit.ancestor_codes
    funds = db.session.scalars(select(Fund).join(Unit, Fund.owner_unit_id == Unit.id)
                               .where(Unit.code.in_(owners), Fund.memo_code.is_not(None))).all()
    campaigns = db.session.scalars(select(Campaign).join(Unit, Campaign.owner_unit_id == Unit.id)
                                   .where(Unit.code.in_(owners), Campaign.memo_code.is_not(None))).all()
    codes = [MemoCode(squeeze(f.memo_code), f, None) for f in funds]
    codes += [MemoCode(squeeze(c.memo_code), c.fund, c) for c in campaigns]
    return sorted((c for c in codes if c.key), key=lambda c: -len(c.key))


def code_in(text: str, codes: list[MemoCode]) -> MemoCode | None:
    squeezed = squeeze(text)
    return next((code for code in codes if code.key in squeezed), None)


def open_receipts(account: BankAccount, start: date, end: date) -> dict[int, list[Receipt]]:
    """Bank receipts of the account's unit in the window that no line claims yet, by amount."""
    claimed = select(BankMatch.receipt_id)
    receipts = db.session.scalars(
        select(Receipt).where(Receipt.unit_id == account.unit_id, Receipt.method == "bank",
                              Receipt.dated_on >= start - timedelta(days=WINDOW_DAYS),
                              Receipt.dated_on <= end + timedelta(days=WINDOW_DAYS),
                              Receipt.id.not_in(claimed))
        .order_by(Receipt.dated_on, Receipt.id)).all()
    by_amount: dict[int, list[Receipt]] = defaultdict(list)
    for receipt in receipts:
        by_amount[receipt.amount].append(receipt)
    return by_amount


def match_account(account: BankAccount, *, by=None) -> MatchSummary:
    """Run the matcher over every credit of the account that has no match yet."""
    lines = db.session.scalars(
        select(BankStatementLine).where(BankStatementLine.bank_account_id == account.id,
                                        BankStatementLine.status == "unmatched", BankStatementLine.credit > 0)
        .order_by(BankStatementLine.dated_on, BankStatementLine.id)
        # Locked as they are read: a matcher running at the same time waits, then skips lines matched meanwhile.
        .with_for_update(key_share=True)).all()
    summary = MatchSummary()
    if not lines:
        return summary
    codes = memo_codes(account.unit)
    pool = open_receipts(account, lines[0].dated_on, lines[-1].dated_on)
    taken: set[int] = set()
    for line in lines:
        receipt, method, certain = best_receipt(line, pool.get(line.credit, []), codes, taken)
        if receipt is None:
            summary.unmatched += 1
            continue
        taken.add(receipt.id)
        status = "confirmed" if certain else "suggested"
        db.session.add(BankMatch(line=line, receipt=receipt, status=status, method=method))
        line.status = "matched" if certain else "suggested"
        if certain:
            summary.matched += 1
        else:
            summary.suggested += 1
    db.session.flush()
    audit.record("bank.match", "bank_account", account.id, by=by,
                 after={"matched": summary.matched, "suggested": summary.suggested, "unmatched": summary.unmatched})
    return summary


def read_statement(account: BankAccount, data: bytes, filename: str, *, mapping: dict | None = None,
                   by=None) -> tuple[BankStatement, MatchSummary]:
    """A statement's new rows stored, then every open credit of the account matched at once."""
    statement = import_statement(account, data, filename, mapping=mapping, by=by)
    return statement, match_account(account, by=by)


def best_receipt(line, candidates: list[Receipt], codes, taken) -> tuple[Receipt | None, str, bool]:
    """(receipt, method, certain): a single memo-code candidate is certain, anything else a suggestion."""
    near = sorted((r for r in candidates if r.id not in taken
                   and abs((r.dated_on - line.dated_on).days) <= WINDOW_DAYS),
                  key=lambda r: (abs((r.dated_on - line.dated_on).days), r.id))
    code = code_in(line.description, codes)
    if code is not None:
        coded = [r for r in near if code.key in squeeze(r.memo or "")]
        if coded:
            return coded[0], "memo_code", len(coded) == 1
    if near:
        return near[0], "amount_date", False
    return None, "", False


def get_line(line_id) -> BankStatementLine:
    line = get_by_id(BankStatementLine, line_id)
    if line is None:
        raise NotFound(_("Không có dòng sao kê %(id)s.", id=line_id))
    return line


def confirm_match(line: BankStatementLine, *, by=None) -> BankMatch:
    """A suggestion is confirmed once: confirmed, rejected or matched meanwhile → 409 invalid_state."""
    claim(line, {"suggested"}, label=LINE_STATES.get)
    match = line.match
    match.status, match.confirmed_at, match.confirmed_by_id = "confirmed", utcnow(), getattr(by, "id", None)
    line.status = "matched"
    db.session.flush()
    audit.record("bank.confirm", "bank_statement_line", line.id, by=by, after={"receipt": line.match.receipt_id})
    return line.match


def reject_match(line: BankStatementLine, *, by=None) -> BankStatementLine:
    """Drop a suggestion (or undo a match made by mistake); the line is open again."""
    claim(line, {"suggested", "matched"}, label=LINE_STATES.get)
    receipt_id = line.match.receipt_id
    db.session.delete(line.match)
    line.status = "unmatched"
    db.session.flush()
    db.session.expire(line, ["match"])
    audit.record("bank.unmatch", "bank_statement_line", line.id, by=by, before={"receipt": receipt_id})
    return line


def match_manually(line: BankStatementLine, receipt: Receipt, *, by=None) -> BankMatch:
    """The treasurer's own pick: same unit, a bank receipt of exactly the credited amount, still open."""
    check_open_credit(line)
    if receipt.unit_id != line.bank_account.unit_id or receipt.method != "bank" or receipt.amount != line.credit:
        raise ValidationFailed(field="receipt_id", message=_(
            "Phiếu thu %(number)s không khớp: cần phiếu thu chuyển khoản của đơn vị, đúng số tiền %(amount)s.",
            number=receipt.number, amount=f"{line.credit:,}".replace(",", ".")))
    # Two lines matched by hand to one receipt at once: the second finds it taken.
    claim(receipt, lambda found: not db.session.scalar(select(BankMatch.id).where(BankMatch.receipt_id == found.id)),
          label=lambda _state: _("phiếu thu %(number)s đã khớp với dòng sao kê khác", number=receipt.number))
    return confirmed(line, receipt, "manual", by=by)


def check_open_credit(line: BankStatementLine) -> None:
    """A credit line still open: a suggestion or match on it (perhaps made a moment ago) → 409 invalid_state."""
    if line.credit <= 0:
        raise InvalidState(_("Chỉ dòng ghi có (tiền vào) mới khớp với phiếu thu."))
    claim(line, {"unmatched"}, label=LINE_STATES.get)


def confirmed(line: BankStatementLine, receipt: Receipt, method: str, *, by=None) -> BankMatch:
    match = BankMatch(line=line, receipt=receipt, status="confirmed", method=method,
                      confirmed_at=utcnow(), confirmed_by_id=getattr(by, "id", None))
    db.session.add(match)
    line.status = "matched"
    db.session.flush()
    audit.record("bank.match_" + method, "bank_statement_line", line.id, by=by, after={"receipt": receipt.id})
    return match


def receipt_from_line(line: BankStatementLine, data: dict, *, by=None) -> Receipt:
    """An unmatched credit becomes a bank receipt (fund and campaign from its memo code) and is matched."""
    check_open_credit(line)
    code = code_in(line.description, memo_codes(line.bank_account.unit))
    fund = data.get("fund") or (code.fund.code if code else None) or \
        (line.bank_account.default_fund.code if line.bank_account.default_fund else None)
    if not fund:
        raise ValidationFailed(field="fund", message=_("Chọn quỹ nhận khoản tiền này."))
    campaign = data.get("campaign") or (code.campaign.code if code and code.campaign else None)
    receipt_data = {"date": line.dated_on, "amount": line.credit, "method": "bank", "fund": fund,
                    "category": data.get("category") or "donation", "donor": data["donor"],
                    "memo": (data.get("memo") or line.description or "")[:500]}
    if campaign:
        receipt_data["campaign"] = campaign
    receipt = record_receipt(line.bank_account.unit, receipt_data, by=by)
    confirmed(line, receipt, "created", by=by)
    return receipt


def line_counts(account: BankAccount) -> dict[str, int]:
    rows = db.session.execute(select(BankStatementLine.status, func.count())
                              .where(BankStatementLine.bank_account_id == account.id)
                              .group_by(BankStatementLine.status)).all()
    return {"unmatched": 0, "suggested": 0, "matched": 0, **{status: count for status, count in rows}}


def list_lines(account: BankAccount, *, status: str | None = None, limit: int = 50, offset: int = 0):
    stmt = select(BankStatementLine).where(BankStatementLine.bank_account_id == account.id)
    if status:
        stmt = stmt.where(BankStatementLine.status == status)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = db.session.scalars(stmt.order_by(BankStatementLine.dated_on, BankStatementLine.id)
                               .limit(limit).offset(offset)).all()
    return items, total


def unmatched_receipts(account: BankAccount, *, limit: int = 200) -> list[Receipt]:
    """Bank receipts of the unit, within the statements' dates, that no statement line has paid."""
    span = db.session.execute(select(func.min(BankStatementLine.dated_on), func.max(BankStatementLine.dated_on))
                              .where(BankStatementLine.bank_account_id == account.id)).one()
    if span[0] is None:
        return []
    return db.session.scalars(
        select(Receipt).where(Receipt.unit_id == account.unit_id, Receipt.method == "bank",
                              Receipt.dated_on >= span[0], Receipt.dated_on <= span[1],
                              Receipt.id.not_in(select(BankMatch.receipt_id).where(BankMatch.status == "confirmed")))
        .order_by(Receipt.dated_on, Receipt.id).limit(limit)).all()

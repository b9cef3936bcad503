"""Disbursements (phiếu chi): created pending, approved by another person, numbered only when posted.

Maker-checker: the creator never approves their own voucher; above a unit's threshold only its
chair may. Money is checked at approval, so a voucher refused for lack of money stays pending.
"""
from datetime import date

from sqlalchemy import func, select

from ledger.accounts import balances
from ledger.accounts.chart import BANK, CASH, EXPENSE_ACCOUNTS, GOODS, MONEY_ACCOUNTS
from ledger.accounts.ledger import LineDraft
from ledger.accounts.models import Fund
from ledger.accounts.posting import EntryDraft, TransactionDraft, check_books_open, post_transaction
from ledger.accounts.services import get_fund
from ledger.accounts.treasury.models import ApprovalPolicy, Disbursement
from ledger.accounts.treasury.services.cost_cap import CostShare, payment_share
from ledger.accounts.treasury.services.receipts import check_fund_usable, check_goods, referenced
from ledger.auth.models import User
from ledger.core import audit, permissions
from ledger.core.db import utcnow
from ledger.core.errors import (
    EndowmentPrincipal,
    Forbidden,
    InsufficientFunds,
    NotFound,
    SameUser,
    ValidationFailed,
)
from ledger.core.i18n import _, _l
from ledger.core.inputs import get_by_id
from ledger.core.money import format_vnd
from ledger.core.state import claim
from ledger.extensions import db
from ledger.units.models import Unit
from ledger.units.services import subtree_ids

STATUS_LABELS = {"pending_approval": _l("Chờ duyệt"), "posted": _l("Đã duyệt, đã ghi sổ"), "rejected": _l("Đã từ chối")}


def create_disbursement(unit: Unit, data: dict, *, by) -> Disbursement:
    """A pending payment voucher: checked now for what cannot change, for money only at approval."""
    fund = referenced(get_fund, data["fund"], "fund")
    check_spendable_fund(unit, fund)
    check_goods(data)
    check_books_open(unit, data["date"])  # what posting at approval would refuse
    payee = {key: value for key, value in (data.get("payee") or {}).items() if value not in (None, "")}
    name = " ".join((payee.get("name") or "").split())
    if not name:
        raise ValidationFailed(field="payee", message=_("Cần ghi họ tên người nhận tiền."))
    disbursement = Disbursement(unit=unit, dated_on=data["date"], amount=data["amount"], method=data["method"],
                                fund=fund, category=data["category"], payee_name=name, payee={**payee, "name": name},
                                payee_id_number=payee.get("id_number"), payee_address=payee.get("address"),
                                memo=data.get("memo") or "", goods_description=data.get("goods_description") or None,
                                status="pending_approval", created_by_id=getattr(by, "id", None))
    db.session.add(disbursement)
    db.session.flush()
    audit.record("disbursement.create", "disbursement", disbursement.id, by=by, after=describe(disbursement))
    return disbursement


def approve_disbursement(disbursement: Disbursement, *, by) -> Disbursement:
    """Claim the voucher first: of two approvals (or an approval and a rejection) only one finds it pending."""
    claim_pending(disbursement)
    check_approver(disbursement, approver=by, creator_id=disbursement.created_by_id)
    return post_disbursement(disbursement, approver=by, by=by)


def reject_disbursement(disbursement: Disbursement, reason: str, *, by) -> Disbursement:
    claim_pending(disbursement)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed(field="reason", message=_("Cần ghi lý do từ chối."))
    disbursement.status = "rejected"
    disbursement.rejected_reason = reason
    disbursement.decided_by_id, disbursement.decided_at = getattr(by, "id", None), utcnow()
    db.session.flush()
    audit.record("disbursement.reject", "disbursement", disbursement.id, by=by,
                 before={"status": "pending_approval"}, after={"status": "rejected", "reason": reason})
    return disbursement


def redate_disbursement(disbursement: Disbursement, on: date, *, by) -> Disbursement:
    """The maker moves a pending voucher to another date (its period was closed under it): the new date must
    be open, and the voucher is still claimed pending so an approval racing this one wins or waits."""
    claim_pending(disbursement)
    if getattr(by, "id", None) != disbursement.created_by_id:
        raise Forbidden(_("Chỉ người lập phiếu được đổi ngày của phiếu chi đang chờ duyệt."))
    check_books_open(disbursement.unit, on)
    before = disbursement.dated_on
    disbursement.dated_on = on
    db.session.flush()
    audit.record("disbursement.redate", "disbursement", disbursement.id, by=by,
                 before={"date": before.isoformat()}, after={"date": on.isoformat()})
    return disbursement


def cost_cap_warning(data: dict) -> CostShare | None:
    """The management-cost share a payment not yet made would leave, when it takes the regime over the cap."""
    share = payment_share(referenced(get_fund, data["fund"], "fund"), data["category"], data["date"], data["amount"])
    return share if share is not None and share.crosses_cap else None


def record_approved_disbursement(unit: Unit, data: dict, *, by, approved_by) -> Disbursement:
    """Create and post at once when the approval was given elsewhere (e.g. a scholarship decision)."""
    check_approver_identity(approved_by, creator_id=getattr(by, "id", None))
    disbursement = create_disbursement(unit, data, by=by)
    check_approver(disbursement, approver=approved_by, creator_id=getattr(by, "id", None))
    return post_disbursement(disbursement, approver=approved_by, by=by)


def check_spendable_fund(unit: Unit, fund: Fund) -> None:
    check_fund_usable(unit, fund)
    if fund.kind == "endowment":
        raise EndowmentPrincipal(fund=fund.code)
    if fund.is_pooled and fund.owner_unit_id != unit.id:
        raise ValidationFailed(field="fund", message=_(
            "Quỹ %(fund)s do %(owner)s quản lý tập trung; chỉ %(owner)s được chi từ quỹ này.",
            fund=fund.code, owner=fund.owner_unit.name))


def claim_pending(disbursement: Disbursement) -> None:
    """Lock the voucher and re-read it: already approved or rejected → 409 invalid_state, nothing posted."""
    claim(disbursement, {"pending_approval"}, label=STATUS_LABELS.get)


def check_approver_identity(approver, *, creator_id) -> None:
    if approver is None or getattr(approver, "id", None) == creator_id:
        raise SameUser()


def check_approver(disbursement: Disbursement, *, approver, creator_id) -> None:
    """An approver of the unit, not the creator; above the unit's threshold, only the chair of its policy."""
    check_approver_identity(approver, creator_id=creator_id)
    if not permissions.allowed(approver, "approve", disbursement.unit):
        raise Forbidden(_("%(name)s không có quyền duyệt chi ở đơn vị này.", name=approver.full_name))
    policy = db.session.get(ApprovalPolicy, disbursement.unit_id)
    if policy is not None and disbursement.amount > policy.threshold and approver.id != policy.chair_user_id:
        chair = db.session.get(User, policy.chair_user_id)
        raise Forbidden(_("Khoản chi trên %(threshold)s chỉ chủ tịch %(chair)s được duyệt.",
                          threshold=format_vnd(policy.threshold), chair=chair.full_name))


def post_disbursement(disbursement: Disbursement, *, approver, by) -> Disbursement:
    check_enough_money(disbursement)
    expense, money = EXPENSE_ACCOUNTS[disbursement.category], MONEY_ACCOUNTS[disbursement.method]
    memo = disbursement.memo or _("Chi cho %(payee)s", payee=disbursement.payee_name)
    entry = EntryDraft(disbursement.unit, disbursement.dated_on, memo=memo, voucher_type="PC", lines=[
        LineDraft(expense, disbursement.fund.code, debit=disbursement.amount, counterparty=disbursement.payee_name),
        LineDraft(money, disbursement.fund.code, credit=disbursement.amount)])
    tx = post_transaction(TransactionDraft([entry], kind="disbursement", memo=memo), by=by)
    disbursement.status, disbursement.transaction, disbursement.number = "posted", tx, tx.entries[0].number
    disbursement.decided_by_id, disbursement.decided_at = approver.id, utcnow()
    db.session.flush()
    audit.record("disbursement.approve", "disbursement", disbursement.id, by=approver,
                 before={"status": "pending_approval"}, after={"status": "posted", "number": disbursement.number})
    return disbursement


def check_enough_money(disbursement: Disbursement) -> None:
    """What the fund holds in cash, bank or goods, less what it has promised (unless this pays a promise)."""
    fund, unit = disbursement.fund, disbursement.unit
    account = MONEY_ACCOUNTS[disbursement.method]
    held = balances.money_balance(unit, fund, account)
    keeps_promises = disbursement.category == "scholarship" or unit.id != fund.owner_unit_id
    committed = 0 if keeps_promises else sum(source(fund) for source in balances.commitment_sources)
    if disbursement.amount > held - committed:
        available = format_vnd(max(held - committed, 0))
        if committed:
            raise InsufficientFunds(_(
                "Không đủ tiền: quỹ %(fund)s còn dùng được %(available)s (đã trừ %(committed)s đã cam kết chi).",
                fund=fund.code, available=available, committed=format_vnd(committed)))
        raise InsufficientFunds(account=account_label(account), fund=fund.code, available=available)


def account_label(code: str) -> str:
    return {CASH: _("111 Tiền mặt"), BANK: _("112 Tiền gửi ngân hàng"), GOODS: _("152 Hiện vật")}[code]


def describe(disbursement: Disbursement) -> dict:
    return {"unit": disbursement.unit.code, "date": disbursement.dated_on.isoformat(), "amount": disbursement.amount,
            "method": disbursement.method, "fund": disbursement.fund.code, "category": disbursement.category,
            "payee": disbursement.payee_name, "status": disbursement.status}


def get_disbursement(disbursement_id) -> Disbursement:
    found = get_by_id(Disbursement, disbursement_id)
    if found is None:
        raise NotFound(_("Không có phiếu chi %(id)s.", id=disbursement_id))
    return found


def list_disbursements(unit: Unit, *, status: str | None = None, subtree=False, limit=50, offset=0):
    where = Disbursement.unit_id.in_(subtree_ids(unit)) if subtree else Disbursement.unit_id == unit.id
    stmt = select(Disbursement).where(where)
    if status:
        stmt = stmt.where(Disbursement.status == status)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = db.session.scalars(stmt.order_by(Disbursement.dated_on.desc(), Disbursement.id.desc())
                               .limit(limit).offset(offset)).all()
    return items, total


def set_approval_policy(unit: Unit, data: dict, *, by) -> ApprovalPolicy | None:
    """{threshold, chair: username} sets the unit's rule; a null threshold removes it."""
    policy = db.session.get(ApprovalPolicy, unit.id)
    before = {"threshold": policy.threshold, "chair": policy.chair_user_id} if policy else None
    if data.get("threshold") is None:
        if policy is not None:
            db.session.delete(policy)
        policy = None
    else:
        chair = db.session.scalar(select(User).where(User.username == (data.get("chair") or "")))
        if chair is None:
            raise ValidationFailed(field="chair", message=_("Cần tên đăng nhập của chủ tịch đơn vị."))
        policy = policy or ApprovalPolicy(unit_id=unit.id)
        policy.threshold, policy.chair_user_id = data["threshold"], chair.id
        db.session.add(policy)
    db.session.flush()
    audit.record("approval_policy.set", "unit", unit.code, by=by, before=before,
                 after={"threshold": policy.threshold, "chair": policy.chair_user_id} if policy else None)
    return policy

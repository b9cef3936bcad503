"""Allowances (phụ cấp) paid from the dues a unit keeps: rules per unit and position, payments as
disbursements (phiếu chi, approved by another person), and the yearly report over a subtree.

A 'share' rule earns percent × the unit's retained dues of the year (its own dues revenue in the
rule's fund, read from the kept monthly balances) rounded down to the đồng; a 'fixed' rule earns
its amount each year.
"""
from datetime import date

from sqlalchemy import func, select

from ledger.accounts import chart
from ledger.accounts.community.models import AllowancePayment, AllowanceRule
from ledger.accounts.community.services.members import get_member
from ledger.accounts.models import Account, MonthlyBalance
from ledger.accounts.services import funds_usable_in, get_fund
from ledger.accounts.treasury.services.disbursements import create_disbursement
from ledger.core import audit
from ledger.core.errors import NotFound, ValidationFailed
from ledger.core.i18n import _
from ledger.core.inputs import get_by_id
from ledger.core.money import format_number
from ledger.core.state import claim
from ledger.extensions import db
from ledger.units.models import Unit
from ledger.units.services import subtree_filter


def get_rule(rule_id) -> AllowanceRule:
    rule = get_by_id(AllowanceRule, rule_id)
    if rule is None:
        raise NotFound(_("Không có quy định phụ cấp %(id)s.", id=rule_id))
    return rule


def create_rule(unit: Unit, data: dict, *, by=None) -> AllowanceRule:
    fund = get_fund(data["fund"])
    if not unit.is_within(fund.owner_unit):
        raise ValidationFailed(field="fund", message=_("Quỹ %(fund)s không dùng được ở %(unit)s.",
                                                       fund=fund.code, unit=unit.name))
    member = get_member(data["member_id"]) if data.get("member_id") else None
    if member is not None and not member.unit.is_within(unit):
        raise ValidationFailed(field="member_id", message=_("Hội viên %(name)s không thuộc %(unit)s.",
                                                            name=member.full_name, unit=unit.name))
    share = data["basis"] == "share"
    rule = AllowanceRule(unit=unit, position=data["position"].strip(), member=member, fund=fund,
                         payee_name=(data.get("payee_name") or (member.full_name if member else "")).strip(),
                         basis=data["basis"], percent=data.get("percent") if share else None,
                         amount=None if share else data.get("amount"))
    if not rule.payee_name:
        raise ValidationFailed(field="payee_name", message=_("Cần tên người nhận phụ cấp."))
    if (share and not rule.percent) or (not share and not rule.amount):
        raise ValidationFailed(field="percent" if share else "amount", message=_(
            "Phụ cấp theo tỷ lệ cần phần trăm; phụ cấp cố định cần số tiền."))
    db.session.add(rule)
    db.session.flush()
    audit.record("allowance_rule.create", "allowance_rule", rule.id, by=by, after=describe(rule))
    return rule


def payable_funds(unit: Unit) -> list:
    """The funds an allowance may be paid from: the unit's own, not pooled money nor an endowment."""
    return [f for f in funds_usable_in(unit) if not f.is_pooled and f.kind != "endowment"]


def describe(rule: AllowanceRule) -> dict:
    return {"unit": rule.unit.code, "position": rule.position, "payee_name": rule.payee_name,
            "basis": rule.basis, "percent": rule.percent, "amount": rule.amount, "fund": rule.fund.code}


def retained_dues(unit: Unit, fund_id: int, year: int) -> int:
    """The unit's own dues revenue of the year (its shares, after what it owes the levels above)."""
    amount = db.session.scalar(
        select(func.sum(MonthlyBalance.credit - MonthlyBalance.debit))
        .join(Account, MonthlyBalance.account_id == Account.id)
        .where(MonthlyBalance.unit_id == unit.id, MonthlyBalance.fund_id == fund_id,
               Account.code.like(chart.DUES + "%"),
               MonthlyBalance.month >= date(year, 1, 1), MonthlyBalance.month <= date(year, 12, 1)))
    return int(amount or 0)


def due_for(rule: AllowanceRule, year: int) -> tuple[int, int | None]:
    """(what the rule earns in the year, the retained dues it is a share of or None)."""
    if rule.basis == "fixed":
        return rule.amount, None
    retained = retained_dues(rule.unit, rule.fund_id, year)
    return max(retained, 0) * rule.percent // 100, retained


def paid_for(rule: AllowanceRule, year: int) -> tuple[int, int]:
    """(posted, pending approval) amounts of the rule's payments for the year."""
    posted = pending = 0
    for payment in rule.payments:
        if payment.year != year:
            continue
        if payment.disbursement.status == "posted":
            posted += payment.disbursement.amount
        elif payment.disbursement.status == "pending_approval":
            pending += payment.disbursement.amount
    return posted, pending


def report_row(rule: AllowanceRule, year: int) -> dict:
    due, retained = due_for(rule, year)
    posted, pending = paid_for(rule, year)
    return {"rule": rule, "id": rule.id, "unit": rule.unit.code, "unit_name": rule.unit.name,
            "position": rule.position, "payee_name": rule.payee_name, "basis": rule.basis,
            "percent": rule.percent, "retained": retained, "due": due, "paid": posted, "pending": pending,
            "outstanding": max(due - posted - pending, 0)}


def allowance_report(unit: Unit, year: int) -> dict:
    """Every active rule in the subtree: what it earns, what was paid, what is pending or left."""
    rules = db.session.scalars(select(AllowanceRule).join(Unit, AllowanceRule.unit_id == Unit.id)
                               .where(subtree_filter(unit.path), AllowanceRule.is_active.is_(True))
                               .order_by(Unit.path, AllowanceRule.id)).all()
    rows = [report_row(rule, year) for rule in rules]
    totals = {key: sum(row[key] for row in rows) for key in ("due", "paid", "pending", "outstanding")}
    return {"unit": unit.code, "year": year, "rows": rows, **totals}


def pay_allowance(rule: AllowanceRule, data: dict, *, by=None):
    """A pending phiếu chi for what is left of the year's allowance (or a smaller stated amount).

    The rule is claimed first, so two payments at once cannot both take what is left: nothing left
    (paid or pending approval) → 409 invalid_state."""
    claim(rule, lambda found: report_row(found, data["year"])["outstanding"] > 0,
          label=lambda _state: _("phụ cấp năm %(year)s của %(name)s đã chi đủ (hoặc đang chờ duyệt)",
                                 year=data["year"], name=rule.payee_name))
    row = report_row(rule, data["year"])
    amount = data.get("amount") or row["outstanding"]
    if amount > row["outstanding"]:
        raise ValidationFailed(field="amount", message=_(
            "Số tiền vượt phần phụ cấp còn lại (%(left)s đ).", left=format_number(row["outstanding"])))
    disbursement = create_disbursement(rule.unit, {
        "date": data["date"], "amount": amount, "method": data["method"], "fund": rule.fund.code,
        "category": "allowance", "payee": {"name": rule.payee_name},
        "memo": _("Phụ cấp %(position)s năm %(year)s", position=rule.position, year=data["year"])}, by=by)
    db.session.add(AllowancePayment(rule=rule, year=data["year"], disbursement=disbursement))
    db.session.flush()
    audit.record("allowance.pay", "allowance_rule", rule.id, by=by,
                 after={"year": data["year"], "disbursement": disbursement.id, "amount": amount})
    return disbursement

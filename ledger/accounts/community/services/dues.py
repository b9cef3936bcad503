"""Dues (hội phí): the yearly policy inherited down the tree, its exact split between levels, one
member's payment or a whole collection sheet as one posting, and who has paid over a subtree.

Rounding: every share except the lowest level's is amount × percent // 100 (whole đồng, rounded
down); the lowest level named in the split — normally the branch, which holds the cash — gets what
is left, so the shares always add up to the amount paid and no upper level is owed a fraction.
"""
from collections.abc import Mapping
from datetime import date

from sqlalchemy import func, insert, or_, select
from sqlalchemy.exc import IntegrityError

from ledger.accounts import chart
from ledger.accounts.community.models import DuesPayment, DuesPolicy, Member
from ledger.accounts.community.services.members import active_in, get_member
from ledger.accounts.services import funds_usable_in, get_fund
from ledger.accounts.treasury.models import Receipt
from ledger.accounts.treasury.services.receipts import record_receipt
from ledger.core import audit
from ledger.core.errors import Duplicate, InvalidState, ValidationFailed
from ledger.core.i18n import _
from ledger.core.money import format_number
from ledger.extensions import db
from ledger.units.models import LEVELS, Unit
from ledger.units.services import ancestors, level_label, subtree_filter

RANK = {level: rank for rank, level in enumerate(LEVELS)}  # central 0 … branch 4


# ---- the arithmetic (pure) ------------------------------------------------------------------

def split_amount(amount: int, split: Mapping[str, int]) -> dict[str, int]:
    """Whole-đồng share per level, top level first; the lowest level named receives the remainder."""
    levels = [level for level in LEVELS if split.get(level)]
    if not levels or sum(split.values()) != 100:
        raise ValueError(f"split must name levels whose percents sum to 100, got {dict(split)}")
    shares = {level: amount * split[level] // 100 for level in levels[:-1]}
    shares[levels[-1]] = amount - sum(shares.values())
    return shares


def level_holder(chain: list[Unit], level: str) -> Unit | None:
    """The nearest unit of `level` at or above the branch; where the tree has no such level
    (districts are gone since 2025) the nearest unit above it takes the share."""
    for unit in reversed(chain):
        if RANK[unit.level] <= RANK[level]:
            return unit
    return None


def shares_by_unit(chain: list[Unit], split: Mapping[str, int], amount: int) -> list[tuple[Unit, int]]:
    """(unit, đồng) for one payment made at chain[-1]; the branch first, zero shares dropped."""
    totals: dict[int, list] = {}
    for level, share in reversed(list(split_amount(amount, split).items())):
        holder = level_holder(chain, level)
        if holder is None:
            raise InvalidState(_("Không có đơn vị cấp %(level)s phía trên %(unit)s để nhận phần hội phí.",
                                 level=level_label(level), unit=chain[-1].name))
        totals.setdefault(holder.id, [holder, 0])[1] += share
    return [(unit, amount) for unit, amount in totals.values() if amount > 0]


# ---- the policy -----------------------------------------------------------------------------

def set_dues_policy(unit: Unit, data: dict, *, by=None) -> DuesPolicy:
    split = {level: percent for level, percent in data["split"].items() if percent}
    total = sum(split.values())
    if total != 100:
        raise ValidationFailed(field="split", message=_(
            "Tỷ lệ phân chia phải cộng lại đúng 100%% (đang là %(total)s%%).", total=total))
    fund = get_fund(data["fund"])
    check_dues_fund(fund, unit, split)
    policy = db.session.scalar(select(DuesPolicy).where(DuesPolicy.unit_id == unit.id,
                                                         DuesPolicy.year == data["year"]))
    before = describe_policy(policy) if policy else None
    if policy is None:
        policy = DuesPolicy(unit=unit, year=data["year"])
        db.session.add(policy)
    policy.amount, policy.fund, policy.split = data["amount"], fund, split
    db.session.flush()
    audit.record("dues_policy.set", "dues_policy", policy.id, by=by, before=before, after=describe_policy(policy))
    return policy


def check_dues_fund(fund, unit: Unit, split: Mapping[str, int]) -> None:
    """Each level keeps its share in its own part of the fund, so it must be shared and reach the top level."""
    if fund.is_pooled:
        raise ValidationFailed(field="fund", message=_(
            "Quỹ %(fund)s là quỹ gộp của một đơn vị; hội phí cần một quỹ mà mỗi cấp giữ phần của mình.",
            fund=fund.code))
    top = min(RANK[level] for level in split)
    if not unit.is_within(fund.owner_unit) or RANK[fund.owner_unit.level] > top:
        raise ValidationFailed(field="fund", message=_(
            "Quỹ %(fund)s không dùng được ở mọi cấp nhận hội phí (đến cấp %(level)s).",
            fund=fund.code, level=level_label(LEVELS[top])))


def describe_policy(policy: DuesPolicy) -> dict:
    return {"unit": policy.unit.code, "year": policy.year, "amount": policy.amount,
            "fund": policy.fund.code, "split": dict(policy.split)}


def policy_for(unit: Unit, year: int) -> DuesPolicy:
    """The policy of the nearest unit (itself or above) that set one for the year."""
    policy = db.session.scalar(select(DuesPolicy).join(Unit, DuesPolicy.unit_id == Unit.id)
                               .where(Unit.code.in_(unit.ancestor_codes), DuesPolicy.year == year)
                               .order_by(Unit.depth.desc()).limit(1))
    if policy is None:
        raise InvalidState(_("Chưa có mức hội phí năm %(year)s cho %(unit)s hay đơn vị cấp trên.",
                             year=year, unit=unit.name))
    return policy


def effective_policy(unit: Unit, year: int) -> dict:
    """The policy that applies at the unit and, for a branch, what one member's dues give each level."""
    policy = policy_for(unit, year)
    shares = shares_by_unit(ancestors(unit), policy.split, policy.amount) if unit.level == "branch" else []
    return {**describe_policy(policy), "shares": [{"unit": u.code, "name": u.name, "amount": amount}
                                                  for u, amount in shares]}


# ---- paying -----------------------------------------------------------------------------------

def pay_dues(unit: Unit, data: dict, *, by=None) -> Receipt:
    """One member's dues: a receipt in the member's branch books, shares to each level."""
    member = get_member(data["member_id"])
    if not member.unit.is_within(unit):
        raise ValidationFailed(field="member_id", message=_(
            "Hội viên %(name)s không thuộc %(unit)s.", name=member.full_name, unit=unit.name))
    return collect_dues(member.unit, [member], year=data["year"], on=data["date"], method=data["method"], by=by)


def collect_dues(branch: Unit, members: list[Member], *, year: int, on: date, method: str, by=None) -> Receipt:
    """A collection sheet: one receipt (one voucher, one posting) with one line per member."""
    check_sheet(branch, members, year)
    policy = policy_for(branch, year)
    per_member = shares_by_unit(ancestors(branch), policy.split, policy.amount)
    count = len(members)
    memo = (_("Thu hội phí năm %(year)s: %(name)s", year=year, name=members[0].full_name) if count == 1 else
            _("Thu hội phí năm %(year)s của %(count)s hội viên", year=year, count=count))
    receipt = record_receipt(branch, {
        "date": on, "amount": policy.amount * count, "method": method, "fund": policy.fund.code,
        "category": "dues", "memo": memo, "donor": dues_donor(members, branch),
        "contributors": [{"name": m.full_name, "amount": policy.amount} for m in members]},
        by=by, shares=[(unit, share * count) for unit, share in per_member])
    try:
        db.session.execute(insert(DuesPayment), [
            {"member_id": m.id, "year": year, "amount": policy.amount, "receipt_id": receipt.id} for m in members])
    except IntegrityError:  # a concurrent sheet paid one of them first: the unique key decides
        raise Duplicate(_("Có hội viên đã nộp hội phí năm %(year)s.", year=year), field="members") from None
    audit.record("dues.collect", "receipt", receipt.id, by=by,
                 after={"year": year, "members": [m.id for m in members], "amount": receipt.amount})
    return receipt


def dues_donor(members: list[Member], branch: Unit) -> dict:
    """Who paid, as the receipt's payer: the member, or the branch for a whole sheet."""
    if len(members) == 1:
        member = members[0]
        return {"name": member.full_name, "kind": "individual", "publish": "initials", "phone": member.phone,
                "address": branch.name}
    return {"name": _("Hội viên %(unit)s", unit=branch.name), "kind": "organization", "publish": "full",
            "address": branch.name}


def check_sheet(branch: Unit, members: list[Member], year: int) -> None:
    if not members:
        raise ValidationFailed(field="members", message=_("Chưa chọn hội viên nào."))
    if len({m.id for m in members}) != len(members):
        raise ValidationFailed(field="members", message=_("Một hội viên được chọn hai lần."))
    for member in members:
        if member.unit_id != branch.id:
            raise ValidationFailed(field="members", message=_(
                "Hội viên %(name)s không thuộc %(unit)s.", name=member.full_name, unit=branch.name))
        if member.left_on is not None and member.left_on < date(year, 1, 1):
            raise InvalidState(_("Hội viên %(name)s đã ra khỏi Hội trước năm %(year)s.",
                                 name=member.full_name, year=year))
    paid = db.session.scalars(select(Member.full_name).join(DuesPayment, DuesPayment.member_id == Member.id)
                              .where(DuesPayment.year == year, Member.id.in_([m.id for m in members]))).all()
    if paid:
        raise Duplicate(_("Đã nộp hội phí năm %(year)s: %(names)s.", year=year, names=", ".join(paid)),
                        field="members")


# ---- status ---------------------------------------------------------------------------------

def dues_status(unit: Unit, year: int) -> dict:
    """Members, paid, unpaid, expected and collected over the subtree, by branch."""
    active = active_in(year)
    in_tree = Member.unit_id.in_(select(Unit.id).where(subtree_filter(unit.path)))
    counts = dict(db.session.execute(select(Member.unit_id, func.count(Member.id))
                                     .where(in_tree, *active).group_by(Member.unit_id)).all())
    paid = {row[0]: (row[1], int(row[2] or 0)) for row in db.session.execute(
        select(Member.unit_id, func.count(DuesPayment.id), func.sum(DuesPayment.amount))
        .join(DuesPayment, DuesPayment.member_id == Member.id)
        .where(in_tree, *active, DuesPayment.year == year).group_by(Member.unit_id))}
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(counts)))}
    amounts = policy_amounts(unit, year)
    rows = []
    for unit_id in sorted(counts, key=lambda uid: units[uid].path):
        branch, members = units[unit_id], counts[unit_id]
        paid_count, collected = paid.get(unit_id, (0, 0))
        rows.append({"unit": branch.code, "name": branch.name, "members": members, "paid": paid_count,
                     "unpaid": members - paid_count, "collected": collected,
                     "expected": members * amount_at(branch, amounts)})
    total = {key: sum(row[key] for row in rows) for key in ("members", "paid", "unpaid", "expected", "collected")}
    return {"unit": unit.code, "year": year, **total, "by_unit": rows}


def policy_amounts(unit: Unit, year: int) -> dict[str, int]:
    """Policy amount by unit path, for the unit's ancestors and its whole subtree, in one query."""
    rows = db.session.execute(select(Unit.path, DuesPolicy.amount).join(DuesPolicy, DuesPolicy.unit_id == Unit.id)
                              .where(DuesPolicy.year == year,
                                     or_(Unit.code.in_(unit.ancestor_codes), subtree_filter(unit.path)))).all()
    return dict(rows)


def amount_at(branch: Unit, amounts: dict[str, int]) -> int:
    path = branch.path
    while path:
        if path in amounts:
            return amounts[path]
        path = path.rpartition("/")[0]
    return 0


def unpaid_members(branch: Unit, year: int) -> list[Member]:
    """The branch's roll for the collection sheet: members on it in `year` who have not paid."""
    paid = select(DuesPayment.member_id).where(DuesPayment.year == year)
    return db.session.scalars(select(Member).where(Member.unit_id == branch.id, *active_in(year),
                                                   Member.id.not_in(paid))
                              .order_by(Member.full_name, Member.id)).all()


def payments_of(receipt: Receipt) -> list[DuesPayment]:
    return db.session.scalars(select(DuesPayment).where(DuesPayment.receipt_id == receipt.id)
                              .join(Member).order_by(Member.full_name, Member.id)).all()


def receipt_shares(receipt: Receipt) -> list[tuple[Unit, int]]:
    """Each level's part of a dues receipt: the dues revenue credited in each unit's entry."""
    shares = [(entry.unit, sum(line.credit for line in entry.lines if line.account.code.startswith(chart.DUES)))
              for entry in receipt.transaction.entries]
    return [(unit, amount) for unit, amount in shares if amount]


# ---- the policy form ------------------------------------------------------------------------

def dues_funds(unit: Unit) -> list:
    """The funds dues may go to: any the unit may use but a pooled one."""
    return [f for f in funds_usable_in(unit) if not f.is_pooled]


def policy_form_defaults(policy: dict | None) -> dict:
    """What the policy form starts with: the policy that applies now, to renew or change."""
    if policy is None:
        return {}
    return {"amount": format_number(policy["amount"]), "fund": policy["fund"],
            **{f"split-{level}": str(percent) for level, percent in policy["split"].items()}}

"""Campaigns (đợt vận động): targets absolute, grown over an earlier campaign, both at once (a floor
and a growth: the larger binds), or per capita; targets handed down to sub-units; pledges (incl. an
agency's day's pay); progress up the tree.

Raised = the receipts tagged with the campaign anywhere in the scope's subtree, counted on the day
they were collected: a receipt collected on behalf is one receipt row, and remittances are not
receipts, so money moving up the tree afterwards is never counted twice.
"""
from collections import defaultdict
from datetime import date

from sqlalchemy import func, select

from ledger.accounts.campaigns.models import Campaign, CampaignTarget, Pledge, PledgeStaff
from ledger.accounts.community.services.members import population_of
from ledger.accounts.models import Fund
from ledger.accounts.queries import reversed_by
from ledger.accounts.services import get_fund
from ledger.accounts.treasury.models import Receipt
from ledger.accounts.treasury.services.donors import find_or_create_donor
from ledger.core import audit
from ledger.core.dates import vn_today
from ledger.core.errors import Duplicate, NotFound, ValidationFailed
from ledger.core.i18n import _
from ledger.core.inputs import get_by_id
from ledger.core.money import format_number
from ledger.extensions import db
from ledger.units.models import Unit
from ledger.units.services import ancestors, get_unit, list_units, search_key, subtree_filter

ROUND_TO = 1000
WORKING_DAYS_PER_MONTH = 22  # a day's pay (ngày lương) of public-sector staff: monthly salary / 22


def ceil_to(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded up to a whole ROUND_TO (1.000 đ), in integers only."""
    return -(-numerator // (denominator * ROUND_TO)) * ROUND_TO


def grown(raised: int, percent: int) -> int:
    """The growth target: raised × (1 + percent/100), rounded up to 1.000 đ."""
    return ceil_to(raised * (100 + percent), 100)


def day_pay(monthly_salary: int) -> int:
    """One day's pay, rounded up to 1.000 đ."""
    return ceil_to(monthly_salary, WORKING_DAYS_PER_MONTH)


def get_campaign(code: str) -> Campaign:
    campaign = db.session.scalar(select(Campaign).where(Campaign.code == code))
    if campaign is None:
        raise NotFound(_("Không có đợt vận động mã %(code)s.", code=code))
    return campaign


def create_campaign(data: dict, *, by=None) -> Campaign:
    if db.session.scalar(select(Campaign.id).where(Campaign.code == data["code"])):
        raise Duplicate(_("Mã đợt vận động %(code)s đã có.", code=data["code"]), field="code")
    owner, fund = get_unit(data["owner_unit"]), get_fund(data["fund"])
    if not owner.is_within(fund.owner_unit):
        raise ValidationFailed(field="fund", message=_("Quỹ %(fund)s không dùng được ở %(unit)s.",
                                                       fund=fund.code, unit=owner.name))
    if data["ends_on"] < data["starts_on"]:
        raise ValidationFailed(field="ends_on", message=_("Ngày kết thúc phải sau ngày bắt đầu."))
    campaign = Campaign(code=data["code"], name=data["name"].strip(), owner_unit=owner, fund=fund,
                        starts_on=data["starts_on"], ends_on=data["ends_on"], target_amount=data.get("target_amount"),
                        per_capita_amount=data.get("per_capita_amount"), description=data.get("description") or "",
                        search_key=search_key(data["name"], data["code"]))
    db.session.add(campaign)
    if data.get("growth_over"):
        campaign.target_floor = data.get("target_amount")
        apply_growth(campaign, earlier_campaign(data["growth_over"]["campaign"]), data["growth_over"]["percent"])
    elif campaign.target_amount is None and campaign.per_capita_amount:
        population = population_of(owner)
        campaign.target_amount = campaign.per_capita_amount * population if population else None
    db.session.flush()
    audit.record("campaign.create", "campaign", campaign.code, by=by, after=describe(campaign))
    return campaign


def earlier_campaign(code: str) -> Campaign:
    """The campaign a growth is measured over: an unknown code is a mistake in the form, not a missing page."""
    earlier = db.session.scalar(select(Campaign).where(Campaign.code == code))
    if earlier is None:
        raise ValidationFailed(field="growth_over", message=_("Không có đợt vận động mã %(code)s.", code=code))
    return earlier


def apply_growth(campaign: Campaign, earlier: Campaign, percent: int) -> None:
    """+percent on what the earlier campaign raised, for the owner and for each sub-unit that raised;
    a floor set beside it ("≥ 2 tỷ and +20%") binds the whole campaign when it is the larger."""
    if not campaign.owner_unit.is_within(earlier.owner_unit):
        raise ValidationFailed(field="growth_over", message=_(
            "Đợt vận động %(code)s không bao gồm %(unit)s.", code=earlier.code, unit=campaign.owner_unit.name))
    campaign.growth_over, campaign.growth_percent = earlier, percent
    campaign.growth_target = grown(raised_in(earlier, campaign.owner_unit), percent)
    campaign.target_amount = max(campaign.growth_target, campaign.target_floor or 0)
    for code, raised in raised_by_child(earlier, campaign.owner_unit).items():
        if raised > 0:
            campaign.targets.append(CampaignTarget(unit=get_unit(code), amount=grown(raised, percent)))


def describe(campaign: Campaign) -> dict:
    return {"code": campaign.code, "name": campaign.name, "owner_unit": campaign.owner_unit.code,
            "fund": campaign.fund.code, "starts_on": campaign.starts_on.isoformat(),
            "ends_on": campaign.ends_on.isoformat(), "target_amount": campaign.target_amount,
            "growth_over": campaign.growth_over.code if campaign.growth_over else None,
            "growth_percent": campaign.growth_percent, "target_floor": campaign.target_floor,
            "growth_target": campaign.growth_target, "per_capita_amount": campaign.per_capita_amount}



def set_targets(campaign: Campaign, targets: list[dict], *, by=None) -> list[CampaignTarget]:
    """Targets handed down: each unit inside the owner's subtree; the owner's own target is the campaign's."""
    existing = {t.unit_id: t for t in campaign.targets}
    for item in targets:
        unit = get_unit(item["unit"])
        if not unit.is_within(campaign.owner_unit):
            raise ValidationFailed(field="targets", message=_(
                "%(unit)s không thuộc %(owner)s.", unit=unit.name, owner=campaign.owner_unit.name))
        if unit.id == campaign.owner_unit_id:
            campaign.target_amount = item["amount"]
        elif unit.id in existing:
            existing[unit.id].amount = item["amount"]
        else:
            existing[unit.id] = CampaignTarget(campaign=campaign, unit=unit, amount=item["amount"])
            db.session.add(existing[unit.id])
    db.session.flush()
    audit.record("campaign.targets", "campaign", campaign.code, by=by,
                 after={item["unit"]: item["amount"] for item in targets})
    return campaign.targets


# ---- progress -------------------------------------------------------------------------------

def tagged(campaign: Campaign, unit: Unit, as_of: date | None):
    """Receipts tagged with the campaign in the unit's subtree; a reversed receipt raised nothing."""
    conditions = [Receipt.campaign_id == campaign.id, subtree_filter(unit.path),
                  ~reversed_by(Receipt.transaction_id, as_of)]
    if as_of is not None:
        conditions.append(Receipt.dated_on <= as_of)
    return conditions


def raised_in(campaign: Campaign, unit: Unit, as_of: date | None = None) -> int:
    return int(db.session.scalar(select(func.coalesce(func.sum(Receipt.amount), 0))
                                 .join(Unit, Receipt.unit_id == Unit.id).where(*tagged(campaign, unit, as_of))))


def raised_by_child(campaign: Campaign, unit: Unit, as_of: date | None = None) -> dict[str, int]:
    """Child code → raised in its subtree (money collected at `unit` itself is not any child's)."""
    rows = db.session.execute(select(Unit.path, func.sum(Receipt.amount)).join(Unit, Receipt.unit_id == Unit.id)
                              .where(*tagged(campaign, unit, as_of)).group_by(Unit.path)).all()
    by_child: dict[str, int] = defaultdict(int)
    for path, amount in rows:
        if path != unit.path:
            by_child[path.split("/")[unit.depth + 1]] += int(amount)
    return by_child


def target_for(campaign: Campaign, unit: Unit, explicit: dict[int, int]) -> int | None:
    if unit.id == campaign.owner_unit_id:
        return campaign.target_amount
    if unit.id in explicit:
        return explicit[unit.id]
    if campaign.per_capita_amount:
        population = population_of(unit)
        return campaign.per_capita_amount * population if population else None
    return None


def percent_of(raised: int, target: int | None) -> float | None:
    return round(100 * raised / target, 1) if target else None


def progress(campaign: Campaign, unit: Unit | None = None, *, as_of: date | None = None) -> dict:
    """Target, raised, outstanding pledges for the owner (or a unit inside), with its sub-units ranked."""
    unit = unit or campaign.owner_unit
    if not unit.is_within(campaign.owner_unit):
        raise ValidationFailed(field="unit", message=_("%(unit)s không thuộc %(owner)s.",
                                                       unit=unit.name, owner=campaign.owner_unit.name))
    explicit = {t.unit_id: t.amount for t in campaign.targets}
    raised = raised_in(campaign, unit, as_of)
    target = target_for(campaign, unit, explicit)
    by_child = raised_by_child(campaign, unit, as_of)
    children = db.session.scalars(select(Unit).where(Unit.parent_id == unit.id).order_by(Unit.code)).all()
    rows = []
    for child in children:
        child_target = target_for(campaign, child, explicit)
        if child_target or by_child.get(child.code):
            child_raised = by_child.get(child.code, 0)
            rows.append({"unit": child.code, "name": child.name, "target": child_target, "raised": child_raised,
                         "percent": percent_of(child_raised, child_target)})
    rows.sort(key=lambda r: (-(r["percent"] or 0), -r["raised"], r["unit"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return {"campaign": campaign.code, "unit": unit.code, "name": unit.name, "target": target, "raised": raised,
            "own_raised": raised - sum(by_child.values()),
            "pledged_outstanding": pledged_outstanding(campaign, unit), "percent": percent_of(raised, target),
            "by_unit": rows}


# ---- pledges --------------------------------------------------------------------------------

def create_pledge(campaign: Campaign, data: dict, *, by=None) -> Pledge:
    unit = get_unit(data["unit"]) if data.get("unit") else campaign.owner_unit
    if not unit.is_within(campaign.owner_unit):
        raise ValidationFailed(field="unit", message=_("%(unit)s không thuộc %(owner)s.",
                                                       unit=unit.name, owner=campaign.owner_unit.name))
    staff = staff_rows(data.get("staff") or [])
    staff_total = sum(row["day_pay"] for row in staff)
    amount = data.get("amount") or staff_total
    if staff and amount != staff_total:
        raise ValidationFailed(field="amount", message=_(
            "Số tiền cam kết phải bằng tổng một ngày lương của danh sách (%(total)s đ).",
            total=format_number(staff_total)))
    if not amount:
        raise ValidationFailed(field="amount", message=_("Cần số tiền cam kết hoặc danh sách cán bộ."))
    donor = find_or_create_donor(data["donor"], unit=unit, by=by)
    pledge = Pledge(campaign=campaign, donor=donor, unit=unit, amount=amount, due_on=data["due_on"],
                    channel="days_pay" if staff else data.get("channel") or "direct", note=data.get("note") or "")
    db.session.add(pledge)
    db.session.flush()
    if staff:
        db.session.add_all(PledgeStaff(pledge_id=pledge.id, position_no=i, **row) for i, row in enumerate(staff, 1))
        db.session.flush()
    audit.record("pledge.create", "pledge", pledge.id, by=by, after={
        "campaign": campaign.code, "donor": donor.id, "unit": unit.code, "amount": amount,
        "channel": pledge.channel, "staff": len(staff)})
    return pledge


def staff_rows(staff: list[dict]) -> list[dict]:
    """Each person gives one day's pay: stated, or worked out from the monthly salary."""
    rows = []
    for person in staff:
        pay = person.get("day_pay") or (day_pay(person["monthly_salary"]) if person.get("monthly_salary") else None)
        if not pay:
            raise ValidationFailed(field="staff", message=_(
                "%(name)s: cần lương tháng hoặc số tiền một ngày lương.", name=person["full_name"]))
        rows.append({"full_name": person["full_name"].strip(), "monthly_salary": person.get("monthly_salary"),
                     "day_pay": pay})
    return rows


def fulfilled_by_pledge(pledge_ids) -> dict[int, int]:
    rows = db.session.execute(select(Receipt.pledge_id, func.sum(Receipt.amount))
                              .where(Receipt.pledge_id.in_(pledge_ids)).group_by(Receipt.pledge_id)).all()
    return {pledge_id: int(amount) for pledge_id, amount in rows}


def pledges_of(campaign: Campaign, unit: Unit | None = None) -> list[dict]:
    """Pledges made in the unit's subtree with what later receipts have fulfilled."""
    unit = unit or campaign.owner_unit
    pledges = db.session.scalars(select(Pledge).join(Unit, Pledge.unit_id == Unit.id)
                                 .where(Pledge.campaign_id == campaign.id, subtree_filter(unit.path))
                                 .order_by(Pledge.due_on, Pledge.id)).all()
    fulfilled = fulfilled_by_pledge([p.id for p in pledges])
    return [{"pledge": p, "fulfilled": fulfilled.get(p.id, 0),
             "outstanding": max(p.amount - fulfilled.get(p.id, 0), 0)} for p in pledges]


def pledged_outstanding(campaign: Campaign, unit: Unit) -> int:
    return sum(row["outstanding"] for row in pledges_of(campaign, unit))


def campaign_rows(unit: Unit) -> list[tuple[Campaign, dict]]:
    """The unit's campaigns with their progress: seen from the unit, or from the owner of one below it."""
    return [(c, progress(c, unit if unit.is_within(c.owner_unit) else c.owner_unit)) for c in campaigns_for(unit)]


def child_targets(unit: Unit, shown: dict) -> list[tuple[Unit, str]]:
    """The active sub-units a unit hands targets down to, each with its current target as the form shows it."""
    targets = {row["unit"]: row["target"] for row in shown["by_unit"] if row["target"]}
    children = [c for c in list_units(parent=unit.code, limit=500)[0] if c.status == "active"]
    return [(child, format_number(targets[child.code]) if child.code in targets else "") for child in children]


def campaign_form_defaults(today: date) -> dict:
    """A new campaign runs over the calendar year; a growth target starts at 20% over the earlier one."""
    return {"starts_on": date(today.year, 1, 1).isoformat(), "ends_on": date(today.year, 12, 31).isoformat(),
            "percent": "20"}


def pledge_form_defaults(campaign: Campaign) -> dict:
    """A pledge is due by the campaign's end unless the donor says otherwise."""
    return {"due_on": campaign.ends_on.isoformat(), "donor_kind": "individual", "donor_publish": "full"}


def campaigns_for(unit: Unit) -> list[Campaign]:
    """Campaigns the unit takes part in: owned by it or by a unit above it, or below it."""
    return db.session.scalars(select(Campaign).join(Unit, Campaign.owner_unit_id == Unit.id)
                              .where((Unit.code.in_(unit.ancestor_codes)) | subtree_filter(unit.path))
                              .order_by(Campaign.starts_on.desc(), Campaign.code)).all()


def receipt_link(unit: Unit, fund: Fund, data: dict) -> dict:
    """The campaign and pledge a receipt counts towards, checked against fund, dates and place
    (registered in receipts.receipt_links)."""
    pledge = get_pledge(data["pledge"]) if data.get("pledge") is not None else None
    code = data.get("campaign") or (pledge.campaign.code if pledge else None)
    if not code:
        return {}
    campaign = db.session.scalar(select(Campaign).where(Campaign.code == code))
    if campaign is None:
        raise ValidationFailed(field="campaign", message=_("Không có đợt vận động mã %(code)s.", code=code))
    if campaign.fund_id != fund.id:
        raise ValidationFailed(field="campaign", message=_(
            "Đợt vận động %(campaign)s gây quỹ cho quỹ %(fund)s, không phải quỹ của phiếu thu này.",
            campaign=campaign.name, fund=campaign.fund.code))
    if not campaign.starts_on <= data["date"] <= campaign.ends_on:
        raise ValidationFailed(field="campaign", message=_(
            "Đợt vận động %(campaign)s chạy từ %(start)s đến %(end)s; ngày thu nằm ngoài khoảng này.",
            campaign=campaign.name, start=campaign.starts_on.strftime("%d/%m/%Y"),
            end=campaign.ends_on.strftime("%d/%m/%Y")))
    if not unit.is_within(campaign.owner_unit):
        raise ValidationFailed(field="campaign", message=_(
            "Đợt vận động %(campaign)s của %(owner)s không gồm đơn vị %(unit)s.",
            campaign=campaign.name, owner=campaign.owner_unit.name, unit=unit.name))
    if pledge is not None and pledge.campaign_id != campaign.id:
        raise ValidationFailed(field="pledge", message=_(
            "Cam kết %(id)s thuộc đợt vận động khác.", id=pledge.id))
    return {"campaign_id": campaign.id, "pledge_id": getattr(pledge, "id", None)}


def get_pledge(pledge_id) -> Pledge:
    pledge = get_by_id(Pledge, pledge_id)
    if pledge is None:
        raise ValidationFailed(field="pledge", message=_("Không có cam kết mã %(id)s.", id=pledge_id))
    return pledge


def open_campaigns(unit: Unit) -> list[Campaign]:
    """Campaigns still running that a receipt of this unit may count towards (its own and its ancestors')."""
    owners = [u.id for u in ancestors(unit)]
    return db.session.scalars(select(Campaign).where(Campaign.owner_unit_id.in_(owners),
                                                     Campaign.ends_on >= vn_today()).order_by(Campaign.code)).all()

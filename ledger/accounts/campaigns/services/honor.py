"""Stewardship of donors: the honor roll of a unit or a campaign as each donor chose to be named,
a thank-you letter (thư cảm ơn) and a yearly giving summary (bảng kê đóng góp) per donor.

Only gifts count (receipts of category donation): dues and interest are not giving.
"""
from datetime import date

from sqlalchemy import func, select

from ledger.accounts.campaigns.models import Campaign
from ledger.accounts.queries import reversed_by
from ledger.accounts.treasury.models import Donor, Receipt
from ledger.accounts.treasury.services.donors import display_name
from ledger.core.errors import NotFound
from ledger.core.i18n import _
from ledger.extensions import db
from ledger.units.models import Unit
from ledger.units.services import subtree_ids

GIFT = "donation"
UNIT_PREFIXES = ("Hội Khuyến học ", "Ban khuyến học ", "Chi hội khuyến học ")
PLACE_PREFIXES = ("tỉnh ", "thành phố ", "xã ", "phường ", "đặc khu ")


def place_name(unit: Unit) -> str:
    """Where a letter is written, as Vietnamese letters date it: "Hội Khuyến học tỉnh Sơn La" → "Sơn La"."""
    name = unit.name
    for prefix in UNIT_PREFIXES:
        name = name.removeprefix(prefix)
    for prefix in PLACE_PREFIXES:
        if name.lower().startswith(prefix):
            return name[len(prefix):]
    return name


def gift_conditions(*, unit: Unit | None = None, campaign: Campaign | None = None, year: int | None = None) -> list:
    conditions = [Receipt.category == GIFT, ~reversed_by(Receipt.transaction_id)]  # a reversed gift was no gift
    if unit is not None:
        conditions.append(Receipt.unit_id.in_(subtree_ids(unit)))
    if campaign is not None:
        conditions.append(Receipt.campaign_id == campaign.id)
    if year is not None:
        conditions += [Receipt.dated_on >= date(year, 1, 1), Receipt.dated_on <= date(year, 12, 31)]
    return conditions


def honor_roll(*, unit: Unit | None = None, campaign: Campaign | None = None, year: int | None = None,
               limit: int | None = None) -> dict:
    """Donors by amount given, named as they chose ("Nhà hảo tâm ẩn danh" for the anonymous)."""
    conditions = gift_conditions(unit=unit, campaign=campaign, year=year)
    stmt = (select(Receipt.donor_id, func.sum(Receipt.amount).label("amount"), func.count(Receipt.id))
            .where(*conditions).group_by(Receipt.donor_id)
            .order_by(func.sum(Receipt.amount).desc(), Receipt.donor_id))
    rows = db.session.execute(stmt.limit(limit) if limit else stmt).all()
    donors = {d.id: d for d in db.session.scalars(select(Donor).where(Donor.id.in_([r[0] for r in rows])))}
    items = [{"donor": donors.get(donor_id), "display_name": display_name(donors.get(donor_id)),
              "amount": int(amount), "gifts": gifts} for donor_id, amount, gifts in rows]
    totals = db.session.execute(select(func.count(func.distinct(Receipt.donor_id)),
                                       func.coalesce(func.sum(Receipt.amount), 0)).where(*conditions)).one()
    return {"items": items, "total": totals[0], "amount": int(totals[1])}


def donor_gifts(donor: Donor, *, unit: Unit, year: int | None = None, campaign: Campaign | None = None) -> list:
    return db.session.scalars(select(Receipt).where(
        Receipt.donor_id == donor.id, *gift_conditions(unit=unit, campaign=campaign, year=year))
        .order_by(Receipt.dated_on, Receipt.id)).all()


def giving_summary(donor: Donor, unit: Unit, year: int) -> dict:
    """Every gift of the donor in the unit's subtree during the year, with the total."""
    gifts = donor_gifts(donor, unit=unit, year=year)
    return {"donor": donor, "unit": unit, "place": place_name(unit), "year": year, "receipts": gifts,
            "total": sum(r.amount for r in gifts)}


def thank_you(donor: Donor, unit: Unit, *, year: int | None = None, campaign: Campaign | None = None) -> dict:
    """What the letter thanks the donor for: the gifts in the unit's subtree (a year or a campaign)."""
    gifts = donor_gifts(donor, unit=unit, year=year, campaign=campaign)
    if not gifts:
        raise NotFound(_("Nhà hảo tâm %(name)s chưa có khoản ủng hộ nào ở %(unit)s trong phạm vi này.",
                         name=donor.name, unit=unit.name))
    return {"donor": donor, "unit": unit, "place": place_name(unit), "year": year, "campaign": campaign,
            "receipts": gifts, "total": sum(r.amount for r in gifts)}

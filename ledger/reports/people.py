"""Who gave in a statement's period, as each donor chose to be named; campaign progress at its end.

Receipts count for the unit whose money they are (the pooled fund's owner when collected on
behalf); a receipt reversed on or before the period end is left out, as the books leave it out.
"""
from datetime import date

from sqlalchemy import and_, func, select

from ledger.accounts.balances import scope_condition
from ledger.accounts.campaigns.models import Campaign
from ledger.accounts.campaigns.services import campaigns as campaign_service
from ledger.accounts.queries import reversed_by
from ledger.accounts.treasury.models import Donor, Receipt
from ledger.accounts.treasury.services.donors import display_name
from ledger.extensions import db
from ledger.units.models import Unit


def receipts_in(unit: Unit, start: date, end: date, consolidated: bool):
    owner = func.coalesce(Receipt.collected_for_id, Receipt.unit_id)
    return and_(scope_condition(unit, consolidated, owner, end), Receipt.dated_on >= start, Receipt.dated_on <= end,
                ~reversed_by(Receipt.transaction_id, end))


def donors(unit: Unit, start: date, end: date, consolidated: bool) -> list[dict]:
    """One line per donor of gifts (dues and interest are not gifts), largest first; gifts without a named
    donor together as anonymous."""
    rows = db.session.execute(
        select(Receipt.donor_id, func.sum(Receipt.amount))
        .where(receipts_in(unit, start, end, consolidated), Receipt.category == "donation")
        .group_by(Receipt.donor_id)).all()
    people = {d.id: d for d in db.session.scalars(select(Donor).where(
        Donor.id.in_([donor_id for donor_id, _amount in rows if donor_id])))}
    lines = [{"display_name": display_name(people.get(donor_id)), "amount": int(amount)} for donor_id, amount in rows]
    return sorted(lines, key=lambda line: (-line["amount"], line["display_name"]))


def campaigns(unit: Unit, start: date, end: date) -> list[dict]:
    """The unit's own campaigns running in the period, with what its subtree had raised by the period's end
    (sub-units' campaigns are in their own statements)."""
    found = db.session.scalars(select(Campaign).where(
        Campaign.owner_unit_id == unit.id, Campaign.starts_on <= end, Campaign.ends_on >= start)
        .order_by(Campaign.starts_on, Campaign.code)).all()
    return [{"code": campaign.code, "name": campaign.name, "starts_on": campaign.starts_on.isoformat(),
             "ends_on": campaign.ends_on.isoformat(), "target": campaign.target_amount or 0,
             "raised": campaign_service.raised_in(campaign, unit, as_of=end)} for campaign in found]

"""Campaigns over the JSON API (API.md "Campaigns"): targets handed down, pledges, progress, the honor
roll and a donor's giving summary.

Thin views: parse, check the permission, call the service; the unit of work commits.
"""
from flask import g

from ledger.accounts.campaigns import schemas
from ledger.accounts.campaigns.services import campaigns, honor
from ledger.accounts.community.schemas import YearQuery
from ledger.accounts.treasury.services.donors import get_donor, readable_units
from ledger.core.endpoints import Blueprint
from ledger.core.schemas import page
from ledger.units.access import owner_checked, permitted, unit_for
from ledger.units.services import get_unit

campaigns_api = Blueprint("campaigns_api", __name__, url_prefix="/api/v1",
                          description="Các đợt vận động, cam kết, bảng vàng và tri ân nhà hảo tâm")


@campaigns_api.write("/campaigns", schemas.CampaignOut, body=schemas.CampaignIn)
def create_campaign(data):
    return campaigns.create_campaign(owner_checked(data), by=g.user)


@campaigns_api.read("/campaigns/<code>", schemas.CampaignOut)
def get_campaign(code):
    return campaigns.get_campaign(code)


@campaigns_api.write("/campaigns/<code>/targets", schemas.TargetsOut, body=schemas.TargetsIn, status=200, method="PUT")
def set_targets(data, code):
    campaign = campaigns.get_campaign(code)
    for item in data["targets"]:
        require_handing_down(campaign, get_unit(item["unit"]))
    campaigns.set_targets(campaign, data["targets"], by=g.user)
    return {"targets": campaign.targets}


def require_handing_down(campaign, target_unit) -> None:
    """A target is handed down by the unit above (the owner sets its own)."""
    giver = target_unit if target_unit.id == campaign.owner_unit_id else target_unit.parent
    permitted(campaign, "setup", giver or target_unit)


@campaigns_api.write("/campaigns/<code>/pledges", schemas.PledgeOut, body=schemas.PledgeIn)
def create_pledge(data, code):
    campaign = campaigns.get_campaign(code)
    if data.get("unit"):
        unit_for(data["unit"], "post")
    else:
        permitted(campaign, "post", campaign.owner_unit)
    pledge = campaigns.create_pledge(campaign, data, by=g.user)
    return {"pledge": pledge, "fulfilled": 0, "outstanding": pledge.amount}


@campaigns_api.read("/campaigns/<code>/pledges", schemas.PledgeList, query=schemas.ProgressQuery)
def list_pledges(query, code):
    campaign = campaigns.get_campaign(code)
    rows = campaigns.pledges_of(campaign, unit_for(query["unit"] or campaign.owner_unit.code, "read"))
    return page(rows, len(rows))


@campaigns_api.read("/campaigns/<code>/progress", schemas.ProgressOut, query=schemas.ProgressQuery)
def campaign_progress(query, code):
    """Progress is public (the portal shows it without login); any signed-in caller may read it."""
    campaign = campaigns.get_campaign(code)
    unit = get_unit(query["unit"]) if query["unit"] else None
    return campaigns.progress(campaign, unit, as_of=query["as_of"])


@campaigns_api.read("/campaigns/<code>/honor-roll", schemas.HonorRollOut)
def campaign_honor_roll(code):
    return honor.honor_roll(campaign=campaigns.get_campaign(code))


@campaigns_api.read("/units/<code>/donors/<donor_id>/statement", schemas.GivingSummaryOut, query=YearQuery)
def giving_summary(query, code, donor_id):
    unit = unit_for(code, "read")
    return honor.giving_summary(get_donor(donor_id, within=readable_units(g.user)), unit, query["year"])

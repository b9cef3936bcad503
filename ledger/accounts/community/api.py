"""Members, dues, allowances and campaigns over the JSON API (API.md "Members and dues", "Campaigns").

Thin views: parse, check the permission, call the service, commit (money POSTs through @money_post).
"""
from flask import g, request
from flask_smorest import Blueprint

from ledger.accounts.campaigns import schemas as campaign_schemas
from ledger.accounts.campaigns.services import campaigns, honor
from ledger.accounts.community import schemas
from ledger.accounts.community.services import allowances, dues, members
from ledger.accounts.idempotency import money_post
from ledger.accounts.treasury.schemas import DisbursementOut, ReceiptOut
from ledger.accounts.treasury.services.donors import get_donor, readable_units
from ledger.core import permissions
from ledger.core.errors import ValidationFailed
from ledger.core.i18n import _
from ledger.core.schemas import page
from ledger.extensions import db
from ledger.units.services import get_unit

community_api = Blueprint("community_api", __name__, url_prefix="/api/v1",
                          description="Hội viên, hội phí, phụ cấp và các đợt vận động")


def unit_for(code: str, action: str):
    unit = get_unit(code)
    permissions.require(g.user, action, unit)
    return unit


def member_for(member_id, action: str):
    member = members.get_member(member_id)
    permissions.require(g.user, action, member.unit)
    return member


def committed(obj):
    db.session.commit()
    return obj


# ---- members --------------------------------------------------------------------------------

@community_api.post("/units/<code>/members")
@community_api.arguments(schemas.MemberIn)
@community_api.response(201, schemas.MemberOut)
def add_member(data, code):
    return committed(members.add_member(unit_for(code, "setup"), data, by=g.user))


@community_api.get("/units/<code>/members")
@community_api.arguments(schemas.MemberQuery, location="query")
@community_api.response(200, schemas.MemberList)
def list_members(query, code):
    items, total = members.list_members(unit_for(code, "read"), year=query.get("year"),
                                        include_left=query["include_left"], limit=query["limit"],
                                        offset=query["offset"])
    return page(items, total)


@community_api.post("/units/<code>/members/import")
@community_api.response(201, schemas.RosterImportOut)
def import_roster(code):
    unit = unit_for(code, "setup")
    upload = request.files.get("file")
    if upload is None:
        raise ValidationFailed(field="file", message=_("Cần gửi tệp Excel trong trường \"file\"."))
    return committed(members.import_roster(unit, upload.stream, by=g.user))


@community_api.get("/members/<member_id>")
@community_api.response(200, schemas.MemberOut)
def get_member(member_id):
    return member_for(member_id, "read")


@community_api.put("/members/<member_id>")
@community_api.arguments(schemas.MemberUpdateIn)
@community_api.response(200, schemas.MemberOut)
def update_member(data, member_id):
    return committed(members.update_member(member_for(member_id, "setup"), data, by=g.user))


@community_api.post("/members/<member_id>/leave")
@community_api.arguments(schemas.LeaveIn)
@community_api.response(200, schemas.MemberOut)
def leave(data, member_id):
    return committed(members.leave_member(member_for(member_id, "setup"), data["on"], by=g.user))


@community_api.post("/members/<member_id>/move")
@community_api.arguments(schemas.MoveMemberIn)
@community_api.response(200, schemas.MemberOut)
def move(data, member_id):
    member = member_for(member_id, "setup")
    return committed(members.move_member(member, unit_for(data["unit"], "setup"), by=g.user))


@community_api.put("/units/<code>/population")
@community_api.arguments(schemas.PopulationIn)
@community_api.response(200, schemas.MembershipOut)
def set_population(data, code):
    unit = members.set_population(unit_for(code, "setup"), data["population"], by=g.user)
    db.session.commit()
    return members.membership(unit)


@community_api.get("/units/<code>/membership")
@community_api.arguments(schemas.OptionalYearQuery, location="query")
@community_api.response(200, schemas.MembershipOut)
def membership(query, code):
    return members.membership(unit_for(code, "read"), query["year"])


# ---- dues -----------------------------------------------------------------------------------

@community_api.put("/units/<code>/dues-policy")
@community_api.arguments(schemas.DuesPolicyIn)
@community_api.response(200, schemas.DuesPolicyOut)
def set_dues_policy(data, code):
    return committed(dues.set_dues_policy(unit_for(code, "setup"), data, by=g.user))


@community_api.get("/units/<code>/dues-policy")
@community_api.arguments(schemas.YearQuery, location="query")
@community_api.response(200, schemas.EffectivePolicyOut)
def effective_policy(query, code):
    return dues.effective_policy(unit_for(code, "read"), query["year"])


@community_api.post("/units/<code>/dues")
@money_post
@community_api.arguments(schemas.DuesIn)
@community_api.response(201, ReceiptOut)
def pay_dues(data, code):
    return dues.pay_dues(unit_for(code, "post"), data, by=g.user)


@community_api.post("/units/<code>/dues/sheet")
@money_post
@community_api.arguments(schemas.DuesSheetIn)
@community_api.response(201, ReceiptOut)
def collect_sheet(data, code):
    branch = members.require_branch(unit_for(code, "post"))
    chosen = members.get_members(data["member_ids"])
    return dues.collect_dues(branch, chosen, year=data["year"], on=data["date"], method=data["method"], by=g.user)


@community_api.get("/units/<code>/dues-status")
@community_api.arguments(schemas.YearQuery, location="query")
@community_api.response(200, schemas.DuesStatusOut)
def dues_status(query, code):
    return dues.dues_status(unit_for(code, "read"), query["year"])


# ---- allowances -----------------------------------------------------------------------------

@community_api.post("/units/<code>/allowance-rules")
@community_api.arguments(schemas.AllowanceRuleIn)
@community_api.response(201, schemas.AllowanceRuleOut)
def create_allowance_rule(data, code):
    return committed(allowances.create_rule(unit_for(code, "setup"), data, by=g.user))


@community_api.get("/units/<code>/allowances")
@community_api.arguments(schemas.YearQuery, location="query")
@community_api.response(200, schemas.AllowanceReportOut)
def allowance_report(query, code):
    return allowances.allowance_report(unit_for(code, "read"), query["year"])


@community_api.post("/allowance-rules/<rule_id>/payments")
@money_post
@community_api.arguments(schemas.AllowancePayIn)
@community_api.response(201, DisbursementOut)
def pay_allowance(data, rule_id):
    rule = allowances.get_rule(rule_id)
    permissions.require(g.user, "post", rule.unit)
    return allowances.pay_allowance(rule, data, by=g.user)


# ---- campaigns ------------------------------------------------------------------------------

@community_api.post("/campaigns")
@community_api.arguments(campaign_schemas.CampaignIn)
@community_api.response(201, campaign_schemas.CampaignOut)
def create_campaign(data):
    unit_for(data["owner_unit"], "setup")
    return committed(campaigns.create_campaign(data, by=g.user))


@community_api.get("/campaigns/<code>")
@community_api.response(200, campaign_schemas.CampaignOut)
def get_campaign(code):
    return campaigns.get_campaign(code)


@community_api.put("/campaigns/<code>/targets")
@community_api.arguments(campaign_schemas.TargetsIn)
@community_api.response(200, campaign_schemas.TargetsOut)
def set_targets(data, code):
    campaign = campaigns.get_campaign(code)
    for item in data["targets"]:
        # A target is handed down by the unit above (the owner sets its own).
        target_unit = get_unit(item["unit"])
        giver = target_unit if target_unit.id == campaign.owner_unit_id else target_unit.parent
        permissions.require(g.user, "setup", giver or target_unit)
    campaigns.set_targets(campaign, data["targets"], by=g.user)
    db.session.commit()
    return {"targets": campaign.targets}


@community_api.post("/campaigns/<code>/pledges")
@community_api.arguments(campaign_schemas.PledgeIn)
@community_api.response(201, campaign_schemas.PledgeOut)
def create_pledge(data, code):
    campaign = campaigns.get_campaign(code)
    permissions.require(g.user, "post", get_unit(data["unit"]) if data.get("unit") else campaign.owner_unit)
    pledge = campaigns.create_pledge(campaign, data, by=g.user)
    db.session.commit()
    return {"pledge": pledge, "fulfilled": 0, "outstanding": pledge.amount}


@community_api.get("/campaigns/<code>/pledges")
@community_api.arguments(campaign_schemas.ProgressQuery, location="query")
@community_api.response(200, campaign_schemas.PledgeList)
def list_pledges(query, code):
    campaign = campaigns.get_campaign(code)
    rows = campaigns.pledges_of(campaign, unit_for(query["unit"] or campaign.owner_unit.code, "read"))
    return page(rows, len(rows))


@community_api.get("/campaigns/<code>/progress")
@community_api.arguments(campaign_schemas.ProgressQuery, location="query")
@community_api.response(200, campaign_schemas.ProgressOut)
def campaign_progress(query, code):
    """Progress is public (the portal shows it without login); any signed-in caller may read it."""
    campaign = campaigns.get_campaign(code)
    unit = get_unit(query["unit"]) if query["unit"] else None
    return campaigns.progress(campaign, unit, as_of=query["as_of"])


@community_api.get("/campaigns/<code>/honor-roll")
@community_api.response(200, campaign_schemas.HonorRollOut)
def campaign_honor_roll(code):
    return honor.honor_roll(campaign=campaigns.get_campaign(code))


@community_api.get("/units/<code>/donors/<donor_id>/statement")
@community_api.arguments(schemas.YearQuery, location="query")
@community_api.response(200, campaign_schemas.GivingStatementOut)
def giving_statement(query, code, donor_id):
    unit = unit_for(code, "read")
    return honor.giving_statement(get_donor(donor_id, within=readable_units(g.user)), unit, query["year"])

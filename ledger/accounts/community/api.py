"""Members, dues and allowances over the JSON API (API.md "Members and dues").

Thin views: parse, check the permission, call the service; the unit of work commits (money POSTs
through @money_post, which includes it).
"""
from flask import g, request

from ledger.accounts.community import schemas
from ledger.accounts.community.services import allowances, dues, members
from ledger.accounts.idempotency import money_post
from ledger.accounts.treasury.schemas import DisbursementOut, ReceiptOut
from ledger.core.endpoints import Blueprint
from ledger.core.errors import ValidationFailed
from ledger.core.i18n import _
from ledger.core.schemas import page
from ledger.units.access import permitted, unit_for

community_api = Blueprint("community_api", __name__, url_prefix="/api/v1",
                          description="Hội viên, hội phí và phụ cấp")


# ---- members --------------------------------------------------------------------------------

@community_api.write("/units/<code>/members", schemas.MemberOut, body=schemas.MemberIn)
def add_member(data, code):
    return members.add_member(unit_for(code, "setup"), data, by=g.user)


@community_api.read("/units/<code>/members", schemas.MemberList, query=schemas.MemberQuery)
def list_members(query, code):
    items, total = members.list_members(unit_for(code, "read"), year=query.get("year"),
                                        include_left=query["include_left"], limit=query["limit"],
                                        offset=query["offset"])
    return page(items, total)


@community_api.write("/units/<code>/members/import", schemas.RosterImportOut)
def import_roster(code):
    unit = unit_for(code, "setup")
    upload = request.files.get("file")
    if upload is None:
        raise ValidationFailed(field="file", message=_("Cần gửi tệp Excel trong trường \"file\"."))
    return members.import_roster(unit, upload.stream, by=g.user)


@community_api.read("/members/<member_id>", schemas.MemberOut)
def get_member(member_id):
    return permitted(members.get_member(member_id), "read")


@community_api.write("/members/<member_id>", schemas.MemberOut, body=schemas.MemberUpdateIn, status=200, method="PUT")
def update_member(data, member_id):
    return members.update_member(permitted(members.get_member(member_id), "setup"), data, by=g.user)


@community_api.write("/members/<member_id>/leave", schemas.MemberOut, body=schemas.LeaveIn, status=200)
def leave(data, member_id):
    return members.leave_member(permitted(members.get_member(member_id), "setup"), data["on"], by=g.user)


@community_api.write("/members/<member_id>/move", schemas.MemberOut, body=schemas.MoveMemberIn, status=200)
def move(data, member_id):
    member = permitted(members.get_member(member_id), "setup")
    return members.move_member(member, unit_for(data["unit"], "setup"), by=g.user)


@community_api.write("/units/<code>/population", schemas.PopulationOut, body=schemas.PopulationIn,
                     status=200, method="PUT")
def set_population(data, code):
    unit = members.set_population(unit_for(code, "setup"), data["population"], by=g.user,
                                  **({"households": data["households"]} if "households" in data else {}))
    return {**members.membership(unit), "households": unit.households}


@community_api.read("/units/<code>/membership", schemas.MembershipOut, query=schemas.OptionalYearQuery)
def membership(query, code):
    return members.membership(unit_for(code, "read"), query["year"])


# ---- dues -----------------------------------------------------------------------------------

@community_api.write("/units/<code>/dues-policy", schemas.DuesPolicyOut, body=schemas.DuesPolicyIn,
                     status=200, method="PUT")
def set_dues_policy(data, code):
    return dues.set_dues_policy(unit_for(code, "setup"), data, by=g.user)


@community_api.read("/units/<code>/dues-policy", schemas.EffectivePolicyOut, query=schemas.YearQuery)
def effective_policy(query, code):
    return dues.effective_policy(unit_for(code, "read"), query["year"])


@community_api.write("/units/<code>/dues", ReceiptOut, body=schemas.DuesIn, edge=money_post)
def pay_dues(data, code):
    return dues.pay_dues(unit_for(code, "post"), data, by=g.user)


@community_api.write("/units/<code>/dues/sheet", ReceiptOut, body=schemas.DuesSheetIn, edge=money_post)
def collect_sheet(data, code):
    branch = members.require_branch(unit_for(code, "post"))
    chosen = members.get_members(data["member_ids"])
    return dues.collect_dues(branch, chosen, year=data["year"], on=data["date"], method=data["method"], by=g.user)


@community_api.read("/units/<code>/dues-status", schemas.DuesStatusOut, query=schemas.YearQuery)
def dues_status(query, code):
    return dues.dues_status(unit_for(code, "read"), query["year"])


# ---- allowances -----------------------------------------------------------------------------

@community_api.write("/units/<code>/allowance-rules", schemas.AllowanceRuleOut, body=schemas.AllowanceRuleIn)
def create_allowance_rule(data, code):
    return allowances.create_rule(unit_for(code, "setup"), data, by=g.user)


@community_api.read("/units/<code>/allowances", schemas.AllowanceReportOut, query=schemas.YearQuery)
def allowance_report(query, code):
    return allowances.allowance_report(unit_for(code, "read"), query["year"])


@community_api.write("/allowance-rules/<rule_id>/payments", DisbursementOut, body=schemas.AllowancePayIn,
                     edge=money_post)
def pay_allowance(data, rule_id):
    return allowances.pay_allowance(permitted(allowances.get_rule(rule_id), "post"), data, by=g.user)

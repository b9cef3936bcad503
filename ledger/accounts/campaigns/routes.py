"""Pages of campaigns (progress, targets handed down, pledges incl. a day's pay) and of donor
stewardship (giving summaries, thank-you letters).
"""
from flask import Blueprint, g, render_template, request, url_for

from ledger.accounts.campaigns import schemas
from ledger.accounts.campaigns.public import chart_of
from ledger.accounts.campaigns.services import campaigns, honor
from ledger.accounts.community.routes import chosen_year, form_of, status_of, typed_over, unit_form
from ledger.accounts.services import funds_usable_in
from ledger.accounts.treasury.routes import LABELS, saved, shown_again
from ledger.accounts.treasury.services.donors import get_donor, readable_units
from ledger.auth.routes import login_required
from ledger.core import permissions
from ledger.core.dates import vn_today
from ledger.core.edge import refusable, unit_of_work
from ledger.core.errors import ValidationFailed
from ledger.core.i18n import _
from ledger.core.money import format_vnd
from ledger.core.pdf import pdf_response, render_pdf
from ledger.units.access import permitted, unit_for
from ledger.units.services import get_unit

campaign_pages = Blueprint("campaigns", __name__, template_folder="templates")


# ---- campaigns ------------------------------------------------------------------------------

@campaign_pages.get("/units/<code>/campaigns")
@login_required
def campaign_list(code, problem: dict | None = None):
    unit = unit_for(code, "read")
    today = vn_today()
    return render_template("campaigns/campaigns.html", unit=unit, rows=campaigns.campaign_rows(unit),
                           problem=problem, form=typed_over(campaigns.campaign_form_defaults(today)),
                           funds=funds_usable_in(unit), today=today,
                           can_setup=permissions.allowed(g.user, "setup", unit)), status_of(problem)


@campaign_pages.post("/units/<code>/campaigns")
@login_required
@unit_of_work
def campaign_create(code):
    return unit_form(code, "setup", campaign_list, create_campaign)


def create_campaign(unit):
    campaign = campaigns.create_campaign(form_of(schemas.CampaignIn, schemas.campaign_form_data,
                                                 owner_unit=unit.code), by=g.user)
    return saved(url_for("campaigns.campaign_page", code=campaign.code),
                 _("Đã tạo đợt vận động %(name)s.", name=campaign.name))


def campaign_in_scope(code: str, action: str):
    """(campaign, the unit it is seen from), once the user may `action` in that unit."""
    campaign = campaigns.get_campaign(code)
    unit = scope_of(campaign)
    permitted(campaign, action, unit)
    return campaign, unit


def scope_of(campaign):
    """The unit whose view is asked for, else the owner if readable, else the user's own unit inside it."""
    if request.values.get("unit"):
        return get_unit(request.values["unit"])
    if permissions.allowed(g.user, "read", campaign.owner_unit):
        return campaign.owner_unit
    inside = [u for u in permissions.visible_roots(g.user) if u.is_within(campaign.owner_unit)]
    return inside[0] if inside else campaign.owner_unit


@campaign_pages.get("/campaigns/<code>")
@login_required
def campaign_page(code, problem: dict | None = None):
    campaign, unit = campaign_in_scope(code, "read")
    progress = campaigns.progress(campaign, unit)
    return render_template("campaigns/campaign.html", campaign=campaign, unit=unit, progress=progress,
                           chart=chart_of(progress), pledges=campaigns.pledges_of(campaign, unit),
                           children=campaigns.child_targets(unit, progress), problem=problem, labels=LABELS,
                           form=typed_over(campaigns.pledge_form_defaults(campaign)),
                           can_setup=permissions.allowed(g.user, "setup", unit),
                           can_post=permissions.allowed(g.user, "post", unit)), status_of(problem)


@campaign_pages.post("/campaigns/<code>/targets")
@login_required
@unit_of_work
def campaign_targets(code):
    campaign, unit = campaign_in_scope(code, "setup")  # a unit hands targets down to its own sub-units
    return refusable(lambda: set_targets(campaign, unit), shown_again(campaign_page, code))


def set_targets(campaign, unit):
    targets = own_children_only(unit, form_of(schemas.TargetsIn, schemas.targets_form_data)["targets"])
    campaigns.set_targets(campaign, targets, by=g.user)
    return saved(url_for("campaigns.campaign_page", code=campaign.code, unit=unit.code),
                 _("Đã giao chỉ tiêu cho %(n)s đơn vị.", n=len(targets)))


def own_children_only(unit, targets: list[dict]) -> list[dict]:
    if any(get_unit(t["unit"]).parent_id != unit.id for t in targets):
        raise ValidationFailed(_("Chỉ giao chỉ tiêu cho đơn vị trực thuộc."), field="targets")
    return targets


@campaign_pages.post("/campaigns/<code>/pledges")
@login_required
@unit_of_work
def campaign_pledge(code):
    campaign, unit = campaign_in_scope(code, "post")
    return refusable(lambda: pledge_to(campaign, unit), shown_again(campaign_page, code))


def pledge_to(campaign, unit):
    data = form_of(schemas.PledgeIn, schemas.pledge_form_data, unit=unit.code)
    pledge = campaigns.create_pledge(campaign, data, by=g.user)
    return saved(url_for("campaigns.campaign_page", code=campaign.code, unit=unit.code),
                 _("Đã ghi cam kết %(amount)s của %(name)s.", amount=format_vnd(pledge.amount),
                   name=pledge.donor.name))


# ---- donor stewardship ----------------------------------------------------------------------

@campaign_pages.get("/units/<code>/stewardship")
@login_required
def stewardship(code):
    unit = unit_for(code, "read")
    year = chosen_year()
    return render_template("campaigns/stewardship.html", unit=unit, year=year,
                           roll=honor.honor_roll(unit=unit, year=year))


def donor_summary(code: str, donor_id: int) -> dict:
    """The donor's gifts in the unit's subtree during the chosen year."""
    unit = unit_for(code, "read")
    return honor.giving_summary(get_donor(donor_id, within=readable_units(g.user)), unit, chosen_year())


@campaign_pages.get("/units/<code>/donors/<int:donor_id>/statement")
@login_required
def giving_summary(code, donor_id):
    return render_template("campaigns/giving_summary.html", **donor_summary(code, donor_id))


@campaign_pages.get("/units/<code>/donors/<int:donor_id>/statement.pdf")
@login_required
def giving_summary_pdf(code, donor_id):
    summary = donor_summary(code, donor_id)
    return pdf_response(render_pdf("campaigns/giving_summary_pdf.html", today=vn_today(), **summary),
                        f"bang-ke-dong-gop-{donor_id}-{summary['year']}.pdf")


@campaign_pages.get("/units/<code>/donors/<int:donor_id>/thank-you.pdf")
@login_required
def thank_you_letter(code, donor_id):
    unit = unit_for(code, "read")
    campaign = campaigns.get_campaign(request.args["campaign"]) if request.args.get("campaign") else None
    year = None if campaign else chosen_year()
    letter = honor.thank_you(get_donor(donor_id, within=readable_units(g.user)), unit, year=year, campaign=campaign)
    return pdf_response(render_pdf("campaigns/thank_you_pdf.html", today=vn_today(), **letter),
                        f"thu-cam-on-{donor_id}.pdf")

"""Pages of campaigns (progress, targets handed down, pledges incl. a day's pay), of allowances
(phụ cấp) paid from dues, and of donor stewardship (statements, thank-you letters): views on the
"community" blueprint.
"""
from flask import Response, flash, g, redirect, render_template, request, url_for

from ledger.accounts.campaigns.public import chart_of
from ledger.accounts.campaigns.services import campaigns, honor
from ledger.accounts.community.routes import chosen_year, community_pages, status_of, unit_for
from ledger.accounts.community.services import allowances
from ledger.accounts.forms import parse_date
from ledger.accounts.idempotency import form_post, form_token
from ledger.accounts.services import funds_usable_in
from ledger.accounts.treasury.routes import LABELS, refused
from ledger.accounts.treasury.services.donors import get_donor, readable_units
from ledger.auth.routes import login_required
from ledger.core import permissions
from ledger.core.dates import vn_today
from ledger.core.errors import LedgerError, ValidationFailed
from ledger.core.i18n import _
from ledger.core.money import format_vnd, parse_amount
from ledger.core.pdf import render_pdf
from ledger.extensions import db
from ledger.units.services import get_unit, list_units


def optional_amount(text: str | None) -> int | None:
    return parse_amount(text) if (text or "").strip() else None


# ---- campaigns ------------------------------------------------------------------------------

@community_pages.get("/units/<code>/campaigns")
@login_required
def campaign_list(code, problem: dict | None = None):
    unit = unit_for(code, "read")
    rows = [(c, campaigns.progress(c, unit if unit.is_within(c.owner_unit) else c.owner_unit))
            for c in campaigns.campaigns_for(unit)]
    return render_template("campaigns/campaigns.html", unit=unit, rows=rows, problem=problem, form=request.form,
                           funds=funds_usable_in(unit), today=vn_today(),
                           can_setup=permissions.allowed(g.user, "setup", unit)), status_of(problem)


@community_pages.post("/units/<code>/campaigns")
@login_required
def campaign_create(code):
    unit = unit_for(code, "setup")
    form = request.form
    try:
        earlier = form.get("growth_over", "").strip()
        campaign = campaigns.create_campaign({
            "code": form.get("code", "").strip(), "name": form.get("name", "").strip(), "owner_unit": unit.code,
            "fund": form.get("fund", ""), "starts_on": parse_date(form.get("starts_on"), "starts_on"),
            "ends_on": parse_date(form.get("ends_on"), "ends_on"),
            "target_amount": optional_amount(form.get("target_amount")),
            "per_capita_amount": optional_amount(form.get("per_capita_amount")),
            "growth_over": {"campaign": earlier, "percent": form.get("percent", 0, type=int)} if earlier else None,
        }, by=g.user)
    except LedgerError as exc:
        return campaign_list(code, refused(exc))
    db.session.commit()
    flash(_("Đã tạo đợt vận động %(name)s.", name=campaign.name))
    return redirect(url_for("community.campaign_page", code=campaign.code), 303)


def scope_of(campaign):
    """The unit whose view is asked for, else the owner if readable, else the user's own unit inside it."""
    if request.values.get("unit"):
        return get_unit(request.values["unit"])
    if permissions.allowed(g.user, "read", campaign.owner_unit):
        return campaign.owner_unit
    inside = [u for u in permissions.visible_roots(g.user) if u.is_within(campaign.owner_unit)]
    return inside[0] if inside else campaign.owner_unit


@community_pages.get("/campaigns/<code>")
@login_required
def campaign_page(code, problem: dict | None = None):
    campaign = campaigns.get_campaign(code)
    unit = scope_of(campaign)
    permissions.require(g.user, "read", unit)
    progress = campaigns.progress(campaign, unit)
    children = [c for c in list_units(parent=unit.code, limit=500)[0] if c.status == "active"]
    return render_template("campaigns/campaign.html", campaign=campaign, unit=unit, progress=progress,
                           chart=chart_of(progress), pledges=campaigns.pledges_of(campaign, unit),
                           children=children, problem=problem, form=request.form, labels=LABELS,
                           key=form_token(), can_setup=permissions.allowed(g.user, "setup", unit),
                           can_post=permissions.allowed(g.user, "post", unit)), status_of(problem)


@community_pages.post("/campaigns/<code>/targets")
@login_required
def campaign_targets(code):
    campaign = campaigns.get_campaign(code)
    unit = scope_of(campaign)
    permissions.require(g.user, "setup", unit)  # a unit hands targets down to its own sub-units
    try:
        targets = typed_targets(request.form)
        if any(get_unit(t["unit"]).parent_id != unit.id for t in targets):
            raise ValidationFailed(_("Chỉ giao chỉ tiêu cho đơn vị trực thuộc."), field="targets")
        campaigns.set_targets(campaign, targets, by=g.user)
    except LedgerError as exc:
        return campaign_page(code, refused(exc))
    db.session.commit()
    flash(_("Đã giao chỉ tiêu cho %(n)s đơn vị.", n=len(targets)))
    return redirect(url_for("community.campaign_page", code=code, unit=unit.code), 303)


def typed_targets(form) -> list[dict]:
    """The filled-in "target-<unit code>" fields; a blank one keeps its target, "0" clears it."""
    return [{"unit": name.removeprefix("target-"), "amount": 0 if text.strip() == "0" else parse_amount(text)}
            for name, text in form.items() if name.startswith("target-") and text.strip()]


@community_pages.post("/campaigns/<code>/pledges")
@login_required
def campaign_pledge(code):
    campaign = campaigns.get_campaign(code)
    unit = scope_of(campaign)
    permissions.require(g.user, "post", unit)
    form = request.form
    try:
        pledge = campaigns.create_pledge(campaign, {
            "donor": {"name": form.get("donor_name", "").strip(), "kind": form.get("donor_kind") or "individual",
                      "phone": form.get("donor_phone") or None, "publish": form.get("donor_publish") or "full"},
            "amount": optional_amount(form.get("amount")), "due_on": parse_date(form.get("due_on"), "due_on"),
            "unit": unit.code, "channel": form.get("channel") or "direct", "note": form.get("note", "").strip(),
            "staff": staff_lines(form.get("staff", ""))}, by=g.user)
    except LedgerError as exc:
        return campaign_page(code, refused(exc))
    db.session.commit()
    flash(_("Đã ghi cam kết %(amount)s của %(name)s.", amount=format_vnd(pledge.amount),
            name=pledge.donor.name))
    return redirect(url_for("community.campaign_page", code=code, unit=unit.code), 303)


def staff_lines(text: str) -> list[dict]:
    """"Họ tên; lương tháng" per line, as pasted from the agency's payroll."""
    staff = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, _sep, salary = line.replace("\t", ";").partition(";")
        if not name.strip() or not salary.strip():
            raise ValidationFailed(_("Dòng %(n)s: cần \"Họ tên; lương tháng\".", n=number), field="staff")
        staff.append({"full_name": name.strip(), "monthly_salary": parse_amount(salary)})
    return staff


# ---- allowances -----------------------------------------------------------------------------

@community_pages.get("/units/<code>/allowances")
@login_required
def allowance_page(code, problem: dict | None = None):
    unit = unit_for(code, "read")
    year = chosen_year()
    return render_template("community/allowances.html", unit=unit, year=year, problem=problem, form=request.form,
                           report=allowances.allowance_report(unit, year), today=vn_today(), token=form_token,
                           funds=[f for f in funds_usable_in(unit) if not f.is_pooled and f.kind != "endowment"],
                           can_setup=permissions.allowed(g.user, "setup", unit),
                           can=lambda action, other: permissions.allowed(g.user, action, other)), status_of(problem)


@community_pages.post("/units/<code>/allowance-rules")
@login_required
def allowance_rule_create(code):
    unit = unit_for(code, "setup")
    form = request.form
    try:
        basis = form.get("basis", "share")
        allowances.create_rule(unit, {
            "position": form.get("position", "").strip(), "payee_name": form.get("payee_name", "").strip(),
            "basis": basis, "fund": form.get("fund", ""),
            "percent": form.get("percent", type=int) if basis == "share" else None,
            "amount": optional_amount(form.get("amount")) if basis == "fixed" else None}, by=g.user)
    except LedgerError as exc:
        return allowance_page(code, refused(exc))
    db.session.commit()
    flash(_("Đã thêm quy định phụ cấp."))
    return redirect(url_for("community.allowance_page", code=code, year=chosen_year()), 303)


@community_pages.post("/allowance-rules/<int:rule_id>/pay")
@login_required
@form_post
def allowance_pay(rule_id):
    rule = allowances.get_rule(rule_id)
    permissions.require(g.user, "post", rule.unit)
    back = request.form.get("back") or rule.unit.code
    try:
        disbursement = allowances.pay_allowance(rule, {
            "year": chosen_year(), "date": parse_date(request.form.get("date"), "date"),
            "method": request.form.get("method", "cash"), "amount": optional_amount(request.form.get("amount"))},
            by=g.user)
    except LedgerError as exc:
        return allowance_page(back, refused(exc))
    flash(_("Đã lập phiếu chi phụ cấp %(amount)s cho %(name)s; chờ duyệt.",
            amount=format_vnd(disbursement.amount), name=rule.payee_name))
    return redirect(url_for("community.allowance_page", code=back, year=chosen_year()), 303)


# ---- donor stewardship ----------------------------------------------------------------------

@community_pages.get("/units/<code>/stewardship")
@login_required
def stewardship(code):
    unit = unit_for(code, "read")
    year = chosen_year()
    return render_template("campaigns/stewardship.html", unit=unit, year=year,
                           roll=honor.honor_roll(unit=unit, year=year))


@community_pages.get("/units/<code>/donors/<int:donor_id>/statement")
@community_pages.get("/units/<code>/donors/<int:donor_id>/statement.pdf", endpoint="giving_statement_pdf")
@login_required
def giving_statement(code, donor_id):
    unit = unit_for(code, "read")
    statement = honor.giving_statement(get_donor(donor_id, within=readable_units(g.user)), unit, chosen_year())
    if request.path.endswith(".pdf"):
        return pdf("campaigns/giving_statement_pdf.html", f"bang-ke-dong-gop-{donor_id}-{statement['year']}.pdf",
                   today=vn_today(), **statement)
    return render_template("campaigns/giving_statement.html", **statement)


@community_pages.get("/units/<code>/donors/<int:donor_id>/thank-you.pdf")
@login_required
def thank_you_letter(code, donor_id):
    unit = unit_for(code, "read")
    campaign = campaigns.get_campaign(request.args["campaign"]) if request.args.get("campaign") else None
    year = None if campaign else chosen_year()
    letter = honor.thank_you(get_donor(donor_id, within=readable_units(g.user)), unit, year=year, campaign=campaign)
    return pdf("campaigns/thank_you_pdf.html", f"thu-cam-on-{donor_id}.pdf", today=vn_today(), **letter)


def pdf(template: str, filename: str, **context) -> Response:
    return Response(render_pdf(template, **context), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})

"""Pages of members and dues: the roster (add, edit, leave, move, XLSX import), population, the dues
policy and status, and the collection sheet a branch head ticks at the meeting (one phiếu thu).
"""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup

from ledger.accounts.community.services import dues, members
from ledger.accounts.forms import optional_date, parse_date
from ledger.accounts.idempotency import form_post, form_token
from ledger.accounts.services import funds_usable_in
from ledger.accounts.treasury.routes import refused
from ledger.accounts.treasury.services.receipts import get_receipt
from ledger.auth.routes import login_required
from ledger.core import permissions
from ledger.core.dates import vn_today
from ledger.core.errors import LedgerError, ValidationFailed
from ledger.core.i18n import _, _l
from ledger.core.money import parse_amount
from ledger.extensions import db
from ledger.units.models import LEVELS
from ledger.units.services import get_unit, list_units

community_pages = Blueprint("community", __name__, template_folder="templates")
MEMBER_TARGET_PERCENT = 20  # "hội viên đạt 20% dân số": the indicator the plans set
ROSTER_LIMIT = 500
GENDER_LABELS = {"male": _l("Nam"), "female": _l("Nữ"), "other": _l("Khác")}


@community_pages.app_context_processor
def community_context():
    return {"gender_labels": GENDER_LABELS, "member_target": MEMBER_TARGET_PERCENT}


@community_pages.app_template_filter("percent")
def format_percent(value) -> str:
    """81.8 → "81,8%" (Vietnamese decimal comma); None → "—"."""
    return "—" if value is None else f"{value:.1f}".replace(".", ",") + "%"


def unit_for(code: str, action: str):
    unit = get_unit(code)
    permissions.require(g.user, action, unit)
    return unit


def chosen_year() -> int:
    year = request.values.get("year", type=int)
    return year if year and 2000 <= year <= 2200 else vn_today().year


def status_of(problem: dict | None) -> int:
    return (problem or {}).get("status", 200)


# ---- members --------------------------------------------------------------------------------

@community_pages.get("/units/<code>/members")
@login_required
def member_list(code, problem: dict | None = None):
    unit = unit_for(code, "read")
    roster, total = members.list_members(unit, include_left=request.args.get("left") == "1", limit=ROSTER_LIMIT)
    return render_template("community/members.html", unit=unit, roster=roster, total=total, problem=problem,
                           membership=members.membership(unit), can_setup=permissions.allowed(g.user, "setup", unit),
                           limit=ROSTER_LIMIT), status_of(problem)


@community_pages.post("/units/<code>/members")
@login_required
def member_add(code):
    unit = unit_for(code, "setup")
    try:
        member = members.add_member(unit, member_data(request.form), by=g.user)
    except LedgerError as exc:
        return member_list(code, refused(exc))
    db.session.commit()
    flash(_("Đã thêm hội viên %(name)s.", name=member.full_name))
    return redirect(url_for("community.member_list", code=code), 303)


def member_data(form) -> dict:
    """The member form as the service's data; a name is required."""
    name = form.get("full_name", "").strip()
    if not name:
        raise ValidationFailed(_("Cần nhập họ và tên."), field="full_name")
    return {"full_name": name, "birth_year": form.get("birth_year", type=int), "gender": form.get("gender") or None,
            "phone": form.get("phone", "").strip() or None, "position": form.get("position", "").strip() or None,
            "joined_on": optional_date(form.get("joined_on"), "joined_on")}


@community_pages.post("/units/<code>/members/import")
@login_required
def member_import(code):
    unit = unit_for(code, "setup")
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise ValidationFailed(_("Chọn tệp Excel (.xlsx) danh sách hội viên."), field="file")
        result = members.import_roster(unit, upload.stream, by=g.user)
    except LedgerError as exc:
        return member_list(code, refused(exc))
    db.session.commit()
    flash(_("Đã nhập %(added)s hội viên; bỏ qua %(skipped)s người đã có.", added=result["added"],
            skipped=result["skipped"]))
    return redirect(url_for("community.member_list", code=code), 303)


@community_pages.post("/units/<code>/population")
@login_required
def population_set(code):
    unit = unit_for(code, "setup")
    try:
        members.set_population(unit, parse_amount(request.form.get("population", "")), by=g.user)
    except LedgerError as exc:
        return member_list(code, refused(exc))
    db.session.commit()
    flash(_("Đã cập nhật dân số của %(unit)s.", unit=unit.name))
    return redirect(url_for("community.member_list", code=code), 303)


@community_pages.route("/members/<int:member_id>", methods=["GET", "POST"])
@login_required
def member_page(member_id):
    member = members.get_member(member_id)
    permissions.require(g.user, "read", member.unit)
    problem = None
    if request.method == "POST":
        permissions.require(g.user, "setup", member.unit)
        try:
            change_member(member, request.form)
        except LedgerError as exc:
            problem = refused(exc)
            member = members.get_member(member_id)
        else:
            db.session.commit()
            flash(_("Đã lưu."))
            return redirect(url_for("community.member_page", member_id=member.id), 303)
    return render_template("community/member.html", member=member, problem=problem,
                           branches=sibling_branches(member.unit),
                           today=vn_today(), can_setup=permissions.allowed(g.user, "setup", member.unit)), \
        status_of(problem)


def change_member(member, form) -> None:
    action = form.get("action")
    if action == "leave":
        members.leave_member(member, parse_date(form.get("left_on"), "left_on"), by=g.user)
    elif action == "move":
        target = get_unit(form.get("unit", ""))
        permissions.require(g.user, "setup", target)
        members.move_member(member, target, by=g.user)
    else:
        members.update_member(member, member_data(form), by=g.user)


def sibling_branches(unit):
    """The branches a member can move to: those of the same commune (the parent's children)."""
    siblings = list_units(parent=unit.parent.code, limit=500)[0] if unit.parent else [unit]
    return [u for u in siblings if u.level == "branch"]


# ---- dues -----------------------------------------------------------------------------------

@community_pages.get("/units/<code>/dues")
@login_required
def dues_page(code, problem: dict | None = None):
    unit = unit_for(code, "read")
    year = chosen_year()
    try:
        policy = dues.effective_policy(unit, year)
    except LedgerError:
        policy = None
    funds = [f for f in funds_usable_in(unit) if not f.is_pooled]
    return render_template("community/dues.html", unit=unit, year=year, status=dues.dues_status(unit, year),
                           policy=policy, funds=funds, levels=LEVELS, problem=problem, form=request.form,
                           can_setup=permissions.allowed(g.user, "setup", unit),
                           can_post=permissions.allowed(g.user, "post", unit)), status_of(problem)


@community_pages.post("/units/<code>/dues-policy")
@login_required
def dues_policy_set(code):
    unit = unit_for(code, "setup")
    form = request.form
    try:
        split = {level: form.get(f"split-{level}", 0, type=int) for level in LEVELS}
        dues.set_dues_policy(unit, {"year": chosen_year(), "amount": parse_amount(form.get("amount", "")),
                                    "fund": form.get("fund", ""), "split": split}, by=g.user)
    except LedgerError as exc:
        return dues_page(code, refused(exc))
    db.session.commit()
    flash(_("Đã lưu mức hội phí năm %(year)s.", year=chosen_year()))
    return redirect(url_for("community.dues_page", code=code, year=chosen_year()), 303)


@community_pages.get("/units/<code>/dues/sheet")
@login_required
def dues_sheet(code, problem: dict | None = None):
    branch = unit_for(code, "post")
    year = chosen_year()
    if branch.level != "branch":
        flash(_("Bảng thu hội phí lập cho từng chi hội; chọn một chi hội dưới đây."))
        return redirect(url_for("community.dues_page", code=code, year=year), 303)
    try:
        policy = dues.effective_policy(branch, year)
    except LedgerError as exc:
        problem, policy = problem or refused(exc), None
    values = request.form if problem and request.method == "POST" else {"date": vn_today().isoformat(),
                                                                       "idempotency_key": form_token()}
    roll, _total = members.list_members(branch, year=year, limit=ROSTER_LIMIT)
    unpaid = {m.id for m in dues.unpaid_members(branch, year)}
    ticked = set(request.form.getlist("member_id", type=int)) if request.method == "POST" else set()
    return render_template("community/dues_sheet.html", unit=branch, year=year, policy=policy, roll=roll,
                           unpaid=unpaid, ticked=ticked, values=values, problem=problem), \
        status_of(problem)


@community_pages.post("/units/<code>/dues/sheet")
@login_required
@form_post
def dues_sheet_post(code):
    branch = unit_for(code, "post")
    try:
        chosen = members.get_members(request.form.getlist("member_id", type=int))
        receipt = dues.collect_dues(branch, chosen, year=chosen_year(),
                                    on=parse_date(request.form.get("date"), "date"),
                                    method=request.form.get("method", "cash"), by=g.user)
    except LedgerError as exc:
        return dues_sheet(code, refused(exc))
    flash(_("Đã ghi phiếu thu %(number)s: hội phí của %(n)s hội viên.", number=receipt.number, n=len(chosen)))
    return redirect(url_for("community.dues_receipt", receipt_id=receipt.id), 303)


@community_pages.get("/dues/receipts/<int:receipt_id>")
@login_required
def dues_receipt(receipt_id):
    receipt = get_receipt(receipt_id)
    permissions.require(g.user, "read", receipt.unit)
    shares = [(entry.unit, sum(line.credit for line in entry.lines if line.account.code.startswith("512")))
              for entry in receipt.transaction.entries]
    return render_template("community/dues_receipt.html", receipt=receipt, unit=receipt.unit,
                           payments=dues.payments_of(receipt), shares=[s for s in shares if s[1]])


# ---- the unit page's section ----------------------------------------------------------------

def community_panel(unit, user) -> Markup:
    year = vn_today().year
    return Markup(render_template("community/panel.html", unit=unit, year=year,
                                  membership=members.membership(unit), status=dues.dues_status(unit, year),
                                  can=lambda action: permissions.allowed(user, action, unit)))


from ledger.accounts.campaigns import routes as campaign_routes  # noqa: E402, F401  (its views join this blueprint until they get their own)

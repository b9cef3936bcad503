"""Pages of members and dues: the roster (add, edit, leave, move, XLSX import), population, the dues
policy and status, the collection sheet a branch head ticks at the meeting (one phiếu thu), and the
allowances (phụ cấp) paid from the dues a unit keeps.
"""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup

from ledger.accounts.community import schemas
from ledger.accounts.community.services import allowances, dues, members
from ledger.accounts.idempotency import form_post, form_token
from ledger.accounts.treasury.routes import problem_of, saved, shown_again
from ledger.accounts.treasury.services.receipts import get_receipt
from ledger.auth.routes import login_required
from ledger.core import permissions
from ledger.core.dates import vn_today
from ledger.core.edge import refusable, unit_of_work
from ledger.core.errors import LedgerError, ValidationFailed
from ledger.core.i18n import _, _l
from ledger.core.money import format_vnd
from ledger.units.access import permitted, unit_for
from ledger.units.models import LEVELS
from ledger.units.services import list_units

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


def chosen_year() -> int:
    year = request.values.get("year", type=int)
    return year if year and 2000 <= year <= 2200 else vn_today().year


def status_of(problem: dict | None) -> int:
    return (problem or {}).get("status", 200)


def typed_over(defaults: dict) -> dict:
    """A form's starting values, with what was typed (and sent back after a refusal) on top."""
    return {**defaults, **{name: value for name, value in request.form.items() if value}}


def form_of(schema_cls, data_of, **extra) -> dict:
    """The posted page form, read by the API's *In schema."""
    return schemas.read_form(schema_cls, data_of, request.form, **extra)


def unit_form(code: str, action: str, form_page, save):
    """save(unit) once the user may `action` in the unit; a refusal shows the unit's `form_page` again."""
    unit = unit_for(code, action)
    return refusable(lambda: save(unit), shown_again(form_page, code))


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
@unit_of_work
def member_add(code):
    return unit_form(code, "setup", member_list, add_member)


def add_member(unit):
    member = members.add_member(unit, form_of(schemas.MemberIn, schemas.member_form_data), by=g.user)
    return saved(url_for("community.member_list", code=unit.code),
                 _("Đã thêm hội viên %(name)s.", name=member.full_name))


@community_pages.post("/units/<code>/members/import")
@login_required
@unit_of_work
def member_import(code):
    return unit_form(code, "setup", member_list, import_members)


def import_members(unit):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationFailed(_("Chọn tệp Excel (.xlsx) danh sách hội viên."), field="file")
    result = members.import_roster(unit, upload.stream, by=g.user)
    return saved(url_for("community.member_list", code=unit.code),
                 _("Đã nhập %(added)s hội viên; bỏ qua %(skipped)s người đã có.", added=result["added"],
                   skipped=result["skipped"]))


@community_pages.post("/units/<code>/population")
@login_required
@unit_of_work
def population_set(code):
    return unit_form(code, "setup", member_list, set_population)


def set_population(unit):
    data = form_of(schemas.PopulationIn, schemas.population_form_data)
    members.set_population(unit, data["population"], by=g.user,
                           **({"households": data["households"]} if "households" in data else {}))
    return saved(url_for("community.member_list", code=unit.code),
                 _("Đã cập nhật dân số của %(unit)s.", unit=unit.name))


@community_pages.get("/members/<int:member_id>")
@login_required
def member_page(member_id, problem: dict | None = None):
    member = permitted(members.get_member(member_id), "read")
    return render_template("community/member.html", member=member, problem=problem,
                           branches=sibling_branches(member.unit),
                           today=vn_today(), can_setup=permissions.allowed(g.user, "setup", member.unit)), \
        status_of(problem)


@community_pages.post("/members/<int:member_id>")
@login_required
@unit_of_work
def member_change(member_id):
    member = permitted(members.get_member(member_id), "setup")
    return refusable(lambda: change_member(member, request.form.get("action")), shown_again(member_page, member_id))


def change_member(member, action: str | None):
    if action == "leave":
        members.leave_member(member, form_of(schemas.LeaveIn, schemas.leave_form_data)["on"], by=g.user)
    elif action == "move":
        members.move_member(member, unit_for(request.form.get("unit", ""), "setup"), by=g.user)
    else:
        members.update_member(member, form_of(schemas.MemberUpdateIn, schemas.member_form_data), by=g.user)
    return saved(url_for("community.member_page", member_id=member.id), _("Đã lưu."))


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
    policy = policy_or_none(unit, year)
    return render_template("community/dues.html", unit=unit, year=year, status=dues.dues_status(unit, year),
                           policy=policy, funds=dues.dues_funds(unit), levels=LEVELS, problem=problem,
                           values=typed_over(dues.policy_form_defaults(policy)),
                           can_setup=permissions.allowed(g.user, "setup", unit),
                           can_post=permissions.allowed(g.user, "post", unit)), status_of(problem)


def policy_or_none(unit, year: int) -> dict | None:
    try:
        return dues.effective_policy(unit, year)
    except LedgerError:
        return None


@community_pages.post("/units/<code>/dues-policy")
@login_required
@unit_of_work
def dues_policy_set(code):
    return unit_form(code, "setup", dues_page, set_dues_policy)


def set_dues_policy(unit):
    data = form_of(schemas.DuesPolicyIn, schemas.dues_policy_form_data, year=chosen_year())
    dues.set_dues_policy(unit, data, by=g.user)
    return saved(url_for("community.dues_page", code=unit.code, year=chosen_year()),
                 _("Đã lưu mức hội phí năm %(year)s.", year=chosen_year()))


@community_pages.get("/units/<code>/dues/sheet")
@login_required
def dues_sheet(code, problem: dict | None = None):
    branch = unit_for(code, "post")
    year = chosen_year()
    if branch.level != "branch":
        flash(_("Bảng thu hội phí lập cho từng chi hội; chọn một chi hội dưới đây."))
        return redirect(url_for("community.dues_page", code=code, year=year), 303)
    policy, problem = sheet_policy(branch, year, problem)
    roll, _total = members.list_members(branch, year=year, limit=ROSTER_LIMIT)
    return render_template("community/dues_sheet.html", unit=branch, year=year, policy=policy, roll=roll,
                           unpaid={m.id for m in dues.unpaid_members(branch, year)}, ticked=ticked_members(),
                           values=sheet_values(problem), problem=problem), status_of(problem)


def sheet_policy(branch, year: int, problem: dict | None) -> tuple[dict | None, dict | None]:
    """The policy the sheet charges; without one the sheet says why instead."""
    try:
        return dues.effective_policy(branch, year), problem
    except LedgerError as exc:
        return None, problem or problem_of(exc)


def sheet_values(problem: dict | None):
    """What was sent, with the same key, after a refusal; else today and a fresh key."""
    if problem and request.method == "POST":
        return request.form
    return {"date": vn_today().isoformat(), "idempotency_key": form_token()}


def ticked_members() -> set[int]:
    return set(request.form.getlist("member_id", type=int)) if request.method == "POST" else set()


@community_pages.post("/units/<code>/dues/sheet")
@login_required
@form_post
def dues_sheet_post(code):
    return unit_form(code, "post", dues_sheet, collect_dues)


def collect_dues(branch):
    data = form_of(schemas.DuesSheetIn, schemas.dues_sheet_form_data, year=chosen_year())
    chosen = members.get_members(data["member_ids"])
    receipt = dues.collect_dues(branch, chosen, year=data["year"], on=data["date"], method=data["method"], by=g.user)
    return saved(url_for("community.dues_receipt", receipt_id=receipt.id),
                 _("Đã ghi phiếu thu %(number)s: hội phí của %(n)s hội viên.", number=receipt.number,
                   n=len(chosen)))


@community_pages.get("/dues/receipts/<int:receipt_id>")
@login_required
def dues_receipt(receipt_id):
    receipt = permitted(get_receipt(receipt_id), "read")
    return render_template("community/dues_receipt.html", receipt=receipt, unit=receipt.unit,
                           payments=dues.payments_of(receipt), shares=dues.receipt_shares(receipt))


# ---- allowances -----------------------------------------------------------------------------

@community_pages.get("/units/<code>/allowances")
@login_required
def allowance_page(code, problem: dict | None = None):
    unit = unit_for(code, "read")
    year = chosen_year()
    return render_template("community/allowances.html", unit=unit, year=year, problem=problem, form=request.form,
                           report=allowances.allowance_report(unit, year), today=vn_today(), token=form_token,
                           funds=allowances.payable_funds(unit),
                           can_setup=permissions.allowed(g.user, "setup", unit),
                           can=lambda action, other: permissions.allowed(g.user, action, other)), status_of(problem)


@community_pages.post("/units/<code>/allowance-rules")
@login_required
@unit_of_work
def allowance_rule_create(code):
    return unit_form(code, "setup", allowance_page, create_allowance_rule)


def create_allowance_rule(unit):
    allowances.create_rule(unit, form_of(schemas.AllowanceRuleIn, schemas.allowance_rule_form_data), by=g.user)
    return saved(url_for("community.allowance_page", code=unit.code, year=chosen_year()),
                 _("Đã thêm quy định phụ cấp."))


@community_pages.post("/allowance-rules/<int:rule_id>/pay")
@login_required
@form_post
def allowance_pay(rule_id):
    rule = permitted(allowances.get_rule(rule_id), "post")
    back = request.form.get("back") or rule.unit.code
    return refusable(lambda: pay_allowance(rule, back), shown_again(allowance_page, back))


def pay_allowance(rule, back: str):
    data = form_of(schemas.AllowancePayIn, schemas.allowance_pay_form_data, year=chosen_year())
    disbursement = allowances.pay_allowance(rule, data, by=g.user)
    return saved(url_for("community.allowance_page", code=back, year=chosen_year()),
                 _("Đã lập phiếu chi phụ cấp %(amount)s cho %(name)s; chờ duyệt.",
                   amount=format_vnd(disbursement.amount), name=rule.payee_name))


# ---- the unit page's section ----------------------------------------------------------------

def community_panel(unit, user) -> Markup:
    year = vn_today().year
    return Markup(render_template("community/panel.html", unit=unit, year=year,
                                  membership=members.membership(unit), status=dues.dues_status(unit, year),
                                  can=lambda action: permissions.allowed(user, action, unit)))

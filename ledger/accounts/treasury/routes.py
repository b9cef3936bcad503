"""Pages of the treasurer's daily work: receipts, donors, payment vouchers and their approval, remittances.

Money forms go through form_post: a double click or a resent form posts once and lands where the
first submission went. Voucher PDFs render the same objects through a print template.
"""
from collections.abc import Callable

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup

from ledger.accounts.idempotency import form_post, form_token
from ledger.accounts.services import funds_usable_in
from ledger.accounts.treasury import schemas
from ledger.accounts.treasury.models import Disbursement
from ledger.accounts.treasury.services import cancellations, cost_cap, disbursements, donors, receipts, remittances
from ledger.accounts.treasury.services.donor_merge import merge_choices
from ledger.accounts.treasury.vouchers import people, users_by_id, voucher_response
from ledger.auth.routes import login_required
from ledger.core import permissions
from ledger.core.dates import vn_today
from ledger.core.edge import refusable
from ledger.core.errors import LedgerError
from ledger.core.i18n import _, _l
from ledger.core.money import format_vnd
from ledger.units.access import permitted, unit_for
from ledger.units.models import Unit
from ledger.units.services import ancestors

treasury_pages = Blueprint("treasury", __name__, template_folder="templates")
# The campaigns a receipt may count towards, offered in its form: registered by the campaigns feature.
campaign_choices: list[Callable[[Unit], list]] = []
LABELS = {
    "method": {"cash": _l("Tiền mặt"), "bank": _l("Chuyển khoản"), "in_kind": _l("Hiện vật")},
    "receipt_category": {"donation": _l("Ủng hộ, tài trợ"), "dues": _l("Hội phí"), "interest": _l("Lãi tiền gửi"),
                         "other": _l("Thu khác")},
    "channel": {"direct": _l("Trực tiếp"), "piggy_bank": _l("Nuôi lợn nhựa khuyến học"),
                "days_pay": _l("Ngày lương khuyến học"), "bank_transfer": _l("Chuyển khoản ngân hàng"),
                "ceremony": _l("Tại buổi lễ, hội nghị")},
    "disbursement_category": {"scholarship": _l("Học bổng"), "award": _l("Khen thưởng"), "gift": _l("Tặng quà"),
                              "operations": _l("Hoạt động, quản lý"), "allowance": _l("Phụ cấp"),
                              "other": _l("Chi khác")},
    "kind": {"individual": _l("Cá nhân"), "family": _l("Gia đình"), "clan": _l("Dòng họ"),
             "business": _l("Doanh nghiệp"), "organization": _l("Cơ quan, tổ chức"), "anonymous": _l("Ẩn danh")},
    "publish": {"full": _l("Công khai họ tên"), "initials": _l("Chỉ công khai tên viết tắt"),
                "anonymous": _l("Không công khai tên")},
    "status": disbursements.STATUS_LABELS,
    "remittance": {"settlement": _l("Nộp tiền thu hộ"), "transfer": _l("Chuyển quỹ lên cấp trên")},
}


@treasury_pages.app_context_processor
def treasury_context():
    return {"treasury_labels": LABELS, "donor_display": donors.display_name}


def saved(location: str, message: str):
    """Success of a money form: form_post stores the redirect, so a repeat lands here and posts nothing."""
    flash(message)
    return redirect(location, 303)


def problem_of(exc: LedgerError) -> dict:
    """What a form page shows of a refusal: the message, the fields' errors, and the page's status."""
    return {"message": exc.detail, "errors": exc.errors or {}, "status": exc.status}


def shown_again(form_page: Callable, *args, **route) -> Callable[[LedgerError], object]:
    """refusable's answer to a refusal: `form_page` again with what was typed and the problem."""
    return lambda exc: form_page(*args, **route, problem=problem_of(exc))


def typed(schema_cls, read_form: Callable) -> dict:
    """The posted form as the API's *In schema loads it (Vietnamese amounts and dates read first)."""
    errors: dict = {}
    return schemas.load_form(schema_cls, read_form(request.form, errors), errors)


def form_values(problem=None) -> dict:
    """What was typed, with the same key, after a refusal or a question; else defaults and a fresh key."""
    values = dict(request.form) if request.method == "POST" else {"date": vn_today().isoformat()}
    values["idempotency_key"] = values.get("idempotency_key") if problem else form_token()
    return values


def money_form(code: str, form_page: Callable, save: Callable, schema_cls, read_form: Callable):
    """A unit's money form: save(unit, what was typed) once the user may post there; a refusal shows
    `form_page` again."""
    unit = unit_for(code, "post")
    return refusable(lambda: save(unit, typed(schema_cls, read_form)), shown_again(form_page, code=code))


# ---- receipts -----------------------------------------------------------------------------------

@treasury_pages.get("/units/<code>/receipts/new")
@login_required
def receipt_new(code, problem=None, matches=(), found=None):
    unit = unit_for(code, "post")
    status = 409 if matches else (problem or {}).get("status", 200)
    return render_template("treasury/receipt_form.html", unit=unit, form=form_values(problem or matches),
                           problem=problem, matches=matches, found=found, funds=nearest_first(funds_usable_in(unit)),
                           campaigns=[c for choices in campaign_choices for c in choices(unit)],
                           donor=donor_from_query()), status


def save_receipt(unit: Unit, data: dict):
    data["donor"], matches = chosen_donor(unit, data["donor"], request.form.get("donor_choice", ""))
    if matches:  # 409: nothing is kept, and the same key comes back with the answer
        return receipt_new(unit.code, matches=matches)
    receipt = receipts.record_receipt(unit, data, by=g.user)
    return saved(url_for("treasury.receipt_page", receipt_id=receipt.id),
                 _("Đã lưu phiếu thu %(number)s.", number=receipt.number))


@treasury_pages.post("/units/<code>/receipts/new")
@login_required
@form_post
def receipt_save(code):
    return money_form(code, receipt_new, save_receipt, schemas.ReceiptIn, schemas.receipt_form_data)


def chosen_donor(unit, donor: dict, choice: str):
    """(donor reference, twins to confirm): a new donor who looks like a known one needs an answer first."""
    if donor.get("id") is not None:
        return donor, []
    if choice == "new":
        return {"id": donors.create_donor(donor, unit=unit, by=g.user).id}, []
    return donor, donors.possible_twins(donor, within=donors.attach_scope(g.user))


def nearest_first(funds):
    """The unit's own funds before those of the levels above: the likeliest choice comes first."""
    return sorted(funds, key=lambda fund: -fund.owner_unit.depth)


def donor_from_query():
    donor_id = request.args.get("donor") or request.form.get("donor_id")
    return donors.get_donor(donor_id, within=donors.attach_scope(g.user)) if donor_id else None


@treasury_pages.get("/units/<code>/receipts")
@login_required
def receipt_list(code):
    unit = unit_for(code, "read")
    items, total = receipts.list_receipts(unit, subtree=request.args.get("subtree") == "1", limit=200)
    return render_template("treasury/receipts.html", unit=unit, receipts=items, total=total,
                           cancelled=cancellations.cancellations_of(items),
                           can_post=permissions.allowed(g.user, "post", unit))


@treasury_pages.get("/receipts/<receipt_id>")
@login_required
def receipt_page(receipt_id, problem=None):
    receipt = permitted(receipts.get_receipt(receipt_id), "read")
    return render_template("treasury/receipt.html", receipt=receipt, unit=receipt.unit, people=people(receipt),
                           **voucher_marks(receipt, problem)), (problem or {}).get("status", 200)


def voucher_marks(document, problem) -> dict:
    """What a voucher's page shows around it: its cancellation, the cancel form, the entries the user may open."""
    return {"cancelled": cancellations.cancellation(document), "problem": problem, "token": form_token,
            "can_cancel": cancellations.may_cancel(g.user, document),
            "can_post": permissions.allowed(g.user, "post", document.unit),
            "entries": [entry for entry in (document.transaction.entries if document.transaction else [])
                        if permissions.allowed(g.user, "read", entry.unit)]}


@treasury_pages.get("/receipts/<receipt_id>/pdf")
@login_required
def receipt_pdf(receipt_id):
    return voucher_response(permitted(receipts.get_receipt(receipt_id), "read"))


# ---- donors -------------------------------------------------------------------------------------

@treasury_pages.get("/units/<code>/donors")
@login_required
def donor_list(code):
    unit = unit_for(code, "read")
    query = request.args.get("q", "").strip()[:100]
    items, total = donors.list_donors(unit, query=query, limit=200)
    return render_template("treasury/donors.html", unit=unit, donors=items, total=total, query=query)


@treasury_pages.get("/donors/<donor_id>")
@login_required
def donor_page(donor_id, problem=None):
    within = donors.readable_units(g.user)
    donor = donors.get_donor(donor_id, within=within)
    return render_template("treasury/donor.html", donor=donor, history=donors.giving_history(donor, within=within),
                           merge=merge_choices(donor, request.args.get("find", "")[:100]), problem=problem,
                           token=form_token), (problem or {}).get("status", 200)


# ---- disbursements and their approval -----------------------------------------------------------

@treasury_pages.get("/units/<code>/disbursements/new")
@login_required
def disbursement_new(code, problem=None, cap_warning=None):
    unit = unit_for(code, "post")
    funds = [f for f in nearest_first(funds_usable_in(unit))
             if f.kind != "endowment" and (not f.is_pooled or f.owner_unit_id == unit.id)]
    status = 409 if cap_warning else (problem or {}).get("status", 200)
    return render_template("treasury/disbursement_form.html", unit=unit, form=form_values(problem or cap_warning),
                           problem=problem, cap_warning=cap_warning, funds=funds), status


def save_disbursement(unit: Unit, data: dict):
    warning = disbursements.cost_cap_warning(data)
    if warning and request.form.get("cost_cap_seen") != "1":  # 409: nothing kept; the maker saves again knowingly
        return disbursement_new(unit.code, cap_warning=warning)
    disbursement = disbursements.create_disbursement(unit, data, by=g.user)
    return saved(url_for("treasury.disbursement_page", disbursement_id=disbursement.id),
                 _("Đã lập phiếu chi; phiếu đang chờ người khác duyệt."))


@treasury_pages.post("/units/<code>/disbursements/new")
@login_required
@form_post
def disbursement_save(code):
    return money_form(code, disbursement_new, save_disbursement, schemas.DisbursementIn, schemas.disbursement_form_data)


@treasury_pages.get("/disbursements/<disbursement_id>")
@login_required
def disbursement_page(disbursement_id, problem=None):
    disbursement = permitted(disbursements.get_disbursement(disbursement_id), "read")
    return render_template("treasury/disbursement.html", d=disbursement, unit=disbursement.unit,
                           people=people(disbursement), can_decide=can_decide(disbursement),
                           share=cost_cap.cost_share(disbursement), can_redate=can_redate(disbursement),
                           **voucher_marks(disbursement, problem)), (problem or {}).get("status", 200)


def can_redate(disbursement: Disbursement) -> bool:
    return (disbursement.status == "pending_approval" and disbursement.created_by_id == g.user.id
            and permissions.allowed(g.user, "post", disbursement.unit))


@treasury_pages.post("/disbursements/<disbursement_id>/<any(approve, reject):decision>")
@login_required
@form_post
def disbursement_decide(disbursement_id, decision):
    disbursement = permitted(disbursements.get_disbursement(disbursement_id), "approve")
    back = safe_back(url_for("treasury.disbursement_page", disbursement_id=disbursement.id))
    decide = approve if decision == "approve" else reject
    return refusable(lambda: decide(disbursement, back),
                     shown_again(disbursement_page, disbursement_id=disbursement_id))


def approve(disbursement: Disbursement, back: str):
    disbursements.approve_disbursement(disbursement, by=g.user)
    return saved(back, _("Đã duyệt và ghi sổ phiếu chi %(number)s.", number=disbursement.number))


def reject(disbursement: Disbursement, back: str):
    disbursements.reject_disbursement(disbursement, request.form.get("reason", ""), by=g.user)
    return saved(back, _("Đã từ chối phiếu chi."))


def can_decide(disbursement: Disbursement) -> bool:
    return (disbursement.status == "pending_approval" and disbursement.created_by_id != g.user.id
            and permissions.allowed(g.user, "approve", disbursement.unit))


def safe_back(default: str) -> str:
    target = request.form.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else default


@treasury_pages.get("/units/<code>/approvals")
@login_required
def approval_queue(code):
    unit = unit_for(code, "read")
    pending, total = disbursements.list_disbursements(unit, status="pending_approval", subtree=True, limit=500)
    creators = users_by_id(d.created_by_id for d in pending)
    return render_template("treasury/approvals.html", unit=unit, pending=pending, total=total, creators=creators,
                           can_decide=can_decide, token=form_token, share_of=cost_cap.cost_share,
                           can_post=permissions.allowed(g.user, "post", unit))


@treasury_pages.get("/disbursements/<disbursement_id>/pdf")
@login_required
def disbursement_pdf(disbursement_id):
    return voucher_response(permitted(disbursements.get_disbursement(disbursement_id), "read"))


# ---- remittances --------------------------------------------------------------------------------

@treasury_pages.get("/units/<code>/remittances")
@login_required
def remittance_page(code, problem=None):
    unit = unit_for(code, "read")
    items, _total = remittances.list_remittances(unit, limit=200)
    return render_template("treasury/remittances.html", unit=unit, remittances=items, problem=problem,
                           form=form_values(problem), parents=ancestors(unit)[:-1],
                           funds=nearest_first(funds_usable_in(unit)),
                           can_post=permissions.allowed(g.user, "post", unit)), (problem or {}).get("status", 200)


def save_remittance(unit: Unit, data: dict):
    remittance = remittances.record_remittance(unit, data, by=g.user)
    return saved(url_for("treasury.remittance_page", code=unit.code), _(
        "Đã ghi nộp %(amount)s lên %(to)s.", amount=format_vnd(remittance.amount), to=remittance.to_unit.name))


@treasury_pages.post("/units/<code>/remittances")
@login_required
@form_post
def remittance_save(code):
    return money_form(code, remittance_page, save_remittance, schemas.RemittanceIn, schemas.remittance_form_data)


# ---- the unit page's section -------------------------------------------------------

def treasury_panel(unit, user) -> Markup:
    recent, total = receipts.list_receipts(unit, limit=5)
    pending = disbursements.list_disbursements(unit, status="pending_approval", subtree=True, limit=1)[1]
    return Markup(render_template("treasury/panel.html", unit=unit, recent=recent, total=total, pending=pending,
                                  cancelled=cancellations.cancellations_of(recent),
                                  can=lambda action: permissions.allowed(user, action, unit)))

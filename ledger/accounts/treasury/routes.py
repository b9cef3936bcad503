"""Pages of the treasurer's daily work: receipts, donors, payment vouchers and their approval, remittances.

Money forms go through form_post: a double click or a resent form posts once and lands where the
first submission went. Voucher PDFs render the same objects through a print template.
"""
from collections.abc import Callable

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import select

from ledger.accounts.idempotency import form_post, form_token
from ledger.accounts.services import funds_usable_in
from ledger.accounts.treasury import schemas
from ledger.accounts.treasury.models import Disbursement, Receipt
from ledger.accounts.treasury.services import disbursements, donors, receipts, remittances
from ledger.auth.models import User
from ledger.auth.routes import login_required
from ledger.core import permissions
from ledger.core.dates import vn_today
from ledger.core.errors import LedgerError
from ledger.core.i18n import _, _l
from ledger.core.inputs import parse_id
from ledger.core.money import format_vnd
from ledger.core.pdf import render_pdf
from ledger.extensions import db
from ledger.units.models import Unit
from ledger.units.services import ancestors, get_unit

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


def refused(exc: LedgerError) -> dict:
    db.session.rollback()  # the form is shown again from a clean session; form_post drops the key
    return {"message": exc.detail, "errors": exc.errors or {}, "status": exc.status}


def form_values(problem=None) -> dict:
    """What was typed, with the same key, after a refusal or a question; else defaults and a fresh key."""
    values = dict(request.form) if request.method == "POST" else {"date": vn_today().isoformat()}
    values["idempotency_key"] = values.get("idempotency_key") if problem else form_token()
    return values


# ---- receipts -----------------------------------------------------------------------------------

@treasury_pages.get("/units/<code>/receipts/new")
@login_required
def receipt_new(code, problem=None, matches=()):
    unit = get_unit(code)
    permissions.require(g.user, "post", unit)
    status = 409 if matches else (problem or {}).get("status", 200)
    return render_template("treasury/receipt_form.html", unit=unit, form=form_values(problem or matches),
                           problem=problem, matches=matches, funds=nearest_first(funds_usable_in(unit)),
                           campaigns=[c for choices in campaign_choices for c in choices(unit)], donor=donor_from_query()), status


@treasury_pages.post("/units/<code>/receipts/new")
@login_required
@form_post
def receipt_save(code):
    unit = get_unit(code)
    permissions.require(g.user, "post", unit)
    try:
        errors: dict = {}
        data = schemas.load_form(schemas.ReceiptIn, schemas.receipt_form_data(request.form, errors), errors)
        data["donor"], matches = chosen_donor(unit, data["donor"], request.form.get("donor_choice", ""))
        if matches:  # 409: nothing is kept, and the same key comes back with the answer
            return receipt_new(code, matches=matches)
        receipt = receipts.record_receipt(unit, data, by=g.user)
    except LedgerError as exc:
        return receipt_new(code, problem=refused(exc))
    return saved(url_for("treasury.receipt_page", receipt_id=receipt.id),
                 _("Đã lưu phiếu thu %(number)s.", number=receipt.number))


def chosen_donor(unit, donor: dict, choice: str):
    """(donor reference, twins to confirm): a new donor who looks like a known one needs an answer first."""
    if donor.get("id") is not None:
        return donor, []
    if choice == "new":
        return {"id": donors.create_donor(donor, unit=unit, by=g.user).id}, []
    if parse_id(choice):
        return {"id": parse_id(choice)}, []
    return donor, donors.find_matches(donor, within=donors.attach_scope(g.user))


def nearest_first(funds):
    """The unit's own funds before those of the levels above: the likeliest choice comes first."""
    return sorted(funds, key=lambda fund: -fund.owner_unit.depth)


def donor_from_query():
    donor_id = request.args.get("donor") or request.form.get("donor_id")
    return donors.get_donor(donor_id, within=donors.attach_scope(g.user)) if donor_id else None


@treasury_pages.get("/units/<code>/receipts")
@login_required
def receipt_list(code):
    unit = get_unit(code)
    permissions.require(g.user, "read", unit)
    items, total = receipts.list_receipts(unit, subtree=request.args.get("subtree") == "1", limit=200)
    return render_template("treasury/receipts.html", unit=unit, receipts=items, total=total,
                           can_post=permissions.allowed(g.user, "post", unit))


@treasury_pages.get("/receipts/<receipt_id>")
@login_required
def receipt_page(receipt_id):
    receipt = receipts.get_receipt(receipt_id)
    permissions.require(g.user, "read", receipt.unit)
    return render_template("treasury/receipt.html", receipt=receipt, unit=receipt.unit, people=people(receipt))


@treasury_pages.get("/receipts/<receipt_id>/pdf")
@login_required
def receipt_pdf(receipt_id):
    receipt = receipts.get_receipt(receipt_id)
    permissions.require(g.user, "read", receipt.unit)
    return pdf_response(receipt)


# ---- donors -------------------------------------------------------------------------------------

@treasury_pages.get("/units/<code>/donors")
@login_required
def donor_list(code):
    unit = get_unit(code)
    permissions.require(g.user, "read", unit)
    query = request.args.get("q", "").strip()[:100]
    items, total = donors.list_donors(unit, query=query, limit=200)
    return render_template("treasury/donors.html", unit=unit, donors=items, total=total, query=query)


@treasury_pages.get("/donors/<donor_id>")
@login_required
def donor_page(donor_id):
    within = donors.readable_units(g.user)
    donor = donors.get_donor(donor_id, within=within)
    return render_template("treasury/donor.html", donor=donor, history=donors.giving_history(donor, within=within))


# ---- disbursements and their approval -----------------------------------------------------------

@treasury_pages.get("/units/<code>/disbursements/new")
@login_required
def disbursement_new(code, problem=None):
    unit = get_unit(code)
    permissions.require(g.user, "post", unit)
    funds = [f for f in nearest_first(funds_usable_in(unit))
             if f.kind != "endowment" and (not f.is_pooled or f.owner_unit_id == unit.id)]
    return render_template("treasury/disbursement_form.html", unit=unit, form=form_values(problem), problem=problem,
                           funds=funds), (problem or {}).get("status", 200)


@treasury_pages.post("/units/<code>/disbursements/new")
@login_required
@form_post
def disbursement_save(code):
    unit = get_unit(code)
    permissions.require(g.user, "post", unit)
    try:
        errors: dict = {}
        data = schemas.load_form(schemas.DisbursementIn, schemas.disbursement_form_data(request.form, errors), errors)
        disbursement = disbursements.create_disbursement(unit, data, by=g.user)
    except LedgerError as exc:
        return disbursement_new(code, problem=refused(exc))
    return saved(url_for("treasury.disbursement_page", disbursement_id=disbursement.id),
                 _("Đã lập phiếu chi; phiếu đang chờ người khác duyệt."))


@treasury_pages.get("/disbursements/<disbursement_id>")
@login_required
def disbursement_page(disbursement_id, problem=None):
    disbursement = disbursements.get_disbursement(disbursement_id)
    permissions.require(g.user, "read", disbursement.unit)
    return render_template("treasury/disbursement.html", d=disbursement, unit=disbursement.unit, problem=problem,
                           people=people(disbursement), can_decide=can_decide(disbursement),
                           token=form_token), (problem or {}).get("status", 200)


@treasury_pages.post("/disbursements/<disbursement_id>/<any(approve, reject):decision>")
@login_required
@form_post
def disbursement_decide(disbursement_id, decision):
    disbursement = disbursements.get_disbursement(disbursement_id)
    permissions.require(g.user, "approve", disbursement.unit)
    back = safe_back(url_for("treasury.disbursement_page", disbursement_id=disbursement.id))
    try:
        if decision == "approve":
            disbursements.approve_disbursement(disbursement, by=g.user)
            return saved(back, _("Đã duyệt và ghi sổ phiếu chi %(number)s.", number=disbursement.number))
        disbursements.reject_disbursement(disbursement, request.form.get("reason", ""), by=g.user)
        return saved(back, _("Đã từ chối phiếu chi."))
    except LedgerError as exc:
        return disbursement_page(disbursement_id, problem=refused(exc))


def can_decide(disbursement: Disbursement) -> bool:
    return (disbursement.status == "pending_approval" and disbursement.created_by_id != g.user.id
            and permissions.allowed(g.user, "approve", disbursement.unit))


def safe_back(default: str) -> str:
    target = request.form.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else default


def people(document) -> dict:
    ids = {getattr(document, "created_by_id", None), getattr(document, "decided_by_id", None)} - {None}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))}


@treasury_pages.get("/units/<code>/approvals")
@login_required
def approval_queue(code):
    unit = get_unit(code)
    permissions.require(g.user, "read", unit)
    pending, total = disbursements.list_disbursements(unit, status="pending_approval", subtree=True, limit=500)
    creators = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({d.created_by_id for d in pending})))}
    return render_template("treasury/approvals.html", unit=unit, pending=pending, total=total, creators=creators,
                           can_decide=can_decide, token=form_token)


@treasury_pages.get("/disbursements/<disbursement_id>/pdf")
@login_required
def disbursement_pdf(disbursement_id):
    disbursement = disbursements.get_disbursement(disbursement_id)
    permissions.require(g.user, "read", disbursement.unit)
    return pdf_response(disbursement)


# ---- remittances --------------------------------------------------------------------------------

@treasury_pages.get("/units/<code>/remittances")
@login_required
def remittance_page(code, problem=None):
    unit = get_unit(code)
    permissions.require(g.user, "read", unit)
    items, _total = remittances.list_remittances(unit, limit=200)
    return render_template("treasury/remittances.html", unit=unit, remittances=items, problem=problem,
                           form=form_values(problem), parents=ancestors(unit)[:-1],
                           funds=nearest_first(funds_usable_in(unit)),
                           can_post=permissions.allowed(g.user, "post", unit)), (problem or {}).get("status", 200)


@treasury_pages.post("/units/<code>/remittances")
@login_required
@form_post
def remittance_save(code):
    unit = get_unit(code)
    permissions.require(g.user, "post", unit)
    try:
        errors: dict = {}
        data = schemas.load_form(schemas.RemittanceIn, schemas.remittance_form_data(request.form, errors), errors)
        remittance = remittances.record_remittance(unit, data, by=g.user)
    except LedgerError as exc:
        return remittance_page(code, problem=refused(exc))
    return saved(url_for("treasury.remittance_page", code=unit.code), _(
        "Đã ghi nộp %(amount)s lên %(to)s.", amount=format_vnd(remittance.amount), to=remittance.to_unit.name))


# ---- vouchers and the unit page's section -------------------------------------------------------

def pdf_response(document: Receipt | Disbursement) -> Response:
    """The phiếu thu or phiếu chi of a document as an inline PDF."""
    is_receipt = isinstance(document, Receipt)
    entry = next((e for e in document.transaction.entries if e.unit_id == document.unit_id), None) \
        if document.transaction else None
    pdf = render_pdf("treasury/voucher.html", doc=document, is_receipt=is_receipt, entry=entry,
                     people=people(document), unit=document.unit)
    name = document.number or f"phieu-chi-{document.id}"
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}.pdf"'})


def treasury_panel(unit, user) -> Markup:
    recent, total = receipts.list_receipts(unit, limit=5)
    pending = disbursements.list_disbursements(unit, status="pending_approval", subtree=True, limit=1)[1]
    return Markup(render_template("treasury/panel.html", unit=unit, recent=recent, total=total, pending=pending,
                                  can=lambda action: permissions.allowed(user, action, unit)))

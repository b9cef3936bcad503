"""Cancelling a voucher (hủy phiếu) and re-dating a pending payment from their pages.

Cancelling asks for a reason and a tick, then reverses the voucher's entries; the voucher's page shows
it again with the mark. These views join the treasury blueprint (its init_app imports this module).
"""
from collections.abc import Callable

from flask import g, request, url_for

from ledger.accounts.idempotency import form_post
from ledger.accounts.treasury import schemas
from ledger.accounts.treasury.models import Disbursement
from ledger.accounts.treasury.routes import disbursement_page, receipt_page, saved, shown_again, treasury_pages
from ledger.accounts.treasury.services import cancellations, disbursements, receipts
from ledger.auth.routes import login_required
from ledger.core.edge import refusable
from ledger.core.errors import ValidationFailed
from ledger.core.i18n import _
from ledger.units.access import permitted


@treasury_pages.post("/receipts/<receipt_id>/cancel")
@login_required
@form_post
def receipt_cancel(receipt_id):
    receipt = permitted(receipts.get_receipt(receipt_id), "read")
    return cancel_form(receipt, url_for("treasury.receipt_page", receipt_id=receipt.id),
                       shown_again(receipt_page, receipt_id=receipt_id))


@treasury_pages.post("/disbursements/<disbursement_id>/cancel")
@login_required
@form_post
def disbursement_cancel(disbursement_id):
    disbursement = permitted(disbursements.get_disbursement(disbursement_id), "read")
    return cancel_form(disbursement, url_for("treasury.disbursement_page", disbursement_id=disbursement.id),
                       shown_again(disbursement_page, disbursement_id=disbursement_id))


def cancel_form(document, back: str, form_page: Callable):
    cancellations.require_cancel(g.user, document)
    return refusable(lambda: cancel(document, back), form_page)


def cancel(document, back: str):
    if request.form.get("confirm") != "1":  # the page asks twice: a reason, then a tick
        raise ValidationFailed(field="confirm", message=_("Cần đánh dấu xác nhận hủy phiếu."))
    reversal = cancellations.cancel_voucher(document, request.form.get("reason", ""), by=g.user)
    return saved(back, _("Đã hủy phiếu %(number)s (bút toán đảo %(reversal)s).", number=document.number,
                         reversal=reversal.number))


@treasury_pages.post("/disbursements/<disbursement_id>/redate")
@login_required
@form_post
def disbursement_redate(disbursement_id):
    disbursement = permitted(disbursements.get_disbursement(disbursement_id), "post")
    return refusable(lambda: redate(disbursement), shown_again(disbursement_page, disbursement_id=disbursement_id))


def redate(disbursement: Disbursement):
    on = schemas.load_form(schemas.RedateIn, {"date": schemas.form_date(request.form.get("date"))})["date"]
    disbursements.redate_disbursement(disbursement, on, by=g.user)
    return saved(url_for("treasury.disbursement_page", disbursement_id=disbursement.id),
                 _("Đã đổi ngày phiếu chi sang %(date)s.", date=on.strftime("%d/%m/%Y")))

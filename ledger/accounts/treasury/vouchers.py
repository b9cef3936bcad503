"""Vouchers: the phiếu thu of a receipt and the phiếu chi of a disbursement, printed through one template,
and the people who signed a document. Shared by the API and the pages."""
from flask import Response
from sqlalchemy import select

from ledger.accounts.treasury.models import Disbursement, Receipt
from ledger.accounts.treasury.services.cancellations import cancellation, own_entry
from ledger.auth.models import User
from ledger.core.pdf import pdf_response, render_pdf
from ledger.extensions import db


def voucher_response(document: Receipt | Disbursement) -> Response:
    """The voucher of a document as an inline PDF."""
    return pdf_response(*voucher_pdf(document))


def voucher_pdf(document: Receipt | Disbursement) -> tuple[bytes, str]:
    """(PDF bytes, file name): a disbursement not yet approved has no number, so it is named by its id.
    A cancelled voucher prints with the "ĐÃ HỦY" stamp naming the reversal."""
    pdf = render_pdf("treasury/voucher.html", doc=document, is_receipt=isinstance(document, Receipt),
                     entry=own_entry(document), cancelled=cancellation(document), people=people(document),
                     unit=document.unit)
    return pdf, f"{document.number or f'phieu-chi-{document.id}'}.pdf"


def people(document) -> dict:
    """Who made and who decided the document, by user id."""
    return users_by_id({getattr(document, "created_by_id", None), getattr(document, "decided_by_id", None)})


def users_by_id(ids) -> dict:
    ids = set(ids) - {None}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))}

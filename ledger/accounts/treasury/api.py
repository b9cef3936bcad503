"""Receipts, donors, disbursements with approval, remittances and merging units (API.md)."""
from flask import g

from ledger.accounts.idempotency import money_post
from ledger.accounts.treasury import schemas
from ledger.accounts.treasury.services import cancellations, disbursements, donors, merge, receipts, remittances
from ledger.accounts.treasury.services.donor_merge import donors_to_merge, merge_donors
from ledger.accounts.treasury.services.receipts import referenced
from ledger.accounts.treasury.vouchers import voucher_response
from ledger.core.endpoints import Blueprint
from ledger.core.schemas import page
from ledger.units.access import permitted, unit_for
from ledger.units.services import get_unit

treasury_api = Blueprint("treasury_api", __name__, url_prefix="/api/v1",
                         description="Phiếu thu, phiếu chi, nhà hảo tâm, nộp cấp trên, sáp nhập đơn vị")
PDF_DOC = {"responses": {"200": {"description": "PDF", "content": {
    "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}}


@treasury_api.write("/units/<code>/receipts", schemas.ReceiptOut, body=schemas.ReceiptIn, edge=money_post)
def post_receipt(data, code):
    return receipts.record_receipt(unit_for(code, "post"), data, by=g.user)


@treasury_api.read("/units/<code>/receipts", schemas.ReceiptList, query=schemas.ReceiptQuery)
def list_receipts(query, code):
    return page(*receipts.list_receipts(unit_for(code, "read"), subtree=query["subtree"], date_from=query.get("from_"),
                                        date_to=query.get("to"), fund=query.get("fund"),
                                        limit=query["limit"], offset=query["offset"]))


@treasury_api.read("/receipts/<receipt_id>", schemas.ReceiptOut)
def get_receipt(receipt_id):
    return permitted(receipts.get_receipt(receipt_id), "read")


@treasury_api.get("/receipts/<receipt_id>/pdf")
@treasury_api.doc(**PDF_DOC)
def receipt_pdf(receipt_id):
    return voucher_response(permitted(receipts.get_receipt(receipt_id), "read"))


@treasury_api.write("/receipts/<receipt_id>/cancel", schemas.ReceiptOut, body=schemas.CancelIn, status=200,
                    edge=money_post)
def cancel_receipt(data, receipt_id):
    """Hủy phiếu thu: reverses its entries (both books of a collection on behalf); a second cancel is 409."""
    return cancelled(permitted(receipts.get_receipt(receipt_id), "read"), data)


def cancelled(document, data):
    cancellations.require_cancel(g.user, document)
    cancellations.cancel_voucher(document, data["reason"], on=data.get("date"), by=g.user)
    return document


@treasury_api.write("/units/<code>/disbursements", schemas.DisbursementOut, body=schemas.DisbursementIn,
                    edge=money_post)
def post_disbursement(data, code):
    return disbursements.create_disbursement(unit_for(code, "post"), data, by=g.user)


@treasury_api.read("/units/<code>/disbursements", schemas.DisbursementList, query=schemas.DisbursementQuery)
def list_disbursements(query, code):
    return page(*disbursements.list_disbursements(unit_for(code, "read"), status=query.get("status"),
                                                  subtree=query["subtree"], limit=query["limit"],
                                                  offset=query["offset"]))


@treasury_api.read("/disbursements/<disbursement_id>", schemas.DisbursementOut)
def get_disbursement(disbursement_id):
    return permitted(disbursements.get_disbursement(disbursement_id), "read")


@treasury_api.write("/disbursements/<disbursement_id>/approve", schemas.DisbursementOut, status=200, edge=money_post)
def approve_disbursement(disbursement_id):
    return disbursements.approve_disbursement(permitted(disbursements.get_disbursement(disbursement_id), "approve"),
                                              by=g.user)


@treasury_api.write("/disbursements/<disbursement_id>/reject", schemas.DisbursementOut, body=schemas.RejectIn,
                    status=200)
def reject_disbursement(data, disbursement_id):
    disbursement = permitted(disbursements.get_disbursement(disbursement_id), "approve")
    return disbursements.reject_disbursement(disbursement, data["reason"], by=g.user)


@treasury_api.write("/disbursements/<disbursement_id>/cancel", schemas.DisbursementOut, body=schemas.CancelIn,
                    status=200, edge=money_post)
def cancel_disbursement(data, disbursement_id):
    """Hủy phiếu chi đã ghi sổ: reverses its entry; a pending one is rejected instead (422), a second cancel 409."""
    return cancelled(permitted(disbursements.get_disbursement(disbursement_id), "read"), data)


@treasury_api.write("/disbursements/<disbursement_id>/redate", schemas.DisbursementOut, body=schemas.RedateIn,
                    status=200)
def redate_disbursement(data, disbursement_id):
    """Its maker moves a pending payment to an open date (e.g. after the books closed under it)."""
    disbursement = permitted(disbursements.get_disbursement(disbursement_id), "post")
    return disbursements.redate_disbursement(disbursement, data["date"], by=g.user)


@treasury_api.get("/disbursements/<disbursement_id>/pdf")
@treasury_api.doc(**PDF_DOC)
def disbursement_pdf(disbursement_id):
    return voucher_response(permitted(disbursements.get_disbursement(disbursement_id), "read"))


@treasury_api.write("/units/<code>/approval-policy", schemas.ApprovalPolicyOut, body=schemas.ApprovalPolicyIn,
                    status=200, method="PUT")
def put_approval_policy(data, code):
    unit = unit_for(code, "setup")
    policy = disbursements.set_approval_policy(unit, data, by=g.user)
    return {"unit": unit.code, "threshold": data.get("threshold"), "chair": data.get("chair") if policy else None}


@treasury_api.write("/units/<code>/remittances", schemas.RemittanceOut, body=schemas.RemittanceIn, edge=money_post)
def post_remittance(data, code):
    return remittances.record_remittance(unit_for(code, "post"), data, by=g.user)


@treasury_api.read("/units/<code>/remittances", schemas.RemittanceList, query=schemas.PageQuery)
def list_remittances(query, code):
    return page(*remittances.list_remittances(unit_for(code, "read"), limit=query["limit"], offset=query["offset"]))


@treasury_api.write("/units/<code>/merge", schemas.MergeOut, body=schemas.MergeIn, status=200, edge=money_post)
def merge_unit(data, code):
    unit, into = get_unit(code), referenced(get_unit, data["into"], "into")  # 404, then 422, then 403
    return merge.merge_unit(permitted(unit, "manage", unit), permitted(into, "manage", into), data["on"], by=g.user)


@treasury_api.read("/units/<code>/donors", schemas.DonorList, query=schemas.DonorQuery)
def list_donors(query, code):
    return page(*donors.list_donors(unit_for(code, "read"), query=query.get("q"), limit=query["limit"],
                                    offset=query["offset"]))


@treasury_api.read("/donors/<donor_id>", schemas.DonorDetailOut)
def get_donor(donor_id):
    """A donor of a unit the caller may read (any other id is 404, as if it did not exist)."""
    within = donors.readable_units(g.user)
    return donors.DonorDetail(donors.get_donor(donor_id, within=within), within=within)


@treasury_api.write("/units/<code>/donors/merge", schemas.DonorMergeOut, body=schemas.DonorMergeIn, status=200)
def post_donor_merge(data, code):
    """Two records of one donor of the unit's subtree become one; the merged record stays as history."""
    return merge_donors(*donors_to_merge(unit_for(code, "setup"), data), by=g.user)

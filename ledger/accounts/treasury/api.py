"""Receipts, donors, disbursements with approval, remittances and merging units (API.md)."""
from flask import g
from flask_smorest import Blueprint

from ledger.accounts.idempotency import money_post
from ledger.accounts.treasury import schemas
from ledger.accounts.treasury.routes import pdf_response
from ledger.accounts.treasury.services import disbursements, donors, merge, receipts, remittances
from ledger.accounts.treasury.services.receipts import referenced
from ledger.core import permissions
from ledger.core.schemas import page
from ledger.extensions import db
from ledger.units.services import get_unit

treasury_api = Blueprint("treasury_api", __name__, url_prefix="/api/v1",
                         description="Phiếu thu, phiếu chi, nhà hảo tâm, nộp cấp trên, sáp nhập đơn vị")
PDF_DOC = {"responses": {"200": {"description": "PDF", "content": {
    "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}}


@treasury_api.post("/units/<code>/receipts")
@money_post
@treasury_api.arguments(schemas.ReceiptIn)
@treasury_api.response(201, schemas.ReceiptOut)
def post_receipt(data, code):
    unit = get_unit(code)
    permissions.require(g.user, "post", unit)
    return receipts.record_receipt(unit, data, by=g.user)


@treasury_api.get("/units/<code>/receipts")
@treasury_api.arguments(schemas.ReceiptQuery, location="query")
@treasury_api.response(200, schemas.ReceiptList)
def list_receipts(query, code):
    unit = get_unit(code)
    permissions.require(g.user, "read", unit)
    items, total = receipts.list_receipts(unit, subtree=query["subtree"], date_from=query.get("from_"),
                                          date_to=query.get("to"), fund=query.get("fund"),
                                          limit=query["limit"], offset=query["offset"])
    return page(items, total)


@treasury_api.get("/receipts/<receipt_id>")
@treasury_api.response(200, schemas.ReceiptOut)
def get_receipt(receipt_id):
    receipt = receipts.get_receipt(receipt_id)
    permissions.require(g.user, "read", receipt.unit)
    return receipt


@treasury_api.get("/receipts/<receipt_id>/pdf")
@treasury_api.doc(**PDF_DOC)
def receipt_pdf(receipt_id):
    receipt = receipts.get_receipt(receipt_id)
    permissions.require(g.user, "read", receipt.unit)
    return pdf_response(receipt)


@treasury_api.post("/units/<code>/disbursements")
@money_post
@treasury_api.arguments(schemas.DisbursementIn)
@treasury_api.response(201, schemas.DisbursementOut)
def post_disbursement(data, code):
    unit = get_unit(code)
    permissions.require(g.user, "post", unit)
    return disbursements.create_disbursement(unit, data, by=g.user)


@treasury_api.get("/units/<code>/disbursements")
@treasury_api.arguments(schemas.DisbursementQuery, location="query")
@treasury_api.response(200, schemas.DisbursementList)
def list_disbursements(query, code):
    unit = get_unit(code)
    permissions.require(g.user, "read", unit)
    items, total = disbursements.list_disbursements(unit, status=query.get("status"), subtree=query["subtree"],
                                                    limit=query["limit"], offset=query["offset"])
    return page(items, total)


@treasury_api.get("/disbursements/<disbursement_id>")
@treasury_api.response(200, schemas.DisbursementOut)
def get_disbursement(disbursement_id):
    disbursement = disbursements.get_disbursement(disbursement_id)
    permissions.require(g.user, "read", disbursement.unit)
    return disbursement


@treasury_api.post("/disbursements/<disbursement_id>/approve")
@money_post
@treasury_api.response(200, schemas.DisbursementOut)
def approve_disbursement(disbursement_id):
    disbursement = disbursements.get_disbursement(disbursement_id)
    permissions.require(g.user, "approve", disbursement.unit)
    return disbursements.approve_disbursement(disbursement, by=g.user)


@treasury_api.post("/disbursements/<disbursement_id>/reject")
@treasury_api.arguments(schemas.RejectIn)
@treasury_api.response(200, schemas.DisbursementOut)
def reject_disbursement(data, disbursement_id):
    disbursement = disbursements.get_disbursement(disbursement_id)
    permissions.require(g.user, "approve", disbursement.unit)
    disbursements.reject_disbursement(disbursement, data["reason"], by=g.user)
    db.session.commit()
    return disbursement


@treasury_api.get("/disbursements/<disbursement_id>/pdf")
@treasury_api.doc(**PDF_DOC)
def disbursement_pdf(disbursement_id):
    disbursement = disbursements.get_disbursement(disbursement_id)
    permissions.require(g.user, "read", disbursement.unit)
    return pdf_response(disbursement)


@treasury_api.put("/units/<code>/approval-policy")
@treasury_api.arguments(schemas.ApprovalPolicyIn)
@treasury_api.response(200, schemas.ApprovalPolicyOut)
def put_approval_policy(data, code):
    unit = get_unit(code)
    permissions.require(g.user, "setup", unit)
    policy = disbursements.set_approval_policy(unit, data, by=g.user)
    db.session.commit()
    return {"unit": unit.code, "threshold": data.get("threshold"), "chair": data.get("chair") if policy else None}


@treasury_api.post("/units/<code>/remittances")
@money_post
@treasury_api.arguments(schemas.RemittanceIn)
@treasury_api.response(201, schemas.RemittanceOut)
def post_remittance(data, code):
    unit = get_unit(code)
    permissions.require(g.user, "post", unit)
    return remittances.record_remittance(unit, data, by=g.user)


@treasury_api.get("/units/<code>/remittances")
@treasury_api.arguments(schemas.PageQuery, location="query")
@treasury_api.response(200, schemas.RemittanceList)
def list_remittances(query, code):
    unit = get_unit(code)
    permissions.require(g.user, "read", unit)
    return page(*remittances.list_remittances(unit, limit=query["limit"], offset=query["offset"]))


@treasury_api.post("/units/<code>/merge")
@money_post
@treasury_api.arguments(schemas.MergeIn)
@treasury_api.response(200, schemas.MergeOut)
def merge_unit(data, code):
    unit, into = get_unit(code), referenced(get_unit, data["into"], "into")
    permissions.require(g.user, "manage", unit)
    permissions.require(g.user, "manage", into)
    return merge.merge_unit(unit, into, data["on"], by=g.user)


@treasury_api.get("/units/<code>/donors")
@treasury_api.arguments(schemas.DonorQuery, location="query")
@treasury_api.response(200, schemas.DonorList)
def list_donors(query, code):
    unit = get_unit(code)
    permissions.require(g.user, "read", unit)
    return page(*donors.list_donors(unit, query=query.get("q"), limit=query["limit"], offset=query["offset"]))


@treasury_api.get("/donors/<donor_id>")
@treasury_api.response(200, schemas.DonorDetailOut)
def get_donor(donor_id):
    """A donor of a unit the caller may read (any other id is 404, as if it did not exist)."""
    within = donors.readable_units(g.user)
    return donors.DonorDetail(donors.get_donor(donor_id, within=within), within=within)

"""API of the cash and bank books, bank reconciliation, fund payment details (VietQR) and Excel imports."""
from flask import g, request
from flask_smorest import Blueprint

from ledger.accounts.banking import schemas
from ledger.accounts.banking.services import bank_accounts, cashbook, excel_import, reconciliation
from ledger.accounts.forms import parse_date
from ledger.accounts.idempotency import money_post
from ledger.accounts.services import get_fund
from ledger.accounts.treasury.schemas import ReceiptOut
from ledger.accounts.treasury.services.receipts import get_receipt
from ledger.core import permissions
from ledger.core.schemas import page
from ledger.extensions import db
from ledger.units.services import get_unit

MULTIPART = "multipart/form-data"
bank_api = Blueprint("bank_api", __name__, url_prefix="/api/v1", description="Sổ quỹ, ngân hàng, đối chiếu, nhập Excel")


@bank_api.get("/units/<code>/books/<kind>")
@bank_api.arguments(schemas.BookQuery, location="query")
@bank_api.response(200, schemas.BookOut)
def book(query, code, kind):
    """Sổ quỹ tiền mặt (`cash`, 111) or sổ tiền gửi ngân hàng (`bank`, 112) for a period."""
    unit = get_unit(code)
    permissions.require(g.user, "read", unit)
    return cashbook.build_book(unit, kind, fund=cashbook.book_fund(unit, query["fund"]),
                               start=query["from_"], end=query["to"])


@bank_api.get("/units/<code>/bank-accounts")
@bank_api.response(200, schemas.BankAccountList)
def list_bank_accounts(code):
    unit = get_unit(code)
    permissions.require(g.user, "read", unit)
    accounts = bank_accounts.list_bank_accounts(unit)
    return page(accounts, len(accounts))


@bank_api.post("/units/<code>/bank-accounts")
@bank_api.arguments(schemas.BankAccountIn)
@bank_api.response(201, schemas.BankAccountOut)
def create_bank_account(data, code):
    unit = get_unit(code)
    permissions.require(g.user, "setup", unit)
    account = bank_accounts.create_bank_account(unit, data, by=g.user)
    db.session.commit()
    return account


@bank_api.put("/bank-accounts/<account_id>/mapping")
@bank_api.arguments(schemas.ColumnMapping)
@bank_api.response(200, schemas.BankAccountOut)
def save_mapping(data, account_id):
    account = bank_accounts.get_bank_account(account_id)
    permissions.require(g.user, "setup", account.unit)
    bank_accounts.save_mapping(account, data, by=g.user)
    db.session.commit()
    return account


@bank_api.post("/bank-accounts/<account_id>/statements")
@bank_api.arguments(schemas.StatementUpload, location="files", content_type=MULTIPART)
@bank_api.response(201, schemas.StatementOut)
def import_statement(files, account_id):
    """Upload a statement (CSV or XLSX); new credits are matched to receipts at once."""
    account = bank_accounts.get_bank_account(account_id)
    permissions.require(g.user, "post", account.unit)
    upload = files["file"]
    # The header names travel as text parts of the same multipart body.
    mapping = {name: request.form[name].strip() for name in bank_accounts.STATEMENT_FIELDS
               if request.form.get(name, "").strip()} or None
    statement = bank_accounts.import_statement(account, upload.read(), upload.filename or "", mapping=mapping,
                                               by=g.user)
    summary = reconciliation.match_account(account, by=g.user)
    db.session.commit()
    return {**schemas.StatementOut().dump(statement), **vars(summary)}


@bank_api.get("/bank-accounts/<account_id>/lines")
@bank_api.arguments(schemas.LineQuery, location="query")
@bank_api.response(200, schemas.StatementLineList)
def list_lines(query, account_id):
    account = bank_accounts.get_bank_account(account_id)
    permissions.require(g.user, "read", account.unit)
    items, total = reconciliation.list_lines(account, status=query["status"], limit=query["limit"],
                                             offset=query["offset"])
    return page(items, total)


def postable_line(line_id):
    line = reconciliation.get_line(line_id)
    permissions.require(g.user, "post", line.bank_account.unit)
    return line


def decided(line_id, decide):
    line = postable_line(line_id)
    decide(line, by=g.user)
    db.session.commit()
    return line


@bank_api.post("/bank-lines/<line_id>/confirm")
@bank_api.response(200, schemas.StatementLineOut)
def confirm_line(line_id):
    """Accept the suggested receipt: the line is reconciled."""
    return decided(line_id, reconciliation.confirm_match)


@bank_api.post("/bank-lines/<line_id>/reject")
@bank_api.response(200, schemas.StatementLineOut)
def reject_line(line_id):
    """Drop the suggestion (or undo a match): the line is open again."""
    return decided(line_id, reconciliation.reject_match)


@bank_api.post("/bank-lines/<line_id>/match")
@bank_api.arguments(schemas.ManualMatchIn)
@bank_api.response(200, schemas.StatementLineOut)
def match_line(data, line_id):
    line = postable_line(line_id)
    reconciliation.match_manually(line, get_receipt(data["receipt_id"]), by=g.user)
    db.session.commit()
    return line


@bank_api.post("/bank-lines/<line_id>/receipt")
@money_post
@bank_api.arguments(schemas.LineReceiptIn)
@bank_api.response(201, ReceiptOut)
def receipt_from_line(data, line_id):
    """Turn an unmatched credit into a bank receipt (phiếu thu) in one step; it is matched at once."""
    return reconciliation.receipt_from_line(postable_line(line_id), data, by=g.user)


@bank_api.put("/funds/<code>/payment-details")
@bank_api.arguments(schemas.PaymentDetailsIn)
@bank_api.response(200, schemas.VietQROut)
def set_payment_details(data, code):
    fund = get_fund(code)
    permissions.require(g.user, "setup", fund.owner_unit)
    bank_accounts.set_fund_payment_details(fund, data, by=g.user)
    db.session.commit()
    return fund_qr(fund)


@bank_api.get("/funds/<code>/vietqr")
@bank_api.response(200, schemas.VietQROut)
def get_vietqr(code):
    """The VietQR payload donors scan: the fund's bank account and its memo code."""
    fund = get_fund(code)
    permissions.require(g.user, "read", fund.owner_unit)
    return fund_qr(fund)


def fund_qr(fund) -> dict:
    return {"fund": fund.code, **bank_accounts.payment_details(fund), "payload": bank_accounts.fund_payload(fund)}


@bank_api.post("/units/<code>/imports/opening-balances")
@bank_api.arguments(schemas.OpeningUpload, location="files", content_type=MULTIPART)
@bank_api.response(201, schemas.ImportOut)
def import_opening_balances(files, code):
    """XLSX/CSV with Quỹ, Tài khoản, Số dư (and optionally Đơn vị, Đơn vị đối ứng): one BT per unit."""
    unit = get_unit(code)
    permissions.require(g.user, "post", unit)
    on = parse_date(request.form.get("date"), "date")
    upload = files["file"]
    result = excel_import.import_opening_balances(unit, upload.read(), upload.filename or "", on=on, by=g.user)
    db.session.commit()
    return result


@bank_api.post("/units/<code>/imports/donors")
@bank_api.arguments(schemas.ImportFile, location="files", content_type=MULTIPART)
@bank_api.response(201, schemas.ImportOut)
def import_donors(files, code):
    """XLSX/CSV with Họ tên (and optionally Loại, Điện thoại, Địa chỉ, Công khai)."""
    unit = get_unit(code)
    permissions.require(g.user, "setup", unit)
    upload = files["file"]
    result = excel_import.import_donors(unit, upload.read(), upload.filename or "", by=g.user)
    db.session.commit()
    return result

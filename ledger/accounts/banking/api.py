"""API of the cash and bank books, bank reconciliation, fund payment details (VietQR) and Excel imports."""
from flask import g, request

from ledger.accounts.banking import schemas
from ledger.accounts.banking.services import bank_accounts, cashbook, excel_import, reconciliation
from ledger.accounts.forms import parse_date
from ledger.accounts.idempotency import money_post
from ledger.accounts.services import get_fund
from ledger.accounts.treasury.schemas import ReceiptOut
from ledger.accounts.treasury.services.receipts import get_receipt
from ledger.core.edge import unit_of_work
from ledger.core.endpoints import Blueprint
from ledger.core.schemas import page
from ledger.units.access import permitted, unit_for

MULTIPART = "multipart/form-data"
bank_api = Blueprint("bank_api", __name__, url_prefix="/api/v1", description="Sổ quỹ, ngân hàng, đối chiếu, nhập Excel")


@bank_api.read("/units/<code>/books/<kind>", schemas.BookOut, query=schemas.BookQuery)
def book(query, code, kind):
    """Sổ quỹ tiền mặt (`cash`, 111) or sổ tiền gửi ngân hàng (`bank`, 112) for a period."""
    unit = unit_for(code, "read")
    return cashbook.build_book(unit, kind, fund=cashbook.book_fund(unit, query["fund"]),
                               start=query["from_"], end=query["to"])


@bank_api.read("/units/<code>/bank-accounts", schemas.BankAccountList)
def list_bank_accounts(code):
    accounts = bank_accounts.list_bank_accounts(unit_for(code, "read"))
    return page(accounts, len(accounts))


@bank_api.write("/units/<code>/bank-accounts", schemas.BankAccountOut, body=schemas.BankAccountIn)
def create_bank_account(data, code):
    return bank_accounts.create_bank_account(unit_for(code, "setup"), data, by=g.user)


@bank_api.write("/bank-accounts/<account_id>/mapping", schemas.BankAccountOut, body=schemas.ColumnMapping,
                status=200, method="PUT")
def save_mapping(data, account_id):
    return bank_accounts.save_mapping(permitted(bank_accounts.get_bank_account(account_id), "setup"), data, by=g.user)


@bank_api.post("/bank-accounts/<account_id>/statements")
@unit_of_work
@bank_api.arguments(schemas.StatementUpload, location="files", content_type=MULTIPART)
@bank_api.response(201, schemas.StatementOut)
def import_statement(files, account_id):
    """Upload a statement (CSV or XLSX); new credits are matched to receipts at once."""
    account, upload = permitted(bank_accounts.get_bank_account(account_id), "post"), files["file"]
    # The header names travel as text parts of the same multipart body.
    statement, summary = reconciliation.read_statement(account, upload.read(), upload.filename or "",
                                                       mapping=bank_accounts.typed_mapping(request.form), by=g.user)
    return {**schemas.StatementOut().dump(statement), **vars(summary)}


@bank_api.read("/bank-accounts/<account_id>/lines", schemas.StatementLineList, query=schemas.LineQuery)
def list_lines(query, account_id):
    items, total = reconciliation.list_lines(permitted(bank_accounts.get_bank_account(account_id), "read"),
                                             status=query["status"], limit=query["limit"], offset=query["offset"])
    return page(items, total)


def postable_line(line_id):
    line = reconciliation.get_line(line_id)
    return permitted(line, "post", line.bank_account.unit)


def decided(line_id, decide):
    line = postable_line(line_id)
    decide(line, by=g.user)
    return line


@bank_api.write("/bank-lines/<line_id>/confirm", schemas.StatementLineOut, status=200)
def confirm_line(line_id):
    """Accept the suggested receipt: the line is reconciled."""
    return decided(line_id, reconciliation.confirm_match)


@bank_api.write("/bank-lines/<line_id>/reject", schemas.StatementLineOut, status=200)
def reject_line(line_id):
    """Drop the suggestion (or undo a match): the line is open again."""
    return decided(line_id, reconciliation.reject_match)


@bank_api.write("/bank-lines/<line_id>/match", schemas.StatementLineOut, body=schemas.ManualMatchIn, status=200)
def match_line(data, line_id):
    line = postable_line(line_id)
    reconciliation.match_manually(line, get_receipt(data["receipt_id"]), by=g.user)
    return line


@bank_api.write("/bank-lines/<line_id>/receipt", ReceiptOut, body=schemas.LineReceiptIn, edge=money_post)
def receipt_from_line(data, line_id):
    """Turn an unmatched credit into a bank receipt (phiếu thu) in one step; it is matched at once."""
    return reconciliation.receipt_from_line(postable_line(line_id), data, by=g.user)


@bank_api.write("/funds/<code>/payment-details", schemas.VietQROut, body=schemas.PaymentDetailsIn,
                status=200, method="PUT")
def set_payment_details(data, code):
    fund = get_fund(code)
    permitted(fund, "setup", fund.owner_unit)
    return fund_qr(bank_accounts.set_fund_payment_details(fund, data, by=g.user))


@bank_api.read("/funds/<code>/vietqr", schemas.VietQROut)
def get_vietqr(code):
    """The VietQR payload donors scan: the fund's bank account and its memo code."""
    fund = get_fund(code)
    return fund_qr(permitted(fund, "read", fund.owner_unit))


def fund_qr(fund) -> dict:
    return {"fund": fund.code, **bank_accounts.payment_details(fund), "payload": bank_accounts.fund_payload(fund)}


@bank_api.post("/units/<code>/imports/opening-balances")
@unit_of_work
@bank_api.arguments(schemas.OpeningUpload, location="files", content_type=MULTIPART)
@bank_api.response(201, schemas.ImportOut)
def import_opening_balances(files, code):
    """XLSX/CSV with Quỹ, Tài khoản, Số dư (and optionally Đơn vị, Đơn vị đối ứng): one BT per unit."""
    unit, on = unit_for(code, "post"), parse_date(request.form.get("date"), "date")
    upload = files["file"]
    return excel_import.import_opening_balances(unit, upload.read(), upload.filename or "", on=on, by=g.user)


@bank_api.post("/units/<code>/imports/donors")
@unit_of_work
@bank_api.arguments(schemas.ImportFile, location="files", content_type=MULTIPART)
@bank_api.response(201, schemas.ImportOut)
def import_donors(files, code):
    """XLSX/CSV with Họ tên (and optionally Loại, Điện thoại, Địa chỉ, Công khai)."""
    upload = files["file"]
    return excel_import.import_donors(unit_for(code, "setup"), upload.read(), upload.filename or "", by=g.user)

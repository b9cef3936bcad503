"""Pages: the cash and bank books (page, PDF, XLSX, CSV), bank accounts and reconciliation, Excel imports,
the fund page with its VietQR, and the unit page's section linking them.
Thin: parse, check permission, call the service, render; the unit of work commits.
"""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup

from ledger.accounts import balances, queries, services
from ledger.accounts.banking import import_templates, schemas, vietqr
from ledger.accounts.banking.services import bank_accounts, cashbook, excel_import, reconciliation
from ledger.accounts.forms import load_form, optional_date, parse_date
from ledger.accounts.idempotency import form_post, form_token
from ledger.accounts.treasury.models import DONOR_KINDS
from ledger.auth.routes import login_required
from ledger.core import export, permissions
from ledger.core.dates import vn_today
from ledger.core.edge import refusable, unit_of_work
from ledger.core.errors import LedgerError, ValidationFailed
from ledger.core.i18n import _, _l
from ledger.core.pdf import pdf_response, render_pdf
from ledger.units.access import permitted, unit_for

bank_pages = Blueprint("bank", __name__, template_folder="templates")
LINES_SHOWN = 200
RECENT_ENTRIES = 20  # movements listed on the fund page
KIND_LABELS = {"individual": _l("Cá nhân"), "family": _l("Gia đình"), "clan": _l("Dòng họ"),
               "business": _l("Doanh nghiệp"), "organization": _l("Tổ chức, cơ quan"), "anonymous": _l("Ẩn danh")}


def uploaded_file():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationFailed(_("Chọn tệp Excel (.xlsx) hoặc CSV để tải lên."), field="file")
    return upload.read(), upload.filename


def books_panel(unit, user) -> Markup:
    """The unit page's section: both books, bank reconciliation and Excel imports."""
    own_funds = [fund for fund in services.funds_usable_in(unit) if fund.owner_unit_id == unit.id]
    return Markup(render_template("banking/panel.html", unit=unit, own_funds=own_funds,
                                  allowed=lambda action: permissions.allowed(user, action, unit)))


# ---- the cash and bank books ---------------------------------------------------------------------

@bank_pages.get("/units/<code>/books/<kind>")
@login_required
def book_page(code, kind):
    unit = unit_for(code, "read")
    return refusable(lambda: book_answer(unit, requested_book(unit, kind), request.args.get("format", "")),
                     lambda exc: default_book(unit, kind, exc))


def default_book(unit, kind: str, exc: LedgerError):
    """A wrong period or fund: back to the book's default view, with the reason."""
    flash(exc.detail)
    return redirect(url_for("bank.book_page", code=unit.code, kind=kind if kind in cashbook.BOOKS else "cash"))


def requested_book(unit, kind: str) -> cashbook.Book:
    args = request.args
    start, end = optional_date(args.get("from"), "from"), optional_date(args.get("to"), "to")
    return cashbook.build_book(unit, kind, fund=cashbook.book_fund(unit, args.get("fund")), start=start, end=end)


def book_answer(unit, book: cashbook.Book, fmt: str):
    """The book as a page, a PDF to print (A4) or a CSV/XLSX download."""
    if fmt == "pdf":
        return pdf_response(render_pdf("banking/book_print.html", book=book), f"{cashbook.book_filename(book)}.pdf")
    if fmt in export.FORMATS:
        headers, rows = cashbook.book_table(book)
        return export.table_response(fmt, rows, headers, cashbook.book_filename(book), sheet_title=book.title,
                                     title_lines=cashbook.book_title_lines(book), widths=[12, 16, 16, 50, 16, 16, 18])
    query = {"fund": book.fund.code if book.fund else None, "from": book.start.isoformat(), "to": book.end.isoformat()}
    return render_template("banking/book.html", unit=unit, book=book, funds=services.funds_usable_in(unit), query=query)


# ---- bank accounts and reconciliation ------------------------------------------------------------

@bank_pages.get("/units/<code>/bank")
@login_required
def bank_accounts_page(code, typed: dict | None = None, error: str | None = None):
    unit = unit_for(code, "read")
    return render_template("banking/accounts.html", unit=unit, accounts=bank_accounts.list_bank_accounts(unit),
                           funds=services.funds_usable_in(unit), typed=typed or {}, error=error), 422 if error else 200


@bank_pages.post("/units/<code>/bank")
@login_required
@unit_of_work
def add_bank_account(code):
    unit, typed = unit_for(code, "read"), schemas.bank_account_form_data(request.form)
    permissions.require(g.user, "setup", unit)
    return refusable(lambda: create_bank_account(unit, typed), lambda exc: bank_accounts_page(code, typed, exc.detail))


def create_bank_account(unit, typed: dict):
    account = bank_accounts.create_bank_account(unit, load_form(schemas.BankAccountIn, typed), by=g.user)
    flash(_("Đã thêm tài khoản %(number)s.", number=account.account_number))
    return redirect(url_for("bank.reconcile_page", account_id=account.id), 303)


@bank_pages.get("/bank-accounts/<int:account_id>")
@login_required
def reconcile_page(account_id, error: LedgerError | None = None):
    account = permitted(bank_accounts.get_bank_account(account_id), "read")
    fmt = export.requested_format()
    if fmt:
        lines, _total = reconciliation.list_lines(account, status=request.args.get("status") or None, limit=10**6)
        return export.table_response(fmt, line_rows(lines), line_headers(), f"sao-ke_{account.account_number}")
    lines = {status: reconciliation.list_lines(account, status=status, limit=LINES_SHOWN)[0]
             for status in ("suggested", "unmatched", "matched")}
    return render_template(
        "banking/reconcile.html", account=account, unit=account.unit, lines=lines,
        counts=reconciliation.line_counts(account), receipts=reconciliation.unmatched_receipts(account),
        mapping=account.column_mapping or {}, labels=bank_accounts.FIELD_LABELS,
        funds=services.funds_usable_in(account.unit), kinds=DONOR_KINDS, kind_labels=KIND_LABELS, new_key=form_token,
        error=error, shown=LINES_SHOWN), error.status if error else 200


def line_headers():
    return [_("Ngày"), _("Nội dung"), _("Ghi có"), _("Ghi nợ"), _("Số tham chiếu"), _("Trạng thái"), _("Phiếu thu")]


def line_rows(lines):
    names = {"unmatched": _("Chưa khớp"), "suggested": _("Gợi ý chờ xác nhận"), "matched": _("Đã khớp")}
    for line in lines:
        yield [line.dated_on, line.description, line.credit or None, line.debit or None, line.reference,
               names[line.status], line.match.receipt.number if line.match else ""]


@bank_pages.post("/bank-accounts/<int:account_id>/statements")
@login_required
@unit_of_work
def upload_statement(account_id):
    account = permitted(bank_accounts.get_bank_account(account_id), "post")
    return refusable(lambda: read_statement(account), reconcile_again(account_id))  # with the rows not read


def reconcile_again(account_id):
    """refusable's answer on the reconciliation page: the page again, with the problem."""
    return lambda exc: reconcile_page(account_id, error=exc)


def read_statement(account):
    statement, summary = reconciliation.read_statement(
        account, *uploaded_file(), mapping=bank_accounts.typed_mapping(request.form), by=g.user)
    flash(statement_read(statement, summary))
    return redirect(url_for("bank.reconcile_page", account_id=account.id), 303)


def statement_read(statement, summary) -> str:
    return _("Đã đọc %(rows)s dòng, thêm %(added)s dòng mới (bỏ %(skipped)s dòng đã nhập trước). Tự khớp %(matched)s, "
             "gợi ý %(suggested)s, chưa khớp %(unmatched)s.", rows=statement.rows_read, added=statement.lines_added,
             skipped=statement.rows_read - statement.lines_added, matched=summary.matched, suggested=summary.suggested,
             unmatched=summary.unmatched)


@bank_pages.post("/bank-accounts/<int:account_id>/mapping")
@login_required
@unit_of_work
def save_mapping(account_id):
    account = permitted(bank_accounts.get_bank_account(account_id), "setup")
    return refusable(lambda: save_mapping_of(account), reconcile_again(account_id))


def save_mapping_of(account):
    typed = {name: request.form.get(name, "") for name in bank_accounts.STATEMENT_FIELDS}
    bank_accounts.save_mapping(account, typed, by=g.user)
    flash(_("Đã lưu cách đọc cột sao kê cho tài khoản này."))
    return redirect(url_for("bank.reconcile_page", account_id=account.id), 303)


@bank_pages.post("/bank-lines/<int:line_id>/<any(confirm, reject):action>")
@login_required
@unit_of_work
def decide_line(line_id, action):
    line = reconciliation.get_line(line_id)
    permitted(line, "post", line.bank_account.unit)
    decide = reconciliation.confirm_match if action == "confirm" else reconciliation.reject_match
    # a line decided meanwhile (409) is said on the page it came from; the service changed nothing
    refusable(lambda: decide(line, by=g.user), lambda exc: flash(exc.detail))
    return redirect(url_for("bank.reconcile_page", account_id=line.bank_account_id) + f"#line-{line.id}", 303)


@bank_pages.post("/bank-lines/<int:line_id>/receipt")
@login_required
@form_post
def line_receipt(line_id):
    line = reconciliation.get_line(line_id)
    permitted(line, "post", line.bank_account.unit)
    return refusable(lambda: receipt_from_line(line), reconcile_again(line.bank_account_id))


def receipt_from_line(line):
    data = load_form(schemas.LineReceiptIn, schemas.line_receipt_form_data(request.form))
    receipt = reconciliation.receipt_from_line(line, data, by=g.user)
    flash(_("Đã lập phiếu thu %(number)s từ dòng sao kê và đánh dấu đã khớp.", number=receipt.number))
    return redirect(url_for("bank.reconcile_page", account_id=line.bank_account_id), 303)


# ---- Excel imports -------------------------------------------------------------------------------

@bank_pages.get("/units/<code>/imports")
@login_required
def imports_page(code, error: LedgerError | None = None):
    unit = unit_for(code, "post")
    return render_template("banking/imports.html", unit=unit, error=error, key=form_token(),
                           today=vn_today().isoformat()), error.status if error else 200


@bank_pages.get("/units/<code>/imports/templates/<kind>.xlsx")
@login_required
def import_template(code, kind):
    """The empty list for one import kind; it holds no data, so reading the unit is enough."""
    unit_for(code, "read")
    parts = import_templates.template_parts(kind)
    return export.xlsx_response(parts.pop("rows"), parts.pop("headers"), parts.pop("filename"), **parts)


@bank_pages.post("/units/<code>/imports/opening-balances")
@login_required
@form_post
def import_opening_balances(code):
    return imported(code, "post", import_opening_balances_of)


def imported(code: str, action: str, import_into):
    """import_into(unit) once the user may `action` in it; a refusal shows the imports page again."""
    unit = unit_for(code, action)
    return refusable(lambda: import_into(unit), lambda exc: imports_page(code, error=exc))


def import_opening_balances_of(unit):
    data, filename = uploaded_file()
    result = excel_import.import_opening_balances(unit, data, filename, by=g.user,
                                                  on=parse_date(request.form.get("date"), "date"))
    flash(_("Đã nhập %(rows)s dòng số dư đầu kỳ cho %(units)s đơn vị: %(numbers)s.", rows=result.rows,
            units=result.created, numbers=", ".join(result.entries)))
    return redirect(url_for("bank.imports_page", code=unit.code), 303)


@bank_pages.post("/units/<code>/imports/donors")
@login_required
@unit_of_work
def import_donors(code):
    return imported(code, "setup", import_donors_of)


def import_donors_of(unit):
    result = excel_import.import_donors(unit, *uploaded_file(), by=g.user)
    flash(_("Đã đọc %(rows)s dòng: thêm %(created)s nhà hảo tâm mới, %(existing)s người đã có nên không tạo trùng.",
            rows=result.rows, created=result.created, existing=result.existing))
    return redirect(url_for("bank.imports_page", code=unit.code), 303)


# ---- the fund page -------------------------------------------------------------------------------

@bank_pages.get("/funds/<code>")
@login_required
def fund_page(code, typed: dict | None = None, error: LedgerError | None = None):
    fund = services.get_fund(code)
    permitted(fund, "read", fund.owner_unit)
    return render_fund(fund, typed, error), error.status if error else 200


def render_fund(fund, typed: dict | None, error: LedgerError | None) -> str:
    """Balance, committed and available money, recent movements, and the VietQR code donors scan."""
    unit, payload = fund.owner_unit, bank_accounts.fund_payload(fund)
    entries, total = services.list_entries(unit, fund=fund.code, limit=RECENT_ENTRIES)
    return render_template(
        "banking/fund.html", fund=fund, unit=unit, position=balances.fund_position(fund), entries=entries,
        total=total, moved=queries.fund_movements(fund, entries), payload=payload,
        qr=Markup(vietqr.svg(payload)) if payload else None, can_setup=permissions.allowed(g.user, "setup", unit),
        error=error, typed=typed if typed is not None else bank_accounts.payment_details(fund))


@bank_pages.post("/funds/<code>/payment-details")
@login_required
@unit_of_work
def fund_payment_details(code):
    fund, typed = services.get_fund(code), schemas.payment_details_form_data(request.form)
    permitted(fund, "setup", fund.owner_unit)
    return refusable(lambda: set_payment_details(fund, typed), lambda exc: fund_page(code, typed, exc))


def set_payment_details(fund, typed: dict):
    bank_accounts.set_fund_payment_details(fund, load_form(schemas.PaymentDetailsIn, typed), by=g.user)
    flash(_("Đã lưu tài khoản nhận tiền và mã chuyển khoản của quỹ."))
    return redirect(url_for("bank.fund_page", code=fund.code), 303)

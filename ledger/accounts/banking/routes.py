"""Pages: the cash and bank books (page, PDF, XLSX, CSV), bank accounts and reconciliation, and the
unit page's section linking them. Thin: parse, check permission, call the service, commit, render.
"""
from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup
from marshmallow import ValidationError

from ledger.accounts.banking.schemas import BankAccountIn, LineReceiptIn
from ledger.accounts.banking.services import bank_accounts, cashbook, excel_import, reconciliation
from ledger.accounts.forms import first_message, optional_date, parse_date
from ledger.accounts.idempotency import form_post, form_token
from ledger.accounts.services import funds_usable_in
from ledger.accounts.treasury.models import DONOR_KINDS
from ledger.auth.routes import login_required
from ledger.core import export, permissions
from ledger.core.dates import vn_today
from ledger.core.errors import LedgerError, ValidationFailed
from ledger.core.i18n import _, _l
from ledger.core.pdf import render_pdf
from ledger.core.schemas import Schema
from ledger.core.web import translate_messages
from ledger.extensions import db
from ledger.units.services import get_unit

bank_pages = Blueprint("bank", __name__, template_folder="templates")
LINES_SHOWN = 200
KIND_LABELS = {"individual": _l("Cá nhân"), "family": _l("Gia đình"), "clan": _l("Dòng họ"),
               "business": _l("Doanh nghiệp"), "organization": _l("Tổ chức, cơ quan"), "anonymous": _l("Ẩn danh")}


def unit_for(code: str, action: str):
    unit = get_unit(code)
    permissions.require(g.user, action, unit)
    return unit


def account_for(account_id, action: str):
    account = bank_accounts.get_bank_account(account_id)
    permissions.require(g.user, action, account.unit)
    return account


def load_form(schema: type[Schema], form: dict) -> dict:
    """The API's schema validates the form too; its first message becomes a LedgerError."""
    try:
        return schema().load(form)
    except ValidationError as exc:
        messages = translate_messages(exc.messages)
        raise ValidationFailed(first_message(messages), errors=messages) from None


def uploaded_file():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationFailed(_("Chọn tệp Excel (.xlsx) hoặc CSV để tải lên."), field="file")
    return upload.read(), upload.filename


def books_panel(unit, user) -> Markup:
    """The unit page's section: both books, bank reconciliation and Excel imports."""
    own_funds = [fund for fund in funds_usable_in(unit) if fund.owner_unit_id == unit.id]
    return Markup(render_template("banking/panel.html", unit=unit, own_funds=own_funds,
                                  allowed=lambda action: permissions.allowed(user, action, unit)))


@bank_pages.get("/units/<code>/books/<kind>")
@login_required
def book_page(code, kind):
    unit = unit_for(code, "read")
    args = request.args
    try:
        start, end = optional_date(args.get("from"), "from"), optional_date(args.get("to"), "to")
        book = cashbook.build_book(unit, kind, fund=cashbook.book_fund(unit, args.get("fund")), start=start, end=end)
    except LedgerError as exc:
        flash(exc.detail)
        return redirect(url_for("bank.book_page", code=unit.code, kind=kind if kind in cashbook.BOOKS else "cash"))
    fmt = args.get("format", "")
    if fmt == "pdf":
        pdf = render_pdf("banking/book_print.html", book=book)
        return Response(pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{cashbook.book_filename(book)}.pdf"'})
    if fmt in export.FORMATS:
        headers, rows = cashbook.book_table(book)
        return export.table_response(fmt, rows, headers, cashbook.book_filename(book), sheet_title=book.title,
                                     title_lines=cashbook.book_title_lines(book), widths=[12, 16, 16, 50, 16, 16, 18])
    query = {"fund": book.fund.code if book.fund else None, "from": book.start.isoformat(), "to": book.end.isoformat()}
    return render_template("banking/book.html", unit=unit, book=book, funds=funds_usable_in(unit), query=query)


@bank_pages.route("/units/<code>/bank", methods=["GET", "POST"])
@login_required
def bank_accounts_page(code):
    unit = unit_for(code, "read")
    error, typed = None, {}
    if request.method == "POST":
        permissions.require(g.user, "setup", unit)
        typed = {k: v.strip() for k, v in request.form.items() if k != "csrf_token" and v.strip()}
        try:
            account = bank_accounts.create_bank_account(unit, load_form(BankAccountIn, typed), by=g.user)
            db.session.commit()
        except LedgerError as exc:
            db.session.rollback()
            error = exc.detail
        else:
            flash(_("Đã thêm tài khoản %(number)s.", number=account.account_number))
            return redirect(url_for("bank.reconcile_page", account_id=account.id), 303)
    return render_template("banking/accounts.html", unit=unit, accounts=bank_accounts.list_bank_accounts(unit),
                           funds=funds_usable_in(unit), typed=typed, error=error), 422 if error else 200


@bank_pages.get("/bank-accounts/<int:account_id>")
@login_required
def reconcile_page(account_id, error=None, status=200):
    account = account_for(account_id, "read")
    fmt = export.requested_format()
    if fmt:
        lines, _total = reconciliation.list_lines(account, status=request.args.get("status") or None, limit=10**6)
        return export.table_response(fmt, line_rows(lines), line_headers(), f"sao-ke_{account.account_number}")
    lines = {status: reconciliation.list_lines(account, status=status, limit=LINES_SHOWN)[0]
             for status in ("suggested", "unmatched", "matched")}
    return render_template(
        "banking/reconcile.html", account=account, unit=account.unit, lines=lines,
        counts=reconciliation.line_counts(account), receipts=reconciliation.unmatched_receipts(account),
        mapping=account.column_mapping or {}, labels=bank_accounts.FIELD_LABELS, funds=funds_usable_in(account.unit),
        kinds=DONOR_KINDS, kind_labels=KIND_LABELS, new_key=form_token, error=error, shown=LINES_SHOWN), status


def line_headers():
    return [_("Ngày"), _("Nội dung"), _("Ghi có"), _("Ghi nợ"), _("Số tham chiếu"), _("Trạng thái"), _("Phiếu thu")]


def line_rows(lines):
    names = {"unmatched": _("Chưa khớp"), "suggested": _("Gợi ý chờ xác nhận"), "matched": _("Đã khớp")}
    for line in lines:
        yield [line.dated_on, line.description, line.credit or None, line.debit or None, line.reference,
               names[line.status], line.match.receipt.number if line.match else ""]


@bank_pages.post("/bank-accounts/<int:account_id>/statements")
@login_required
def upload_statement(account_id):
    account = account_for(account_id, "post")
    mapping = {name: request.form.get(name, "").strip() for name in bank_accounts.STATEMENT_FIELDS}
    try:
        data, filename = uploaded_file()
        statement = bank_accounts.import_statement(account, data, filename,
                                                   mapping=mapping if any(mapping.values()) else None, by=g.user)
        summary = reconciliation.match_account(account, by=g.user)
        db.session.commit()
    except LedgerError as exc:
        db.session.rollback()
        return reconcile_page(account_id, error=exc, status=exc.status)
    flash(_("Đã đọc %(rows)s dòng, thêm %(added)s dòng mới (bỏ %(skipped)s dòng đã nhập trước). Tự khớp %(matched)s, "
            "gợi ý %(suggested)s, chưa khớp %(unmatched)s.", rows=statement.rows_read, added=statement.lines_added,
            skipped=statement.rows_read - statement.lines_added, matched=summary.matched,
            suggested=summary.suggested, unmatched=summary.unmatched))
    return redirect(url_for("bank.reconcile_page", account_id=account.id), 303)


@bank_pages.post("/bank-accounts/<int:account_id>/mapping")
@login_required
def save_mapping(account_id):
    account = account_for(account_id, "setup")
    try:
        typed = {name: request.form.get(name, "") for name in bank_accounts.STATEMENT_FIELDS}
        bank_accounts.save_mapping(account, typed, by=g.user)
        db.session.commit()
    except LedgerError as exc:
        db.session.rollback()
        return reconcile_page(account_id, error=exc, status=exc.status)
    flash(_("Đã lưu cách đọc cột sao kê cho tài khoản này."))
    return redirect(url_for("bank.reconcile_page", account_id=account.id), 303)


@bank_pages.post("/bank-lines/<int:line_id>/<any(confirm, reject):action>")
@login_required
def decide_line(line_id, action):
    line = reconciliation.get_line(line_id)
    permissions.require(g.user, "post", line.bank_account.unit)
    try:
        (reconciliation.confirm_match if action == "confirm" else reconciliation.reject_match)(line, by=g.user)
        db.session.commit()
    except LedgerError as exc:
        db.session.rollback()
        flash(exc.detail)
    return redirect(url_for("bank.reconcile_page", account_id=line.bank_account_id) + f"#line-{line.id}", 303)


@bank_pages.post("/bank-lines/<int:line_id>/receipt")
@login_required
@form_post
def line_receipt(line_id):
    line = reconciliation.get_line(line_id)
    permissions.require(g.user, "post", line.bank_account.unit)
    donor = {k: request.form.get(f"donor_{k}", "").strip() for k in ("name", "kind", "phone", "publish")}
    typed = {"donor": {k: v for k, v in donor.items() if v}, "fund": request.form.get("fund") or None,
             "category": request.form.get("category") or "donation"}
    try:
        receipt = reconciliation.receipt_from_line(line, load_form(LineReceiptIn, typed), by=g.user)
    except LedgerError as exc:
        db.session.rollback()
        return reconcile_page(line.bank_account_id, error=exc, status=exc.status)
    flash(_("Đã lập phiếu thu %(number)s từ dòng sao kê và đánh dấu đã khớp.", number=receipt.number))
    return redirect(url_for("bank.reconcile_page", account_id=line.bank_account_id), 303)


@bank_pages.get("/units/<code>/imports")
@login_required
def imports_page(code, error=None, status=200):
    unit = unit_for(code, "post")
    return render_template("banking/imports.html", unit=unit, error=error, key=form_token(),
                           today=vn_today().isoformat()), status


@bank_pages.post("/units/<code>/imports/opening-balances")
@login_required
@form_post
def import_opening_balances(code):
    unit = unit_for(code, "post")
    try:
        data, filename = uploaded_file()
        result = excel_import.import_opening_balances(unit, data, filename, by=g.user,
                                                      on=parse_date(request.form.get("date"), "date"))
    except LedgerError as exc:
        db.session.rollback()
        return imports_page(code, error=exc, status=exc.status)
    flash(_("Đã nhập %(rows)s dòng số dư đầu kỳ cho %(units)s đơn vị: %(numbers)s.", rows=result.rows,
            units=result.created, numbers=", ".join(result.entries)))
    return redirect(url_for("bank.imports_page", code=unit.code), 303)


@bank_pages.post("/units/<code>/imports/donors")
@login_required
def import_donors(code):
    unit = unit_for(code, "setup")
    try:
        data, filename = uploaded_file()
        result = excel_import.import_donors(unit, data, filename, by=g.user)
        db.session.commit()
    except LedgerError as exc:
        db.session.rollback()
        return imports_page(code, error=exc, status=exc.status)
    flash(_("Đã đọc %(rows)s dòng: thêm %(created)s nhà hảo tâm mới, %(existing)s người đã có nên không tạo trùng.",
            rows=result.rows, created=result.created, existing=result.existing))
    return redirect(url_for("bank.imports_page", code=unit.code), 303)

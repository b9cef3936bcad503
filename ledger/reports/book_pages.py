"""The general ledger (sổ cái) and the trial balance as a page, an A4 PDF and an XLSX workbook."""
from datetime import date

from flask import Response, render_template, request

from ledger.accounts.chart import CASH
from ledger.accounts.forms import optional_date
from ledger.core import export
from ledger.core.dates import vn_today
from ledger.core.i18n import _
from ledger.core.pdf import pdf_response, render_pdf
from ledger.core.web import login_required
from ledger.reports import books
from ledger.reports.routes import reports_pages
from ledger.units.access import unit_for

FORMATS = ("html", "pdf", "xlsx")


def ledger_query() -> dict:
    today = vn_today()
    return {"account": request.args.get("account", "").strip() or CASH,
            "fund": request.args.get("fund", "").strip() or None,
            "start": optional_date(request.args.get("from"), "from") or date(today.year, 1, 1),
            "end": optional_date(request.args.get("to"), "to") or today}


def private_pdf(pdf: bytes, filename: str) -> Response:
    """Internal books as a file to keep, never stored by a cache on the way."""
    response = pdf_response(pdf, filename, download=True)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@reports_pages.get("/units/<code>/books/ledger", defaults={"fmt": "html"})
@reports_pages.get("/units/<code>/books/ledger.<any(pdf, xlsx):fmt>")
@login_required
def general_ledger(code, fmt):
    unit = unit_for(code, "read")
    query = ledger_query()
    book = books.general_ledger(unit, query["account"], query["start"], query["end"], query["fund"])
    filename = f"so-cai-{unit.code}-{book['account'].code}-{query['start']}-{query['end']}"
    if fmt == "xlsx":
        headers, rows = books.ledger_sheet(book)
        title = _("Sổ cái tài khoản %(code)s — %(name)s", code=book["account"].code, name=book["account"].name)
        return export.xlsx_response(rows, headers, filename, sheet_title=_("Sổ cái"),
                                    widths=[12, 16, 40, 14, 24, 16, 16, 18],
                                    title_lines=[unit.name, title, period_line(query["start"], query["end"])])
    if fmt == "pdf":
        return private_pdf(render_pdf("reports/ledger_print.html", book=book), filename + ".pdf")
    return render_template("reports/ledger.html", unit=unit, book=book, query=query)


@reports_pages.get("/units/<code>/books/trial-balance.<any(pdf, xlsx):fmt>")
@login_required
def trial_balance(code, fmt):
    unit = unit_for(code, "read")
    as_of = optional_date(request.args.get("as_of"), "as_of") or vn_today()
    consolidated = request.args.get("consolidated") in ("1", "true", "on")
    report = books.trial_rows(unit, as_of, consolidated)
    filename = f"can-doi-tai-khoan-{unit.code}-{as_of}{'-hop-nhat' if consolidated else ''}"
    if fmt == "xlsx":
        headers, rows = books.trial_sheet(report)
        title = _("Bảng cân đối tài khoản đến ngày %(date)s", date=as_of.strftime("%d/%m/%Y"))
        return export.xlsx_response(rows, headers, filename, sheet_title=_("Cân đối tài khoản"),
                                    widths=[10, 36, 16, 20, 20, 20],
                                    title_lines=[unit.name, title + (" " + _("(hợp nhất)") if consolidated else "")])
    return private_pdf(render_pdf("reports/trial_print.html", report=report), filename + ".pdf")


def period_line(start: date, end: date) -> str:
    return _("Từ ngày %(start)s đến ngày %(end)s", start=start.strftime("%d/%m/%Y"), end=end.strftime("%d/%m/%Y"))

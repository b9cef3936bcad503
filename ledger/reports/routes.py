"""Pages for the people who keep the books: statements to draft, review and publish; reports to
send up and receive; the general ledger and trial balance to print or open in Excel; the unit panel.
"""
from datetime import date, timedelta

from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for
from markupsafe import Markup

from ledger.accounts.forms import load_form
from ledger.core import permissions
from ledger.core.dates import vn_today
from ledger.core.edge import refusable, unit_of_work
from ledger.core.errors import LedgerError
from ledger.core.export import XLSX_MIMETYPE
from ledger.core.pdf import pdf_response
from ledger.core.schemas import MAX_YEAR, MIN_YEAR
from ledger.core.web import login_required
from ledger.reports import disclosure, emulation, formats, rollup, schemas, services
from ledger.reports.models import REPORT_KINDS
from ledger.reports.public import prerender_after_commit
from ledger.units.access import permitted, unit_for

reports_pages = Blueprint("reports", __name__, template_folder="templates")


def last_quarter(today: date) -> tuple[date, date]:
    end = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1) - timedelta(days=1)
    return date(end.year, end.month - 2, 1), end


# ---- fund statements ----------------------------------------------------------------------------

@reports_pages.get("/units/<code>/statements")
@login_required
def statements(code):
    unit = unit_for(code, "read")
    start, end = last_quarter(vn_today())
    form = {"period_start": start.isoformat(), "period_end": end.isoformat(), "consolidated": unit.level != "branch"}
    return statements_page(unit, form), 200


@reports_pages.post("/units/<code>/statements")
@login_required
@unit_of_work
def statement_create(code):
    unit = unit_for(code, "post")
    form = schemas.statement_form(request.form)
    # a refusal is a 422 page: the unit of work keeps nothing
    return refusable(lambda: drafted(unit, form), lambda exc: (statements_page(unit, form, exc), 422))


def drafted(unit, form: dict):
    statement = services.create_statement(unit, load_form(schemas.FundStatementIn, schemas.statement_form_data(form)),
                                          by=g.user)
    return redirect(url_for("reports.statement_page", statement_id=statement.id))


def statements_page(unit, form: dict, error: LedgerError | None = None) -> str:
    items, _total = services.list_statements(unit, published_only=False, limit=100)
    return render_template("reports/statements.html", unit=unit, items=items, form=form, error=error,
                           can_post=permissions.allowed(g.user, "post", unit))


@reports_pages.get("/statements/<int:statement_id>")
@login_required
def statement_page(statement_id):
    statement = permitted(services.get_statement(statement_id), "read")
    if statement.status == "published":
        return redirect(url_for("public.statement", statement_id=statement.id))
    return draft_page(statement, reason=""), 200


@reports_pages.post("/statements/<int:statement_id>")
@login_required
@unit_of_work
def statement_publish(statement_id):
    statement = permitted(services.get_statement(statement_id), "read")
    if statement.status == "published":
        return redirect(url_for("public.statement", statement_id=statement.id))
    permissions.require(g.user, "approve", statement.unit)
    reason = request.form.get("reason", "").strip()
    return refusable(lambda: published(statement, reason), lambda exc: (draft_page(statement, reason, exc), 422))


def published(statement, reason: str):
    services.publish_statement(statement, {"reason": reason}, by=g.user)
    prerender_after_commit(statement)
    return redirect(url_for("public.statement", statement_id=statement.id))


def draft_page(statement, reason: str, error: LedgerError | None = None) -> str:
    previous = services.latest_published(statement)
    return render_template("reports/draft.html", statement=statement, content=statement.content, error=error,
                           reason=reason, previous=previous, next_version=services.next_version(previous),
                           totals=services.statement_totals(statement.content),
                           can_publish=permissions.allowed(g.user, "approve", statement.unit),
                           receipt_labels=formats.RECEIPT_LABELS, disbursement_labels=formats.DISBURSEMENT_LABELS,
                           percent=formats.percent_text, max_rows=formats.PAGE_ROWS)


# ---- periodic reports up the tree ---------------------------------------------------------------

def chosen_period() -> tuple[str, str]:
    kind = request.values.get("kind") if request.values.get("kind") in REPORT_KINDS else "quarterly"
    return kind, request.values.get("period", "").strip() or rollup.last_closed_period(kind)


@reports_pages.get("/units/<code>/reports")
@login_required
def periodic_reports(code):
    unit = unit_for(code, "read")
    kind, period = chosen_period()
    return periodic_page(unit, kind, period)


@reports_pages.post("/units/<code>/reports")
@login_required
@unit_of_work
def periodic_submit(code):
    unit = unit_for(code, "post")
    kind, period = chosen_period()
    return refusable(lambda: submitted(unit, kind, period), lambda exc: periodic_page(unit, kind, period, exc))


def submitted(unit, kind: str, period: str):
    data = load_form(schemas.PeriodicReportIn, {"kind": kind, "period": period, "note": request.form.get("note", "")})
    rollup.submit_report(unit, data, by=g.user)
    return redirect(url_for("reports.periodic_reports", code=unit.code, kind=kind, period=period))


def periodic_page(unit, kind: str, period: str, error: LedgerError | None = None):
    """Who below has sent the period's report; a period that cannot be read falls back to the last closed one."""
    try:
        status = rollup.children_status(unit, kind, period)
    except LedgerError as exc:
        error, period = exc, rollup.last_closed_period(kind)
        status = rollup.children_status(unit, kind, period)
    return render_template("reports/periodic.html", unit=unit, kind=kind, period=period, status=status, error=error,
                           own=rollup.own_report(unit, kind, period), kinds=REPORT_KINDS,
                           emulation_number=emulation.number_text,
                           can_post=permissions.allowed(g.user, "post", unit)), 422 if error else 200


@reports_pages.post("/reports/<int:report_id>/receive")
@login_required
@unit_of_work
def receive_report(report_id):
    report = rollup.get_report(report_id)
    rollup.receive_report(permitted(report, "post", report.parent), by=g.user)
    return redirect(url_for("reports.periodic_reports", code=report.parent.code, kind=report.kind,
                            period=rollup.period_name(report.kind, report.period_start)))


# ---- the emulation report: children side by side, ranked; the consolidated report ---------------

def emulation_unit(code: str, year: int):
    if not MIN_YEAR <= year <= MAX_YEAR:
        abort(404)
    return unit_for(code, "read")


@reports_pages.get("/units/<code>/reports/emulation/<int:year>")
@login_required
def emulation_board(code, year):
    unit = emulation_unit(code, year)
    return render_template("reports/emulation.html", unit=unit, data=emulation.board(unit, year),
                           own=rollup.own_report(unit, emulation.EMULATION, str(year)), num=emulation.number_text,
                           cell=emulation.cell_text, can_post=permissions.allowed(g.user, "post", unit))


@reports_pages.get("/units/<code>/reports/emulation/<int:year>.pdf")
@login_required
def emulation_pdf(code, year):
    unit = emulation_unit(code, year)
    return pdf_response(emulation.board_pdf(emulation.board(unit, year), unit), f"bao-cao-thi-dua-{code}-{year}.pdf")


@reports_pages.get("/units/<code>/reports/emulation/<int:year>.xlsx")
@login_required
def emulation_xlsx(code, year):
    data = emulation.board(emulation_unit(code, year), year)
    return Response(emulation.board_xlsx(data), mimetype=XLSX_MIMETYPE, headers={
        "Content-Disposition": f'attachment; filename="bao-cao-thi-dua-{code}-{year}.xlsx"',
        "Cache-Control": "private, no-store"})


def reports_panel(unit, user) -> Markup:
    """The unit page's section: statements, the charity-fund calendar (overdue flagged), reports, books."""
    if not permissions.allowed(user, "read", unit):
        return Markup("")
    _items, total = services.list_statements(unit, published_only=False, limit=1)
    period = rollup.last_closed_period("quarterly")
    return Markup(render_template("reports/panel.html", unit=unit, total=total, period=period,
                                  emulation_year=rollup.last_closed_period(emulation.EMULATION),
                                  own=rollup.own_report(unit, "quarterly", period), percent=formats.percent_text,
                                  disclosure=disclosure.overview(unit) if disclosure.charity_funds(unit) else None))

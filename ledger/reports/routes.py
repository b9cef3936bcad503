"""Pages for the people who keep the books: statements to draft, review and publish; reports to
send up and receive; the general ledger and trial balance to print or open in Excel; the unit panel.
"""
from datetime import date, timedelta

from flask import Blueprint, g, redirect, render_template, request, url_for
from markupsafe import Markup

from ledger.accounts.forms import parse_date
from ledger.auth.routes import login_required
from ledger.core import permissions
from ledger.core.dates import vn_today
from ledger.core.errors import LedgerError
from ledger.extensions import db
from ledger.reports import disclosure, formats, rollup, services
from ledger.reports.models import REPORT_KINDS
from ledger.reports.public import prerender_pdfs
from ledger.units.services import get_unit

reports_pages = Blueprint("reports", __name__, template_folder="templates")


def unit_for(code: str, action: str = "read"):
    unit = get_unit(code)
    permissions.require(g.user, action, unit)
    return unit


def last_quarter(today: date) -> tuple[date, date]:
    end = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1) - timedelta(days=1)
    return date(end.year, end.month - 2, 1), end


@reports_pages.route("/units/<code>/statements", methods=["GET", "POST"])
@login_required
def statements(code):
    unit = unit_for(code)
    start, end = last_quarter(vn_today())
    form = {"period_start": start.isoformat(), "period_end": end.isoformat(), "consolidated": unit.level != "branch"}
    error = None
    if request.method == "POST":
        permissions.require(g.user, "post", unit)
        form = {key: request.form.get(key, "").strip() for key in ("period_start", "period_end")}
        form["consolidated"] = request.form.get("consolidated") == "on"
        try:
            data = {"period_start": parse_date(form["period_start"], "period_start"),
                    "period_end": parse_date(form["period_end"], "period_end"), "consolidated": form["consolidated"]}
            statement = services.create_statement(unit, data, by=g.user)
            db.session.commit()
            return redirect(url_for("reports.statement_page", statement_id=statement.id))
        except LedgerError as exc:
            db.session.rollback()
            error = exc
    items, _total = services.list_statements(unit, published_only=False, limit=100)
    return render_template("reports/statements.html", unit=unit, items=items, form=form, error=error,
                           can_post=permissions.allowed(g.user, "post", unit)), 422 if error else 200


@reports_pages.route("/statements/<int:statement_id>", methods=["GET", "POST"])
@login_required
def statement_page(statement_id):
    statement = services.get_statement(statement_id)
    permissions.require(g.user, "read", statement.unit)
    if statement.status == "published":
        return redirect(url_for("public.statement", statement_id=statement.id))
    error, reason = None, request.form.get("reason", "").strip()
    if request.method == "POST":
        permissions.require(g.user, "approve", statement.unit)
        try:
            services.publish_statement(statement, {"reason": reason}, by=g.user)
            db.session.commit()
            prerender_pdfs(statement)
            return redirect(url_for("public.statement", statement_id=statement.id))
        except LedgerError as exc:
            db.session.rollback()
            error = exc
    return render_template("reports/draft.html", statement=statement, content=statement.content, error=error,
                           reason=reason, previous=services.latest_published(statement),
                           can_publish=permissions.allowed(g.user, "approve", statement.unit),
                           receipt_labels=formats.RECEIPT_LABELS, disbursement_labels=formats.DISBURSEMENT_LABELS,
                           percent=formats.percent_text, max_rows=formats.PAGE_ROWS), 422 if error else 200


@reports_pages.route("/units/<code>/reports", methods=["GET", "POST"])
@login_required
def periodic_reports(code):
    unit = unit_for(code)
    kind = request.values.get("kind") if request.values.get("kind") in REPORT_KINDS else "quarterly"
    period = request.values.get("period", "").strip() or rollup.last_closed_period(kind)
    error = None
    if request.method == "POST":
        permissions.require(g.user, "post", unit)
        try:
            note = request.form.get("note", "")
            rollup.submit_report(unit, {"kind": kind, "period": period, "note": note}, by=g.user)
            db.session.commit()
            return redirect(url_for("reports.periodic_reports", code=code, kind=kind, period=period))
        except LedgerError as exc:
            db.session.rollback()
            error = exc
    try:
        status = rollup.children_status(unit, kind, period)
    except LedgerError as exc:
        error, period = exc, rollup.last_closed_period(kind)
        status = rollup.children_status(unit, kind, period)
    return render_template("reports/periodic.html", unit=unit, kind=kind, period=period, status=status, error=error,
                           own=rollup.own_report(unit, kind, period), kinds=REPORT_KINDS,
                           can_post=permissions.allowed(g.user, "post", unit)), 422 if error else 200


@reports_pages.post("/reports/<int:report_id>/receive")
@login_required
def receive_report(report_id):
    report = rollup.get_report(report_id)
    permissions.require(g.user, "post", report.parent)
    rollup.receive_report(report, by=g.user)
    db.session.commit()
    return redirect(url_for("reports.periodic_reports", code=report.parent.code, kind=report.kind,
                            period=rollup.period_name(report.kind, report.period_start)))


def reports_panel(unit, user) -> Markup:
    """The unit page's section: statements, the charity-fund calendar (overdue flagged), reports, books."""
    if not permissions.allowed(user, "read", unit):
        return Markup("")
    _items, total = services.list_statements(unit, published_only=False, limit=1)
    period = rollup.last_closed_period("quarterly")
    return Markup(render_template("reports/panel.html", unit=unit, total=total, period=period,
                                  own=rollup.own_report(unit, "quarterly", period), percent=formats.percent_text,
                                  disclosure=disclosure.overview(unit) if disclosure.charity_funds(unit) else None))

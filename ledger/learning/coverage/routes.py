"""The coverage page behind login (tables per model and per child unit, the chart, a year picker) and its
A4 PDF."""
from flask import Blueprint, render_template
from markupsafe import Markup

from ledger.accounts.community.routes import chosen_year
from ledger.auth.routes import login_required
from ledger.core import permissions
from ledger.core.dates import vn_today
from ledger.core.pdf import pdf_response, render_pdf
from ledger.learning.coverage import services
from ledger.learning.criteria.services import MODEL_LABELS
from ledger.units.access import unit_for

coverage_pages = Blueprint("learning_coverage", __name__, template_folder="templates")


def year_choices(year: int) -> list[int]:
    this_year = vn_today().year
    return sorted({*range(this_year - 4, this_year + 2), year}, reverse=True)


@coverage_pages.get("/units/<code>/learning/coverage")
@login_required
def coverage_page(code):
    year = chosen_year()
    context = services.page_context(unit_for(code, "read"), year)
    return render_template("learning/coverage/coverage.html", years=year_choices(year), **context)


@coverage_pages.get("/units/<code>/learning/coverage.pdf")
@login_required
def coverage_pdf(code):
    context = services.page_context(unit_for(code, "read"), chosen_year())
    pdf = render_pdf("learning/coverage/coverage_print.html", **context)
    return pdf_response(pdf, f"xa-hoi-hoc-tap-{context['unit'].code}-{context['year']}.pdf")


def learning_panel(unit, user) -> Markup:
    """The unit page's section: this year's percentages per model and the way to each learning page."""
    year = vn_today().year
    figures = services.unit_figures(unit, year)
    return Markup(render_template("learning/coverage/panel.html", unit=unit, year=year, figures=figures,
                                  labels=MODEL_LABELS, can=lambda action: permissions.allowed(user, action, unit)))

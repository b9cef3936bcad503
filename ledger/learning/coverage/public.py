"""The public learning-society page of any unit (no login): each model's percentage against its target,
the chart, the table per child unit, and the names of recognised families and clans that consented to it.
Counts and percentages only otherwise: no head, address or member count of anyone ever leaves here."""
from flask import Blueprint, Response, render_template

from ledger.learning.coverage import services
from ledger.learning.coverage.routes import chosen_year, year_choices
from ledger.units.services import ancestors, get_unit

learning_public = Blueprint("learning_public", __name__, url_prefix="/public/units", template_folder="templates")
CACHE_SECONDS = 300


def cached(response: Response) -> Response:
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    return response


@learning_public.get("/<code>/learning")
def learning(code):
    unit, year = get_unit(code), chosen_year()
    html = render_template("learning/coverage/public.html", trail=ancestors(unit)[:-1], years=year_choices(year),
                           names=services.consented_recognitions(unit, year), **services.page_context(unit, year))
    return cached(Response(html, mimetype="text/html"))


@learning_public.get("/<code>/learning/chart.svg")
def learning_chart(code):
    unit, year = get_unit(code), chosen_year()
    figures = services.coverage(unit, year)
    svg = services.coverage_chart(figures["models"], services.targets_for(unit, year))
    return cached(Response(svg, mimetype="image/svg+xml"))

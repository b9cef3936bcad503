"""Open data without login: a unit's (or a decided round's) awards in the 360Giving shape, as JSON
or CSV (UTF-8 with a BOM), every recipient anonymised."""
from flask import Blueprint, jsonify, request

from ledger.core.errors import NotFound
from ledger.core.export import csv_response
from ledger.core.i18n import _
from ledger.scholarships import opendata, payouts, programs
from ledger.units.services import get_unit

scholarships_public = Blueprint("scholarships_public", __name__, url_prefix="/public/scholarships")


def respond(awards, fmt: str, name: str):
    if fmt == "csv":
        return csv_response((opendata.csv_row(item) for item in opendata.package(awards)["grants"]),
                            opendata.CSV_COLUMNS, name)
    response = jsonify(opendata.package(awards))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@scholarships_public.get("/<code>/awards.<any(json, csv):fmt>")
def unit_awards(code, fmt):
    unit = get_unit(code)
    school_year = request.args.get("school_year") or None
    return respond(opendata.published_awards(unit, school_year), fmt, f"hoc-bong-{unit.code}")


@scholarships_public.get("/rounds/<int:round_id>/awards.<any(json, csv):fmt>")
def round_awards(round_id, fmt):
    found = programs.get_round(round_id)
    if found.status != "decided":
        raise NotFound(_("Đợt xét chưa có quyết định nên chưa công khai."))
    return respond(payouts.round_awards(found), fmt, f"hoc-bong-dot-{found.id}")

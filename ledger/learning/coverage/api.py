"""Coverage over the JSON API: `GET /units/{code}/learning/coverage?year=` (API.md "Learning society")."""
from ledger.core.dates import vn_today
from ledger.core.endpoints import Blueprint
from ledger.learning.coverage import schemas, services
from ledger.units.access import unit_for

coverage_api = Blueprint("learning_coverage_api", __name__, url_prefix="/api/v1",
                         description="Xã hội học tập: tỷ lệ đạt danh hiệu học tập")


@coverage_api.read("/units/<code>/learning/coverage", schemas.CoverageOut, query=schemas.CoverageQuery)
def coverage(query, code):
    return services.coverage(unit_for(code, "read"), query["year"] or vn_today().year)

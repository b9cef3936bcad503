"""GET /units/{code}/learning/coverage: the contract's shape and numbers, the default year, 404 then 403."""
import pytest

from ledger.core.dates import vn_today
from ledger.extensions import db

YEAR = 2026


@pytest.fixture
def season(registry, three_levels):
    (c1, _c2), (b1, b2, b3) = three_levels["communes"], three_levels["branches"]
    f1, _f2, f3 = registry.full(b1, YEAR), registry.full(b1, YEAR, passed=False), registry.full(b2, YEAR)
    registry.recognize(c1, YEAR, "family", [f1, f3])
    registry.full(b3, YEAR, "citizen")
    registry.households(b1, population=30, households=6)
    db.session.commit()
    return three_levels


def test_coverage_answers_the_contract(api_as, season):
    response = api_as(("TSL", "viewer")).get(f"/units/TSL/learning/coverage?year={YEAR}")
    assert response.status_code == 200, response.text
    body = response.json
    assert body["year"] == YEAR
    assert set(body["models"]) == {"family", "clan", "community", "organisation", "citizen"}
    # family: 3 registered and assessed, 2 passed and recognised; 6 households recorded (branch 1) → 2/6
    assert body["models"]["family"] == {"subjects": 3, "assessed": 3, "passed": 2, "recognized": 2, "base": 6,
                                        "percent": 33.3}
    assert body["models"]["citizen"] == {"subjects": 1, "assessed": 1, "passed": 1, "recognized": 0, "base": 1,
                                         "percent": 0.0}
    assert body["models"]["clan"]["percent"] == 0 and body["models"]["clan"]["base"] == 0
    assert [row["unit"] for row in body["by_unit"]] == ["TSL-C1", "TSL-C2"]
    assert body["by_unit"][0]["models"]["family"]["percent"] == 33.3
    assert body["by_unit"][1]["models"]["family"]["base"] == 0
    assert body["by_unit"][1]["models"]["citizen"]["subjects"] == 1


def test_the_year_defaults_to_this_vietnam_year(api_as, season, registry):
    registry.full(season["branches"][0], vn_today().year, "organisation")
    db.session.commit()
    body = api_as(("VN", "admin")).get("/units/TSL-C1/learning/coverage").json
    assert body["year"] == vn_today().year
    assert body["models"]["organisation"]["subjects"] == 1


def test_unknown_unit_is_404_and_another_subtree_403(api_as, season):
    reader = api_as(("TSL-C2", "viewer"))
    assert reader.get("/units/NOPE/learning/coverage").status_code == 404
    assert reader.get("/units/TSL-C1/learning/coverage").status_code == 403
    assert reader.get("/units/TSL/learning/coverage").status_code == 403
    assert reader.get("/units/TSL-C2-B1/learning/coverage").status_code == 200


@pytest.mark.parametrize("year", ["abc", "1800", "99999"])
def test_a_bad_year_is_422(api_as, season, year):
    response = api_as(("VN", "admin")).get(f"/units/TSL/learning/coverage?year={year}")
    assert response.status_code == 422
    assert "year" in str(response.json)


def test_without_a_token_is_401(anonymous_api, season):
    assert anonymous_api.get("/units/TSL/learning/coverage").status_code == 401

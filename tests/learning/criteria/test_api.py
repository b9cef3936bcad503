"""POST/GET/PUT /learning/criteria: scored and all-of sets, the nearest set by unit and year_from, 422s, 409s,
and the five defaults every database starts with."""
import pytest

from ledger.learning.criteria import rules, services
from ledger.units.services import get_unit

FAMILY = {"code": "SL-GDHT-2024", "model": "family", "name": "Gia đình học tập tỉnh Sơn La", "owner_unit": "SL",
          "year_from": 2024, "pass_mark": 75,
          "criteria": [{"code": "tre_em", "name": "Trẻ em đi học đầy đủ", "points": 40, "min_points": 20},
                       {"code": "nguoi_lon", "name": "Người lớn học tập thường xuyên", "points": 30},
                       {"code": "dieu_kien", "name": "Điều kiện học tập", "points": 30}]}
CLAN = {"code": "SL-DHHT-2024", "model": "clan", "name": "Dòng họ học tập tỉnh Sơn La", "owner_unit": "SL",
        "year_from": 2024,
        "criteria": [{"code": "ty_le", "name": "Ít nhất 60% gia đình là GĐHT",
                      "computed": {"measure": "family_share", "percent": 60}},
                     {"code": "quy", "name": "Có quỹ khuyến học dòng họ"}]}


@pytest.fixture
def tree(make_unit):
    make_unit("SL", level="province")
    make_unit("SL-BL", level="commune", parent="SL")
    make_unit("SL-BL-1", level="branch", parent="SL-BL")


def test_the_five_defaults_are_seeded_at_the_root(api_as):
    api = api_as(("VN", "admin"))
    seen = {}
    for model in ("family", "clan", "community", "organisation", "citizen"):
        found = api.get("/learning/criteria", query_string={"model": model, "unit": "VN", "year": 2026})
        assert found.status_code == 200, found.json
        seen[model] = found.json
    assert all(s["default"] and s["owner_unit"] == "VN" and s["year_from"] == 2022 for s in seen.values())
    assert all(s["note"].startswith("Bộ tiêu chí mẫu — đối chiếu với hướng dẫn của tỉnh") for s in seen.values())
    assert [c.get("points") for c in seen["family"]["criteria"]] == [30, 30, 20, 20]
    assert seen["family"]["pass_mark"] == 70 and "⚠️" in seen["family"]["note"]
    assert seen["clan"]["scored"] is False and seen["clan"]["criteria"][0]["computed"] == {
        "measure": "family_share", "percent": 50}
    assert seen["community"]["criteria"][0]["computed"]["percent"] == 60
    assert seen["organisation"]["grades"] == [{"name": "Tốt", "min_points": 85}, {"name": "Khá", "min_points": 70},
                                              {"name": "Trung bình", "min_points": 50}]
    citizen = seen["citizen"]
    assert citizen["pass_mark"] == 80 and len(citizen["criteria"]) == 10
    assert {(c["points"], c["min_points"]) for c in citizen["criteria"]} == {(10, 5)}
    assert {s["recognized_by"] for s in seen.values()} == {"commune"}


def test_defaults_are_added_once(app):
    from ledger.learning.criteria.defaults import ensure_default_sets
    assert ensure_default_sets() == []


def test_create_a_scored_set_and_find_it_below(api_as, tree):
    api = api_as(("SL", "treasurer"))
    created = api.post("/learning/criteria", FAMILY)
    assert created.status_code == 201, created.json
    assert created.json["scored"] is True and created.json["default"] is False and created.json["owner_unit"] == "SL"
    found = api.get("/learning/criteria", query_string={"model": "family", "unit": "SL-BL-1", "year": 2025})
    assert found.json["code"] == "SL-GDHT-2024"
    before = api.get("/learning/criteria", query_string={"model": "family", "unit": "SL-BL-1", "year": 2023})
    assert before.json["code"] == "KHVN-GDHT-2022"   # the province's set starts in 2024


def test_nearest_unit_then_latest_year_from(api_as, tree):
    admin = api_as(("VN", "admin"))
    assert admin.post("/learning/criteria", FAMILY).status_code == 201
    later = {**FAMILY, "code": "SL-GDHT-2026", "year_from": 2026, "pass_mark": 80}
    commune = {**FAMILY, "code": "BL-GDHT-2025", "owner_unit": "SL-BL", "year_from": 2025}
    assert admin.post("/learning/criteria", later).status_code == 201
    assert admin.post("/learning/criteria", commune).status_code == 201
    expect = {("SL-BL-1", 2024): "SL-GDHT-2024", ("SL-BL-1", 2025): "BL-GDHT-2025", ("SL-BL-1", 2027): "BL-GDHT-2025",
              ("SL", 2025): "SL-GDHT-2024", ("SL", 2026): "SL-GDHT-2026", ("VN", 2026): "KHVN-GDHT-2022"}
    for (unit, year), code in expect.items():
        found = admin.get("/learning/criteria", query_string={"model": "family", "unit": unit, "year": year})
        assert found.json["code"] == code, (unit, year)


def test_no_set_before_any_year_from_is_422(api_as, tree):
    found = api_as(("SL", "viewer")).get("/learning/criteria", query_string={"model": "family", "unit": "SL",
                                                                            "year": 2021})
    assert found.status_code == 422 and found.json["code"] == "not_eligible"
    assert "Gia đình học tập" in found.json["detail"]


def test_create_an_all_of_set_and_judge_with_it(app, api_as, tree):
    api = api_as(("SL", "approver"))
    created = api.post("/learning/criteria", CLAN)
    assert created.status_code == 201, created.json
    assert created.json["scored"] is False and created.json["pass_mark"] is None
    criteria_set = services.applicable_set(get_unit("SL-BL-1"), "clan", 2025)
    judgement = rules.judge(services.definition(criteria_set), {"quy": True}, {"ty_le": 55})
    assert judgement.is_passed is False
    assert [r["text"] for r in judgement.reasons] == ["Tỷ lệ gia đình học tập 55% (cần ≥ 60%): không đạt",
                                                      "Có quỹ khuyến học dòng họ: đạt"]


@pytest.mark.parametrize("change, field", [
    ({"pass_mark": 101}, "pass_mark"),
    ({"criteria": []}, "criteria"),
    ({"criteria": [{"code": "a", "name": "A", "points": 10}, {"code": "a", "name": "B", "points": 10}],
      "pass_mark": 10}, "criteria"),
    ({"criteria": [{"code": "a", "name": "A", "points": 10, "min_points": 12}], "pass_mark": 5},
     "criteria[0].min_points"),
    ({"criteria": [{"code": "a", "name": "A"}], "pass_mark": 5}, "criteria[0].points"),
    ({"grades": [{"name": "Khá", "min_points": 70}, {"name": "Tốt", "min_points": 85}]}, "grades"),
    ({"model": "village"}, "model"),
    ({"year_from": "2024"}, "year_from"),
])
def test_invalid_sets_are_422_naming_the_field(api_as, tree, change, field):
    response = api_as(("SL", "admin")).post("/learning/criteria", {**FAMILY, **change})
    assert response.status_code == 422, response.json
    assert any(key == field or key.startswith(field) for key in response.json["errors"]), response.json["errors"]


def test_duplicates_are_409(api_as, tree):
    api = api_as(("SL", "admin"))
    assert api.post("/learning/criteria", FAMILY).status_code == 201
    same_code = api.post("/learning/criteria", {**FAMILY, "year_from": 2030})
    same_year = api.post("/learning/criteria", {**FAMILY, "code": "SL-OTHER"})
    assert (same_code.status_code, same_code.json["code"]) == (409, "duplicate")
    assert (same_year.status_code, same_year.json["code"]) == (409, "duplicate")


def test_update_a_set_by_code(api_as, tree):
    api = api_as(("SL", "admin"))
    api.post("/learning/criteria", FAMILY)
    changed = api.put("/learning/criteria/SL-GDHT-2024", {"pass_mark": None, "criteria": [
        {"code": "tre_em", "name": "Trẻ em đi học đầy đủ"}]})
    assert changed.status_code == 200, changed.json
    assert changed.json["scored"] is False and changed.json["criteria"] == [{"code": "tre_em",
                                                                              "name": "Trẻ em đi học đầy đủ"}]
    assert api.get("/learning/criteria/SL-GDHT-2024").json["pass_mark"] is None


def test_the_defaults_are_edited_only_at_the_root(api_as, tree):
    assert api_as(("SL", "admin")).put("/learning/criteria/KHVN-GDHT-2022", {"pass_mark": 60}).status_code == 403
    root = api_as(("VN", "treasurer"))
    assert root.put("/learning/criteria/KHVN-GDHT-2022", {"pass_mark": 60}).json["pass_mark"] == 60


def test_planning_needs_the_plan_role_on_the_owner(api_as, tree):
    assert api_as(("SL", "reviewer")).post("/learning/criteria", FAMILY).status_code == 403
    assert api_as(("SL-BL", "admin")).post("/learning/criteria", FAMILY).status_code == 403

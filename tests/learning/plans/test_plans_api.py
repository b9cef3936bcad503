"""Plans over the API: creating one (params checked), targets handed down, manual values, and progress equal
to sums worked out by hand on the three-level tree of conftest.py."""
from datetime import date

import pytest

from ledger.extensions import db
from ledger.learning import tallies
from ledger.units.services import get_unit

YEAR = 2025

INDICATORS = [
    {"code": "HV", "name": "Hội viên đạt 5% dân số", "measure": "members_percent_population", "target": 5},
    {"code": "TT", "name": "Hội viên tăng 10%", "measure": "members_growth_percent", "target": 10},
    {"code": "VD", "name": "Vận động 3 triệu đồng", "measure": "raised", "target": 3_000_000},
    {"code": "VDQ", "name": "Vận động quỹ xã", "measure": "raised", "target": 2_000_000, "params": {"fund": "QC1"}},
    {"code": "BQ", "name": "Bình quân đầu người", "measure": "raised_per_capita", "target": 40_000},
    {"code": "HP", "name": "Thu hội phí 40%", "measure": "dues_paid_percent", "target": 40},
    {"code": "GD", "name": "Gia đình học tập 60%", "measure": "learning_percent", "target": 60,
     "params": {"model": "family"}},
    {"code": "DH", "name": "Có dòng họ học tập", "measure": "learning_recognized", "target": 1,
     "params": {"model": "clan"}},
    {"code": "TC", "name": "Trung tâm học tập cộng đồng", "measure": "manual", "target": 100},
]


@pytest.fixture
def admin(api_as):
    return api_as(("VN", "admin"))


@pytest.fixture
def titles(tree):
    """B11: 10 families registered, 7 recognised, 20 households recorded; B21: 4 families, 1 recognised (no
    households); B12: 2 clans, 1 recognised. Family base: C1 20 households, C2 4 registered, P 20 households."""
    tallies.bump(get_unit("B11"), YEAR, "family", registered=10, recognized=7)
    tallies.bump(get_unit("B21"), YEAR, "family", registered=4, recognized=1)
    tallies.bump(get_unit("B12"), YEAR, "clan", registered=2, recognized=1)
    tallies.bump(get_unit("B11"), YEAR - 1, "clan", registered=5, recognized=5)  # another year: not counted
    tallies.bump_base(get_unit("B11"), households=20)
    db.session.commit()


@pytest.fixture
def plan(admin, money, titles):
    r = admin.post("/units/P/plans", json={"year": YEAR, "name": "Kế hoạch năm 2025", "report_due": "2025-11-15",
                                           "indicators": INDICATORS})
    assert r.status_code == 201, r.json
    return r.json["id"]


def by_code(rows):
    return {row["code"]: row for row in rows}


def test_a_plan_is_created_with_its_indicators(admin, plan):
    r = admin.get(f"/plans/{plan}")
    assert r.status_code == 200
    assert r.json["unit"] == "P" and r.json["year"] == YEAR and r.json["report_due"] == "2025-11-15"
    assert [i["code"] for i in r.json["indicators"]] == [i["code"] for i in INDICATORS]
    assert by_code(r.json["indicators"])["VDQ"]["params"] == {"fund": "QC1"}
    listed = admin.get("/units/P/plans?year=2025")
    assert listed.status_code == 200 and [p["id"] for p in listed.json["items"]] == [plan]
    assert admin.get("/units/P/plans?year=2024").json["items"] == []


def test_progress_of_the_province_equals_the_hand_sums(admin, plan):
    admin.put(f"/plans/{plan}/values", json={"unit": "P", "values": {"TC": 120}, "notes": {"TC": "12 trung tâm"}})
    r = admin.get(f"/plans/{plan}/progress")
    assert r.status_code == 200, r.json
    assert r.json["year"] == YEAR and r.json["unit"] == "P"
    got = {code: (row["target"], row["actual"], row["percent"], row["met"])
           for code, row in by_code(r.json["indicators"]).items()}
    assert got == {
        "HV": (5, 6.7, 134.0, True),                   # 6 members ÷ 90 people (50 + 40 in the communes)
        "TT": (10, 20.0, 200.0, True),                 # 5 → 6 members
        "VD": (3_000_000, 3_860_000, 128.7, True),
        "VDQ": (2_000_000, 1_560_000, 78.0, False),
        "BQ": (40_000, 42_889, 107.2, True),           # 3.860.000 ÷ 90 = 42.888,9
        "HP": (40, 42.9, 107.3, True),                 # 3 of 7 members on the roll in 2025 paid
        "GD": (60, 40.0, 66.7, False),                 # 8 recognised ÷ 20 households
        "DH": (1, 1, 100.0, True),
        "TC": (100, 120, 120.0, True),
    }


def test_child_units_are_ranked_by_targets_met_with_their_own_targets(admin, plan):
    admin.put(f"/plans/{plan}/values", json={"unit": "C1", "values": {"TC": 80}})
    r = admin.put(f"/plans/{plan}/targets", json={"targets": [
        {"unit": "C1", "indicator": "VD", "target": 1_500_000},
        {"unit": "C2", "indicator": "VD", "target": 2_000_000},
        {"unit": "C2", "indicator": "HV", "target": 2},
        {"unit": "C2", "indicator": "HP", "target": 0},
        {"unit": "C2", "indicator": "GD", "target": 20},
        {"unit": "C2", "indicator": "DH", "target": 0}]})
    assert r.status_code == 200, r.json
    assert {"unit": "C2", "indicator": "HV", "target": 2} in r.json["targets"] and len(r.json["targets"]) == 6
    progress = admin.get(f"/plans/{plan}/progress").json
    assert [(row["unit"], row["met_count"]) for row in progress["by_unit"]] == [("C2", 6), ("C1", 4)]
    c1, c2 = (by_code(row["indicators"]) for row in sorted(progress["by_unit"], key=lambda row: row["unit"]))
    assert {code: (row["target"], row["actual"], row["met"]) for code, row in c1.items()} == {
        "HV": (5, 10.0, True), "TT": (10, 0.0, False), "VD": (1_500_000, 1_560_000, True),
        "VDQ": (2_000_000, 1_560_000, False), "BQ": (40_000, 31_200, False), "HP": (40, 50.0, True),
        "GD": (60, 35.0, False), "DH": (1, 1, True), "TC": (100, 80, False)}
    assert {code: (row["target"], row["actual"], row["met"]) for code, row in c2.items()} == {
        "HV": (2, 2.5, True), "TT": (10, None, False), "VD": (2_000_000, 2_000_000, True),
        "VDQ": (2_000_000, 0, False), "BQ": (40_000, 50_000, True), "HP": (0, 0.0, True),
        "GD": (20, 25.0, True), "DH": (0, 0, True), "TC": (100, None, False)}
    # Read from the commune: its branches are the rows; the commune's target is the one handed down to it.
    commune = admin.get(f"/plans/{plan}/progress?unit=C2").json
    assert by_code(commune["indicators"])["HV"]["target"] == 2 and commune["by_unit"][0]["unit"] == "B21"
    assert by_code(commune["indicators"])["HP"]["percent"] is None  # target 0: no percentage
    assert by_code(admin.get(f"/plans/{plan}/progress?unit=B12").json["indicators"])["HV"]["actual"] is None


def test_targets_outside_the_plan_subtree_are_refused(admin, plan):
    for body, field in (({"unit": "Q", "indicator": "VD", "target": 1}, "targets.0.unit"),
                        ({"unit": "NOPE", "indicator": "VD", "target": 1}, "targets.0.unit"),
                        ({"unit": "C1", "indicator": "XX", "target": 1}, "targets.0.indicator"),
                        ({"unit": "C1", "indicator": "VD", "target": -1}, "targets")):
        r = admin.put(f"/plans/{plan}/targets", json={"targets": [body]})
        assert r.status_code == 422, (body, r.json)
        assert field in str(r.json["errors"]), r.json
    assert admin.get(f"/plans/{plan}/progress?unit=Q").status_code == 422


def test_a_commune_hands_targets_to_its_branches_only(api_as, plan):
    commune = api_as(("C1", "approver"))
    assert commune.put(f"/plans/{plan}/targets", json={"targets": [
        {"unit": "B11", "indicator": "VD", "target": 900_000}]}).status_code == 200
    for unit in ("C1", "C2", "B21"):  # C1's own target comes from the province
        r = commune.put(f"/plans/{plan}/targets", json={"targets": [{"unit": unit, "indicator": "VD", "target": 1}]})
        assert r.status_code == 403, unit
    assert api_as(("C1", "viewer")).put(f"/plans/{plan}/targets", json={"targets": [
        {"unit": "B11", "indicator": "VD", "target": 1}]}).status_code == 403
    progress = commune.get(f"/plans/{plan}/progress?unit=C1").json
    assert by_code(progress["by_unit"][0]["indicators"])["VD"] == {
        "code": "VD", "target": 900_000, "actual": 1_060_000, "met": True}
    assert commune.get(f"/plans/{plan}/progress").status_code == 403  # the province's view


def test_manual_values_only_for_manual_indicators(admin, plan):
    r = admin.put(f"/plans/{plan}/values", json={"unit": "C1", "values": {"TC": 3.5}, "notes": {"TC": "Báo cáo quý"}})
    assert r.status_code == 200, r.json
    assert r.json == {"unit": "C1", "values": {"TC": 3.5}, "notes": {"TC": "Báo cáo quý"}}
    again = admin.put(f"/plans/{plan}/values", json={"unit": "C1", "values": {"TC": 4}})
    assert again.json["values"] == {"TC": 4} and again.json["notes"] == {}
    for body, field in (({"unit": "C1", "values": {"VD": 1}}, "values.VD"),
                        ({"unit": "C1", "values": {"XX": 1}}, "values.XX"),
                        ({"unit": "Q", "values": {"TC": 1}}, "unit"),
                        ({"unit": "C1", "values": {"TC": "nhiều"}}, "values"),
                        ({"unit": "C1", "values": {"TC": 1}, "notes": {"HV": "x"}}, "notes.HV")):
        r = admin.put(f"/plans/{plan}/values", json=body)
        assert r.status_code == 422 and field in str(r.json["errors"]), (body, r.json)
    assert by_code(admin.get(f"/plans/{plan}/progress?unit=C1").json["indicators"])["TC"]["actual"] == 4


@pytest.mark.parametrize(("indicator", "field"), [
    ({"measure": "dien_tich"}, "measure"),
    ({"measure": "raised", "params": {"fund": "KHONG-CO"}}, "params.fund"),
    ({"measure": "campaign_raised", "params": {"campaign": "KHONG-CO"}}, "params.campaign"),
    ({"measure": "campaign_raised"}, "params.campaign"),
    ({"measure": "learning_percent", "params": {"model": "village"}}, "params.model"),
    ({"measure": "learning_recognized"}, "params.model"),
    ({"measure": "raised", "params": {"model": "family"}}, "params.model"),
    ({"measure": "manual", "target": -5}, "target"),
    ({"measure": "manual", "target": "5"}, "target"),
])
def test_a_plan_with_a_wrong_indicator_is_refused_naming_the_field(admin, tree, indicator, field):
    body = {"code": "X", "name": "Chỉ tiêu", "target": 1, **indicator}
    r = admin.post("/units/P/plans", json={"year": YEAR, "name": "Kế hoạch", "indicators": [body]})
    assert r.status_code == 422, r.json
    assert field in str(r.json["errors"]), r.json


def test_duplicate_indicator_codes_and_plan_names_are_refused(admin, tree):
    twice = [{"code": "A", "name": "Một", "measure": "manual", "target": 1}] * 2
    r = admin.post("/units/P/plans", json={"year": YEAR, "name": "Kế hoạch", "indicators": twice})
    assert r.status_code == 422 and "indicators.1.code" in r.json["errors"], r.json
    body = {"year": YEAR, "name": "Kế hoạch", "indicators": twice[:1]}
    assert admin.post("/units/P/plans", json=body).status_code == 201
    assert admin.post("/units/P/plans", json=body).json["code"] == "duplicate"


def test_only_planners_of_the_unit_create_plans(api_as, tree):
    body = {"year": YEAR, "name": "Kế hoạch", "indicators": [{"code": "A", "name": "Một", "measure": "manual",
                                                              "target": 1}]}
    assert api_as(("P", "reviewer")).post("/units/P/plans", json=body).status_code == 403
    assert api_as(("C1", "approver")).post("/units/P/plans", json=body).status_code == 403
    assert api_as(("C1", "treasurer")).post("/units/C1/plans", json=body).status_code == 201


def test_campaign_raised_counts_the_campaign_receipts_in_the_subtree(admin, tree, receipt_at):
    receipt = receipt_at
    r = admin.post("/campaigns", json={"code": "CD25", "name": "Tháng khuyến học 2025", "owner_unit": "P",
                                       "fund": "QP", "starts_on": "2025-01-01", "ends_on": "2025-12-31"})
    assert r.status_code == 201, r.json
    receipt("B11", 250_000, date(2025, 9, 1), "QP", campaign="CD25")
    receipt("C2", 150_000, date(2025, 9, 2), "QP", campaign="CD25")
    receipt("B21", 100_000, date(2025, 9, 3), "QP")  # not for the campaign
    db.session.commit()
    plan = admin.post("/units/P/plans", json={"year": YEAR, "name": "Kế hoạch", "indicators": [
        {"code": "CD", "name": "Tháng khuyến học", "measure": "campaign_raised", "target": 300_000,
         "params": {"campaign": "CD25"}}]}).json["id"]
    progress = admin.get(f"/plans/{plan}/progress").json
    assert progress["indicators"][0]["actual"] == 400_000 and progress["indicators"][0]["met"] is True
    assert {row["unit"]: row["indicators"][0]["actual"] for row in progress["by_unit"]} == {"C1": 250_000,
                                                                                           "C2": 150_000}


def test_plan_for_finds_the_nearest_plan_up_the_tree(app, admin, tree):
    from ledger.learning.plans.services import plan_for

    body = {"name": "Kế hoạch tỉnh", "indicators": [{"code": "A", "name": "Một", "measure": "manual", "target": 1}]}
    province = admin.post("/units/P/plans", json={"year": YEAR, **body}).json["id"]
    commune = admin.post("/units/C1/plans", json={"year": YEAR, **body}).json["id"]
    assert plan_for(get_unit("B11"), YEAR).id == commune
    assert plan_for(get_unit("B21"), YEAR).id == province
    assert plan_for(get_unit("C2"), YEAR - 1) is None
    assert plan_for(get_unit("Q"), YEAR) is None


def test_scholarships_awarded_in_the_year_count_where_the_children_live(admin, tree, post):
    from datetime import timedelta

    from ledger.core.dates import vn_today

    post("P", [("111", "QP", 50_000_000, 0), ("511", "QP", 0, 50_000_000)], on=date(2025, 1, 2))
    program = admin.post("/scholarships/programs", json={
        "code": "HB-P", "name": "Học bổng vượt khó", "owner_unit": "P", "fund": "QP", "award_amount": 2_000_000,
        "rules": {"field": "grade", "gte": 1}})
    assert program.status_code == 201, program.json
    round_id = admin.post("/scholarships/programs/HB-P/rounds", json={
        "school_year": "2025-2026", "budget": 10_000_000,
        "nominations_close_on": (vn_today() + timedelta(days=10)).isoformat()}).json["id"]
    for n, unit in enumerate(("B11", "B12", "B21")):
        r = admin.post(f"/scholarships/rounds/{round_id}/candidates", json={"nominated_by": unit, "student": {
            "full_name": f"Lò Thị Mai {n}", "date_of_birth": "2011-04-02", "gender": "female",
            "student_code": f"HSP{n}", "school": "THCS Chiềng An", "grade": 9, "household_status": "poor",
            "orphan": "none", "disability": False, "ethnic_minority": True, "academic_result": "kha",
            "conduct": "tot"}})
        assert r.status_code == 201, r.json
    decided = admin.post(f"/scholarships/rounds/{round_id}/decide",
                         json={"decision_number": "15/QĐ-KH", "decided_on": "2025-09-05"})
    assert decided.status_code == 200 and len(decided.json["awards"]) == 3, decided.json
    indicators = [{"code": "SL", "name": "Số suất", "measure": "scholarships_awarded", "target": 3},
                  {"code": "ST", "name": "Số tiền", "measure": "scholarship_amount", "target": 5_000_000}]
    plans = {year: admin.post("/units/P/plans", json={"year": year, "name": "Kế hoạch", "indicators": indicators})
             .json["id"] for year in (YEAR, YEAR + 1)}
    progress = admin.get(f"/plans/{plans[YEAR]}/progress").json
    assert [(row["actual"], row["met"]) for row in progress["indicators"]] == [(3, True), (6_000_000, True)]
    assert {row["unit"]: [cell["actual"] for cell in row["indicators"]] for row in progress["by_unit"]} == {
        "C1": [2, 4_000_000], "C2": [1, 2_000_000]}
    later = admin.get(f"/plans/{plans[YEAR + 1]}/progress").json  # decided in 2025: nothing in 2026
    assert [row["actual"] for row in later["indicators"]] == [0, 0]

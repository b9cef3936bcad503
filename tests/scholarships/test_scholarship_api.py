"""The Scholarships contract of API.md: programs, rounds, nominations, review, decision, payouts."""
from datetime import timedelta

import pytest

from ledger.core.dates import vn_today


def patch(api, path, body):
    return api.client.patch("/api/v1" + path, json=body, headers=api._headers(None))


# ---- programs -----------------------------------------------------------------------------------

def test_rules_and_scoring_are_checked_on_save_with_paths(people, program_body):
    body = program_body(rules={"all": [{"field": "grade", "lte": 9}, {"field": "gpa", "gte": 8},
                                       {"field": "conduct", "between": ["kha", "tot"]}]},
                        scoring={"orphan": {"half": 5}})
    r = people["treasurer"].post("/scholarships/programs", json=body)
    assert r.status_code == 422 and r.json["code"] == "validation", r.json
    assert "all[1].field: trường 'gpa' không tồn tại" in r.json["errors"]["rules"]
    assert any(p.startswith("all[2].between: toán tử 'between' không tồn tại") for p in r.json["errors"]["rules"])
    assert any(p.startswith("orphan.half: giá trị 'half'") for p in r.json["errors"]["scoring"])
    assert people["treasurer"].get("/scholarships/programs/HB-SL").status_code == 404


def test_program_is_created_with_its_first_version(people, program):
    assert program["version"] == 1 and program["fund"] == "QKH-SL" and program["owner_unit"] == "SL"
    assert [v["version"] for v in program["versions"]] == [1]


@pytest.mark.parametrize(("who", "status"), [("treasurer", 201), ("approver", 403), ("r1", 403),
                                                ("stranger", 403)])
def test_who_may_create_a_program(people, program_body, who, status):
    assert people[who].post("/scholarships/programs", json=program_body()).status_code == status


def test_endowment_principal_and_foreign_funds_are_refused(people, program_body, make_fund):
    make_fund("THU", owner="SL", kind="restricted")
    make_fund("VON", owner="SL", kind="endowment", income_fund="THU")
    make_fund("QKH-LC", owner="LC")
    r = people["treasurer"].post("/scholarships/programs", json=program_body(fund="VON"))
    assert r.status_code == 422 and r.json["code"] == "endowment_principal"
    r = people["treasurer"].post("/scholarships/programs", json=program_body(fund="QKH-LC"))
    assert r.status_code == 422 and "fund" in r.json["errors"]


def test_presets_are_offered_and_valid(people, program_body):
    presets = people["treasurer"].get("/scholarships/presets").json
    assert {p["code"] for p in presets["items"]} == {"ngheo_vuot_kho", "hoc_sinh_gioi", "con_nuoi",
                                                     "hoc_khong_bao_gio_cung"}
    gioi = next(p for p in presets["items"] if p["code"] == "hoc_sinh_gioi")
    r = people["treasurer"].post("/scholarships/programs", json=program_body(
        code="HSG", rules=gioi["rules"], scoring=gioi["scoring"]))
    assert r.status_code == 201, r.json


def test_new_rules_make_a_new_version_and_old_ones_stay(people, program):
    stricter = {"all": [{"field": "household_status", "eq": "poor"}]}
    r = people["treasurer"].put("/scholarships/programs/HB-SL/rules", json={"rules": stricter})
    assert r.status_code == 200 and r.json["version"] == 2
    assert [v["rules"] for v in r.json["versions"]] == [program["rules"], stricter]
    bad = people["treasurer"].put("/scholarships/programs/HB-SL/rules", json={"rules": {"field": "x", "eq": 1}})
    assert bad.status_code == 422 and bad.json["errors"]["rules"]
    assert people["treasurer"].get("/scholarships/programs/HB-SL").json["version"] == 2


# ---- nominations --------------------------------------------------------------------------------

def test_nomination_answers_eligibility_score_and_a_reason_per_condition(open_round, nominate):
    c = nominate(open_round)
    assert set(c) >= {"id", "eligible", "score", "reasons"}
    assert c["eligible"] is True and c["score"] == 20 + 10
    assert c["reasons"] == [
        {"field": "household_status", "passed": True,
         "text": "Hộ cận nghèo (GCN 123/2025; yêu cầu thuộc hộ nghèo, hộ cận nghèo): đạt"},
        {"field": "academic_result", "passed": True, "text": "Kết quả học tập Khá (yêu cầu từ Khá): đạt"}]
    weak = nominate(open_round, household_status="none", academic_result="dat")
    assert weak["eligible"] is False and [r["passed"] for r in weak["reasons"]] == [False, False]


def test_the_same_child_twice_in_a_round_is_a_duplicate(people, open_round, nominate, student):
    nominate(open_round, code="HS-A", national_id="034211000001")
    for again in (student(code="HS-A", full_name="Lò T. Mai"), student(student_code=None, national_id="034211000001")):
        r = people["school"].post(f"/scholarships/rounds/{open_round}/candidates",
                                  json={"nominated_by": "SL-C1-THCS", "student": again})
        assert r.status_code == 409 and r.json["code"] == "duplicate", r.json
    assert len(people["treasurer"].get(f"/scholarships/rounds/{open_round}/candidates").json["items"]) == 1


def test_nominations_close_after_the_deadline(people, program, round_body, student):
    closed = people["treasurer"].post("/scholarships/programs/HB-SL/rounds", json=round_body(
        nominations_close_on=(vn_today() - timedelta(days=1)).isoformat())).json["id"]
    r = people["school"].post(f"/scholarships/rounds/{closed}/candidates",
                              json={"nominated_by": "SL-C1-THCS", "student": student()})
    assert r.status_code == 422 and r.json["code"] == "invalid_state", r.json


@pytest.mark.parametrize(("who", "unit", "status"), [
    ("school", "SL-C1-THCS", 201), ("school", "SL-C1", 403), ("stranger", "LC", 422),
    ("treasurer", "LC", 403), ("r1", "SL-C1", 403)])
def test_who_may_nominate_from_where(people, open_round, student, who, unit, status):
    r = people[who].post(f"/scholarships/rounds/{open_round}/candidates",
                            json={"nominated_by": unit, "student": student()})
    assert r.status_code == status, r.json


def test_a_unit_outside_the_owner_cannot_nominate(people, open_round, student, api_as):
    admin = api_as(("VN", "admin"))
    r = admin.post(f"/scholarships/rounds/{open_round}/candidates", json={"nominated_by": "LC", "student": student()})
    assert r.status_code == 422 and "nominated_by" in r.json["errors"]


def test_a_student_needs_a_code_or_national_id(people, open_round, student):
    r = people["school"].post(f"/scholarships/rounds/{open_round}/candidates",
                              json={"nominated_by": "SL-C1-THCS", "student": student(student_code=None)})
    assert r.status_code == 422 and "student_code" in r.json["errors"]["student"]


# ---- review -------------------------------------------------------------------------------------

def review(people, who, candidate_id, **body):
    return people[who].post(f"/scholarships/candidates/{candidate_id}/reviews", json=body)


def test_only_assigned_reviewers_review(people, open_round, nominate, api_as):
    c = nominate(open_round)
    outsider = api_as(("SL", "reviewer"), username="hoidong9")
    assert review(people, "treasurer", c["id"], recommend=True).status_code == 403
    assert review({"x": outsider}, "x", c["id"], recommend=True).status_code == 403
    r = review(people, "r1", c["id"], recommend=False, note="Hồ sơ thiếu")
    assert r.status_code == 201 and r.json["recommend"] is False and r.json["recused"] is False
    recused = review(people, "r2", c["id"], conflict_of_interest=True, recommend=True)
    assert recused.json["recused"] is True and recused.json["recommend"] is None
    assert review(people, "r3", c["id"]).status_code == 422


def test_a_majority_of_non_recused_reviewers_vetoes(people, open_round, nominate, decide):
    vetoed = nominate(open_round, household_status="poor", academic_result="tot")     # 50 points
    kept = nominate(open_round, household_status="poor")                              # 40 points
    third = nominate(open_round)                                                      # 30 points
    for who, vote in (("r1", False), ("r2", False), ("r3", True)):
        review(people, who, vetoed["id"], recommend=vote)
    review(people, "r1", kept["id"], conflict_of_interest=True)
    review(people, "r2", kept["id"], recommend=False)
    review(people, "r3", kept["id"], recommend=True)
    review(people, "r1", third["id"], conflict_of_interest=True)
    review(people, "r2", third["id"], recommend=False)
    r = decide(open_round)
    assert r.status_code == 200, r.json
    # third: one no among two non-recused (r3 has not voted) is not a majority either.
    assert [a["candidate_id"] for a in r.json["awards"]] == [kept["id"], third["id"]]


# ---- decision -----------------------------------------------------------------------------------

def test_decision_ranks_by_score_within_budget(people, program, round_body, nominate, decide):
    round_id = people["treasurer"].post("/scholarships/programs/HB-SL/rounds",
                                        json=round_body(budget=5_000_000)).json["id"]
    low = nominate(round_id)                                                   # 30
    high = nominate(round_id, household_status="poor", orphan="both_parents")  # 70
    mid = nominate(round_id, household_status="poor")                          # 40
    nominate(round_id, academic_result="dat")                                  # not eligible
    r = decide(round_id)
    assert r.status_code == 200, r.json
    assert [(a["candidate_id"], a["amount"], a["rank"]) for a in r.json["awards"]] == [
        (high["id"], 2_000_000, 1), (mid["id"], 2_000_000, 2)]
    assert (r.json["total"], r.json["budget_left"]) == (4_000_000, 1_000_000)
    assert low["id"] not in [a["candidate_id"] for a in r.json["awards"]]


@pytest.mark.parametrize("quota_unit", ["SL-C1-THCS", "SL-C1"])  # a commune's places cover its schools
def test_quota_and_unit_quotas(people, program, round_body, nominate, decide, quota_unit):
    round_id = people["treasurer"].post("/scholarships/programs/HB-SL/rounds", json=round_body(
        quota=2, unit_quotas={quota_unit: 1})).json["id"]
    a = nominate(round_id, household_status="poor", orphan="both_parents")
    nominate(round_id, household_status="poor")
    c = nominate(round_id, by="SL-C2")
    nominate(round_id, by="SL-C2")
    r = decide(round_id)
    assert [x["candidate_id"] for x in r.json["awards"]] == [a["id"], c["id"]]


def test_unit_quotas_name_units_of_the_owner(people, program, round_body):
    r = people["treasurer"].post("/scholarships/programs/HB-SL/rounds", json=round_body(unit_quotas={"LC": 1}))
    assert r.status_code == 422 and "unit_quotas" in r.json["errors"]


def test_equal_scores_go_to_the_earlier_nomination(open_round, nominate, decide, people):
    patch(people["treasurer"], f"/scholarships/rounds/{open_round}", {"quota": 1})
    first = nominate(open_round)
    nominate(open_round)
    assert [a["candidate_id"] for a in decide(open_round).json["awards"]] == [first["id"]]


def test_a_round_is_decided_once(open_round, nominate, decide):
    nominate(open_round)
    assert decide(open_round).status_code == 200
    again = decide(open_round, number="16/QĐ-KH")
    assert again.status_code == 409 and again.json["code"] == "invalid_state"


def test_a_budget_above_what_the_fund_has_free_is_over_budget(people, program, round_body, nominate, decide):
    round_id = people["treasurer"].post("/scholarships/programs/HB-SL/rounds",
                                        json=round_body(budget=60_000_000)).json["id"]
    nominate(round_id)
    r = decide(round_id)
    assert r.status_code == 422 and r.json["code"] == "over_budget", r.json
    assert people["treasurer"].get(f"/scholarships/rounds/{round_id}").json["status"] == "open"
    patch(people["treasurer"], f"/scholarships/rounds/{round_id}", {"budget": 40_000_000})
    assert decide(round_id).status_code == 200


def test_earlier_commitments_reduce_what_a_later_round_may_promise(people, program, round_body, nominate, decide):
    first = people["treasurer"].post("/scholarships/programs/HB-SL/rounds",
                                     json=round_body(budget=40_000_000)).json["id"]
    for _ in range(10):
        nominate(first)
    assert decide(first).json["total"] == 20_000_000
    second = people["treasurer"].post("/scholarships/programs/HB-SL/rounds", json=round_body(
        school_year="2026-2027", budget=40_000_000)).json["id"]
    nominate(second)
    assert decide(second).json["code"] == "over_budget"


@pytest.mark.parametrize("who", ["treasurer", "r1", "school"])
def test_only_an_approver_decides(people, open_round, nominate, decide, who):
    nominate(open_round)
    assert decide(open_round, who=who).status_code == 403


def test_quorum_must_be_met_before_deciding(people, open_round, nominate, decide):
    patch(people["treasurer"], f"/scholarships/rounds/{open_round}", {"quorum": 2})
    c = nominate(open_round)
    review(people, "r1", c["id"], recommend=True)
    r = decide(open_round)
    assert r.status_code == 422 and r.json["code"] == "invalid_state" and "Lò Thị Mai" in r.json["detail"]
    review(people, "r2", c["id"], recommend=True)
    assert decide(open_round).status_code == 200


def test_one_award_per_child_per_school_year_along_the_owner_branch(people, program_body, round_body, nominate,
                                                                    decide, api_as):
    commune = api_as(("SL-C1", "treasurer"))
    commune_chair = api_as(("SL-C1", "approver"))
    commune.post("/scholarships/programs", json=program_body(code="HB-C1", owner_unit="SL-C1", fund="QKH-C1",
                                                             award_amount=500_000))
    round_c1 = commune.post("/scholarships/programs/HB-C1/rounds", json=round_body(budget=1_000_000)).json["id"]
    nominate(round_c1, code="HS-X")
    assert len(commune_chair.post(f"/scholarships/rounds/{round_c1}/decide", json={
        "decision_number": "3/QĐ", "decided_on": vn_today().isoformat()}).json["awards"]) == 1
    people["treasurer"].post("/scholarships/programs", json=program_body())
    people["treasurer"].post("/scholarships/programs", json=program_body(code="HB-MORE", allow_multiple_awards=True))
    province = people["treasurer"].post("/scholarships/programs/HB-SL/rounds", json=round_body()).json["id"]
    more = people["treasurer"].post("/scholarships/programs/HB-MORE/rounds", json=round_body()).json["id"]
    next_year = people["treasurer"].post("/scholarships/programs/HB-SL/rounds", json=round_body(
        school_year="2026-2027")).json["id"]
    for round_id in (province, more, next_year):
        nominate(round_id, code="HS-X")
    assert decide(province).json["awards"] == []
    assert len(decide(more).json["awards"]) == 1
    assert len(decide(next_year).json["awards"]) == 1


def test_tiers_set_the_amount_by_score(people, program_body, round_body, nominate, decide):
    people["treasurer"].post("/scholarships/programs", json=program_body(
        code="HB-TIER", tiers=[{"min_score": 40, "amount": 3_000_000}, {"min_score": 60, "amount": 5_000_000}]))
    round_id = people["treasurer"].post("/scholarships/programs/HB-TIER/rounds", json=round_body()).json["id"]
    top = nominate(round_id, household_status="poor", orphan="both_parents")  # 70
    mid = nominate(round_id, household_status="poor")                        # 40
    low = nominate(round_id)                                                 # 30
    awards = {a["candidate_id"]: a["amount"] for a in decide(round_id).json["awards"]}
    assert awards == {top["id"]: 5_000_000, mid["id"]: 3_000_000, low["id"]: 2_000_000}


def test_changed_rules_are_applied_at_the_decision_and_recorded(people, open_round, nominate, decide):
    near_poor = nominate(open_round)
    poor = nominate(open_round, household_status="poor")
    people["treasurer"].put("/scholarships/programs/HB-SL/rules",
                            json={"rules": {"all": [{"field": "household_status", "eq": "poor"}]}})
    assert [a["candidate_id"] for a in decide(open_round).json["awards"]] == [poor["id"]]
    candidates = {c["id"]: c
                  for c in people["treasurer"].get(f"/scholarships/rounds/{open_round}/candidates").json["items"]}
    assert candidates[near_poor["id"]]["eligible"] is False and candidates[near_poor["id"]]["rules_version"] == 2
    assert people["treasurer"].get(f"/scholarships/rounds/{open_round}").json["rules_version"] == 2


def test_a_commune_program_on_a_shared_fund_promises_only_its_own_part(people, program_body, round_body,
                                                                         nominate, api_as, make_fund, post):
    """QKH-ALL belongs to the root and every unit keeps its own part; the commune's part is 1.000.000 đ."""
    make_fund("QKH-ALL", owner="VN")
    post("SL-C1", [("111", "QKH-ALL", 1_000_000, 0), ("511", "QKH-ALL", 0, 1_000_000)])
    post("VN", [("111", "QKH-ALL", 9_000_000, 0), ("511", "QKH-ALL", 0, 9_000_000)])  # the owner's own part
    commune, chair = api_as(("SL-C1", "treasurer")), api_as(("SL-C1", "approver"))
    assert commune.post("/scholarships/programs", json=program_body(
        code="HB-ALL", owner_unit="SL-C1", fund="QKH-ALL", award_amount=500_000)).status_code == 201
    round_id = commune.post("/scholarships/programs/HB-ALL/rounds", json=round_body(budget=2_000_000)).json["id"]
    nominate(round_id)
    r = chair.post(f"/scholarships/rounds/{round_id}/decide", json={"decision_number": "1", "decided_on": "2026-01-05"})
    assert r.status_code == 422 and r.json["code"] == "over_budget", r.json
    patch(commune, f"/scholarships/rounds/{round_id}", {"budget": 1_000_000})
    r = chair.post(f"/scholarships/rounds/{round_id}/decide", json={"decision_number": "1", "decided_on": "2026-01-05"})
    assert r.status_code == 200 and r.json["total"] == 500_000
    pooled = make_fund("TH-THU", owner="SL", kind="restricted", pooled=True)
    r = commune.post("/scholarships/programs", json=program_body(code="HB-P", owner_unit="SL-C1", fund=pooled.code))
    assert r.status_code == 422 and "fund" in r.json["errors"]

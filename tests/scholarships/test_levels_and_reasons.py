"""Beyond grade 12 (university and college students, study abroad, adult learners, teachers and workers) through
the API, and reasons that are honest: no red ✗ for an alternative an eligible candidate did not need."""
import pytest

from ledger.scholarships.rules import describe_rules, evaluate
from ledger.scholarships.rules.describe import requirement

STUDENTS_RULES = {"all": [{"field": "level", "in": ["college", "university", "abroad"]},
                          {"field": "household_status", "in": ["poor", "near_poor"]}]}
TEACHER_RULES = {"all": [{"field": "level", "eq": "teacher"}, {"field": "best_prize_level", "gte": "province"}]}


def test_short_exclusions_read_as_the_values_left():
    assert requirement("orphan", "ne", "none") == "yêu cầu mồ côi cha hoặc mẹ, hoặc mồ côi cả cha lẫn mẹ"
    assert requirement("disability", "ne", False) == "yêu cầu khuyết tật"
    assert requirement("household_status", "not_in", ["none"]) == "yêu cầu hộ cận nghèo, hoặc hộ nghèo"
    assert requirement("grade", "ne", 9) == "yêu cầu khác 9"  # eleven grades left: said as the exclusion


def test_levels_read_in_vietnamese():
    assert describe_rules(TEACHER_RULES)[1:] == [
        (1, "Đối tượng: yêu cầu giáo viên"), (1, "Giải học sinh giỏi cao nhất: yêu cầu từ giải cấp tỉnh")]
    assert evaluate({"field": "level", "eq": "school"}, {"grade": 9}).eligible  # facts from before levels


def test_an_any_of_marks_the_alternatives_it_did_not_need():
    rules = {"all": [{"any": [{"field": "household_status", "eq": "poor"}, {"field": "orphan", "eq": "both_parents"},
                              {"all": [{"field": "disability", "eq": True}, {"field": "grade", "lte": 9}]}]},
                     {"field": "grade", "lte": 9}]}
    evaluation = evaluate(rules, {"household_status": "poor", "orphan": "none", "disability": False, "grade": 9})
    assert evaluation.eligible
    assert [(r.field, r.passed) for r in evaluation.reasons] == [
        ("household_status", True), ("orphan", False), ("disability", False), ("grade", True), ("grade", True)]
    assert evaluation.needed == (True, False, False, False, True)
    failing = evaluate(rules, {"household_status": "none", "orphan": "none", "disability": False, "grade": 9})
    assert not failing.eligible and all(failing.needed)  # when nothing was met, every alternative says why


@pytest.fixture
def students_program(people, program_body):
    r = people["treasurer"].post("/scholarships/programs", json=program_body(
        code="SV-SL", name="Học bổng sinh viên vượt khó", rules=STUDENTS_RULES, scoring={"level": {"abroad": 10}},
        levels=["university", "college", "abroad"]))
    assert r.status_code == 201, r.json
    return r.json


def test_a_program_for_students_beyond_grade_12(people, students_program, round_body, student, decide, pdf_text):
    assert students_program["levels"] == ["college", "university", "abroad"]  # in the order pages list them
    round_id = people["treasurer"].post("/scholarships/programs/SV-SL/rounds", json=round_body()).json["id"]
    body = {"nominated_by": "SL-C1", "student": student(full_name="Lò Văn Đại", level="university", grade=None,
                                                        field_of_study="Y đa khoa", school="Trường Đại học Tây Bắc")}
    r = people["treasurer"].post(f"/scholarships/rounds/{round_id}/candidates", json=body)
    assert r.status_code == 201, r.json
    assert r.json["eligible"] is True
    assert r.json["reasons"][0]["text"] == ("Sinh viên đại học (yêu cầu thuộc sinh viên cao đẳng, sinh viên đại học, "
                                            "du học sinh): đạt")
    abroad = people["treasurer"].post(f"/scholarships/rounds/{round_id}/candidates", json={
        "nominated_by": "SL-C1", "student": student(full_name="Cầm Thị Du", level="abroad", grade=None)})
    assert abroad.json["eligible"] is True and abroad.json["score"] == 10
    pupil = people["treasurer"].post(f"/scholarships/rounds/{round_id}/candidates",
                                     json={"nominated_by": "SL-C1", "student": student()})
    assert pupil.status_code == 422 and "student.level" in pupil.json["errors"]
    assert decide(round_id).status_code == 200
    text = pdf_text(people["approver"].get(f"/scholarships/rounds/{round_id}/decision/pdf"))
    assert "sinh viên đại học" in text and "du học sinh" in text


def test_a_pupil_still_needs_a_grade(people, program, round_body, student):
    round_id = people["treasurer"].post("/scholarships/programs/HB-SL/rounds", json=round_body()).json["id"]
    r = people["treasurer"].post(f"/scholarships/rounds/{round_id}/candidates",
                                 json={"nominated_by": "SL-C1", "student": student(grade=None)})
    assert r.status_code == 422 and r.json["errors"]["student"]["grade"] == ["Học sinh phổ thông cần ghi lớp (1–12)."]
    assert people["treasurer"].get("/scholarships/programs/HB-SL").json["levels"] == ["school"]


def test_an_award_for_teachers(people, program_body, round_body, student):
    r = people["treasurer"].post("/scholarships/programs", json=program_body(
        code="GV-SL", name="Giải thưởng giáo viên dạy giỏi", rules=TEACHER_RULES, scoring={}, levels=["teacher"]))
    assert r.status_code == 201, r.json
    round_id = people["treasurer"].post("/scholarships/programs/GV-SL/rounds", json=round_body()).json["id"]
    teacher = student(full_name="Quàng Văn Giáo", level="teacher", grade=None, field_of_study="Toán",
                      school="Trường THCS Chiềng Sinh", prizes=[{"level": "province", "rank": "first", "year": 2025}])
    r = people["treasurer"].post(f"/scholarships/rounds/{round_id}/candidates",
                                 json={"nominated_by": "SL-C1", "student": teacher})
    assert r.status_code == 201 and r.json["eligible"] is True, r.json
    bad = people["treasurer"].post("/scholarships/programs", json=program_body(code="X", levels=["pilot"]))
    assert bad.status_code == 422 and "levels" in bad.json["errors"]


def test_an_eligible_candidate_shows_no_cross_for_alternatives_not_needed(people, page_as, program_body,
                                                                          round_body, student):
    rules = {"any": [{"field": "household_status", "eq": "poor"}, {"field": "orphan", "eq": "both_parents"}]}
    people["treasurer"].post("/scholarships/programs", json=program_body(code="HB-ANY", rules=rules, scoring={}))
    round_id = people["treasurer"].post("/scholarships/programs/HB-ANY/rounds", json=round_body()).json["id"]
    people["treasurer"].post(f"/scholarships/rounds/{round_id}/candidates", json={
        "nominated_by": "SL-C1", "student": student(full_name="Hà Thị Nghèo", household_status="poor")})
    html = page_as(("SL", "treasurer")).get(f"/scholarships/rounds/{round_id}").text
    assert "✓ Hộ nghèo" in html and "✗" not in html and "mồ côi cả cha lẫn mẹ" not in html
    page = page_as(("SL", "reviewer")).get(f"/scholarships/rounds/{round_id}/review").text
    assert "✓ Hộ nghèo" in page and "✗" not in page

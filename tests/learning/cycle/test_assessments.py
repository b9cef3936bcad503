"""Assessments over the API: scored and all-of sets with one Vietnamese reason per criterion, 422 naming a
missing or out-of-range answer, replacement until recognition then 409, the kept tallies counted by hand
on three levels, and the computed share of a clan's or a village's recognised families."""
from sqlalchemy import func, select

from ledger.extensions import db
from ledger.learning import tallies
from ledger.learning.models import Assessment, Registration
from ledger.units.services import get_unit
from tests.learning.cycle.conftest import FAIL, PASS, YEAR


def counts(code: str, model: str = "family") -> tuple[int, int, int, int]:
    """(registered, assessed, passed, recognized) kept for a unit's subtree."""
    db.session.rollback()
    unit = get_unit(code)
    found = tallies.tallies_of([unit.id], YEAR)[unit.id][model]
    return found["registered"], found["assessed"], found["passed"], found["recognized"]


def test_a_scored_assessment_gives_its_score_and_a_reason_per_criterion(assess, subject):
    family = subject("LP-X-1", "Hộ ông Lò Văn Xuân")
    response = assess(family, PASS)
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["year"], body["score"], body["passed"], body["criteria_set"]) == (YEAR, 17, True, "LP-GDHT")
    assert body["status"] == "current" and body["self"] is False and body["unit"] == "LP-X-1"
    assert body["reasons"] == [
        {"criterion": "hoc", "met": True, "points": 8, "text": "Con em đi học đầy đủ: 8/10 điểm (tối thiểu 5): đạt"},
        {"criterion": "sach", "met": True, "points": 9, "text": "Có góc học tập, tủ sách: 9/10 điểm: đạt"}]


def test_a_minimum_missed_fails_whatever_the_sum(assess, subject):
    family = subject("LP-X-1", "Hộ bà Cà Thị Ún")
    body = assess(family, {"hoc": 4, "sach": 10}).json
    assert (body["score"], body["passed"]) == (14, False)
    assert body["reasons"][0] == {"criterion": "hoc", "met": False, "points": 4,
                                  "text": "Con em đi học đầy đủ: 4/10 điểm (tối thiểu 5): không đạt"}


def test_a_missing_or_out_of_range_answer_is_named(assess, subject):
    family = subject("LP-X-1", "Hộ ông Lường Văn Pọm")
    missing = assess(family, {"hoc": 8})
    assert missing.status_code == 422 and "answers.sach" in missing.json["errors"], missing.json
    too_high = assess(family, {"hoc": 11, "sach": 9})
    assert too_high.status_code == 422 and set(too_high.json["errors"]) == {"answers.hoc"}
    a_bool = assess(family, {"hoc": True, "sach": 9})
    assert a_bool.status_code == 422 and "answers.hoc" in a_bool.json["errors"]
    not_a_dict = assess(family, [1, 2])
    assert not_a_dict.status_code == 422
    db.session.rollback()
    assert db.session.scalar(select(func.count(Assessment.id))) == 0
    assert counts("LP-X-1") == (0, 0, 0, 0)


def test_an_all_of_set_with_the_clan_share_computed_from_the_registry(assess, recognise, subject):
    clan = subject("LP-X", "Dòng họ Lò bản Nà Lừa", model="clan")
    families = [subject("LP-X-1", f"Hộ Lò Văn {n}", clan=clan) for n in ("Một", "Hai", "Ba", "Bốn")]
    subject("LP-X-1", "Hộ Cầm Văn Năm")  # not of the clan: never counted
    before = assess(clan, {"quy": True}).json
    assert before["passed"] is False
    assert before["reasons"][0] == {"criterion": "ty_le", "met": False, "points": None,
                                    "text": "Tỷ lệ gia đình học tập 0% (cần ≥ 50%): không đạt "
                                            "(0/4 gia đình trong dòng họ được công nhận)"}
    for family in families[:3]:
        assert assess(family, PASS).status_code == 201
    assert recognise(families[:2]).status_code == 201  # 2 of the clan's 4 families: 50%
    after = assess(clan, {"quy": True, "ty_le": False})  # an answer for a computed criterion is ignored
    assert after.status_code == 201, after.json
    assert after.json["passed"] is True
    assert after.json["reasons"] == [
        {"criterion": "ty_le", "met": True, "points": None,
         "text": "Tỷ lệ gia đình học tập 50% (cần ≥ 50%): đạt (2/4 gia đình trong dòng họ được công nhận)"},
        {"criterion": "quy", "met": True, "points": None, "text": "Dòng họ có quỹ khuyến học: đạt"}]
    assert assess(clan, {"quy": False}).json["passed"] is False


def test_a_village_share_reads_the_households_or_the_registered_families(assess, recognise, subject):
    from ledger.learning.criteria.services import create_set
    create_set({"code": "LP-CDHT", "model": "community", "name": "Cộng đồng học tập", "owner_unit": "LP",
                "year_from": 2024, "pass_mark": None,
                "criteria": [{"code": "ty_le", "name": "Tỷ lệ hộ gia đình học tập",
                              "computed": {"measure": "family_share", "percent": 60}}]})
    db.session.commit()
    village = subject("LP-X-1", "Bản Nà Lừa", model="community")
    families = [subject("LP-X-1", f"Hộ Quàng Văn {n}") for n in ("A", "B", "C")]
    for family in families:
        assess(family, PASS)
    recognise(families[:2])
    # no households recorded: 2 recognised of the 3 registered families = 66.7% ≥ 60
    first = assess(village, {}).json
    assert first["passed"] is True
    assert first["reasons"][0]["text"] == ("Tỷ lệ gia đình học tập 66,7% (cần ≥ 60%): đạt "
                                           "(2/3 gia đình đăng ký được công nhận)")
    tallies.bump_base(get_unit("LP-X-1"), households=5)
    db.session.commit()
    second = assess(village, {}).json  # 2 of 5 households = 40%
    assert second["passed"] is False
    assert second["reasons"][0]["text"] == ("Tỷ lệ gia đình học tập 40% (cần ≥ 60%): không đạt "
                                            "(2/5 hộ được công nhận Gia đình học tập)")


def test_a_new_assessment_replaces_the_current_one_until_recognition(assess, recognise, people, subject):
    family = subject("LP-X-1", "Hộ ông Lò Văn Xuân")
    first = assess(family, FAIL).json
    second = assess(family, PASS, who="assessor2").json
    listed = people["viewer"].get(f"/learning/subjects/{family}/assessments").json
    assert [(item["id"], item["status"]) for item in listed["items"]] == [(second["id"], "current"),
                                                                         (first["id"], "replaced")]
    assert listed["total"] == 2
    assert people["viewer"].get(f"/learning/assessments/{first['id']}").json["status"] == "replaced"
    assert recognise([family]).status_code == 201
    frozen = assess(family, PASS)
    assert (frozen.status_code, frozen.json["code"]) == (409, "invalid_state")
    assert people["viewer"].get(f"/learning/assessments/{second['id']}").json["recognized"] is True
    db.session.rollback()
    assert db.session.scalar(select(func.count(Assessment.id))) == 2


def test_a_self_assessment_is_replaced_by_the_branch_but_never_replaces_it(assess, subject):
    family = subject("LP-X-1", "Hộ ông Lò Văn Xuân")
    own = assess(family, PASS, self=True)
    assert own.status_code == 201 and own.json["self"] is True
    branch = assess(family, FAIL)
    assert branch.status_code == 201 and branch.json["self"] is False
    late = assess(family, PASS, self=True)
    assert (late.status_code, late.json["code"]) == (422, "invalid_state")
    assert counts("LP-X-1") == (1, 1, 0, 0)


def test_tallies_follow_each_step_on_three_levels(assess, recognise, subject):
    one = subject("LP-X-1", "Hộ Một")
    two = subject("LP-X-1", "Hộ Hai")
    three = subject("LP-X-2", "Hộ Ba")
    far = subject("LP-Y-1", "Hộ Xa")
    assess(one, PASS)
    assess(two, FAIL)
    assess(three, PASS)
    assert counts("LP-X-1") == (2, 2, 1, 0)
    assert counts("LP-X-2") == (1, 1, 1, 0)
    assert counts("LP-X") == (3, 3, 2, 0)
    assert counts("LP") == (3, 3, 2, 0)
    assess(two, PASS)        # replaced: assessed stays, passed +1
    assess(one, FAIL)        # replaced: passed -1
    assess(far, PASS, who="province_admin")
    assert counts("LP-X-1") == (2, 2, 1, 0)
    assert counts("LP-X") == (3, 3, 2, 0)
    assert counts("LP-Y") == (1, 1, 1, 0)
    assert counts("LP") == (4, 4, 3, 0)
    assert recognise([two, three]).status_code == 201
    assert counts("LP-X-1") == (2, 2, 1, 1)
    assert counts("LP-X-2") == (1, 1, 1, 1)
    assert counts("LP-X") == (3, 3, 2, 2)
    assert counts("LP") == (4, 4, 3, 2)
    assert counts("VN") == (4, 4, 3, 2)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Registration.id))) == 4  # registered once each, first assessment


def test_only_assessors_of_the_subjects_unit_may_assess(assess, people, subject):
    family = subject("LP-Y-1", "Hộ ở xã khác")
    assert assess(family, PASS).status_code == 403          # the assessor holds LP-X, not LP-Y
    assert assess(family, PASS, who="viewer").status_code == 403
    mine = subject("LP-X-1", "Hộ ở xã mình")
    assert assess(mine, PASS, who="viewer").status_code == 403
    assert people["assessor"].get("/learning/subjects/999999/assessments").status_code == 404
    assert people["assessor"].get(f"/learning/subjects/{family}/assessments").status_code == 403

"""Recognitions over the API: who may be recognised and why the others are refused (outside the subtree, not
passed, already recognised, the same user who assessed, the wrong model), the level that recognises, and
nothing recognisable → no decision (409 for a lost race, 422 otherwise)."""
from sqlalchemy import func, select

from ledger.extensions import db
from ledger.learning.models import Recognition, RecognitionItem
from tests.learning.cycle.conftest import FAIL, PASS, YEAR


def reasons_of(body) -> dict[int, str]:
    return {item["id"]: item["reason"] for item in body["refused"]}


def test_a_decision_recognises_the_passed_and_refuses_the_rest_with_reasons(assess, recognise, people, subject):
    passed = [subject("LP-X-1", "Hộ ông Lò Văn Xuân", head_name="Lò Văn Xuân"),
              subject("LP-X-2", "Hộ bà Cà Thị Ún", head_name="Cà Thị Ún")]
    failed = subject("LP-X-1", "Hộ ông Lường Văn Pọm")
    outside = subject("LP-Y-1", "Hộ ở xã Yên Bình")
    unassessed = subject("LP-X-1", "Hộ chưa bình xét")
    clan = subject("LP-X", "Dòng họ Lò", model="clan")
    mine = subject("LP-X-2", "Hộ do chủ tịch bình xét")
    for family in passed:
        assess(family, PASS)
    assess(failed, FAIL)
    assess(outside, PASS, who="province_admin")
    assess(mine, PASS, who="approver")  # the approver may assess (action "assess") but not then recognise it
    response = recognise([*passed, failed, outside, unassessed, clan, mine, 999999])
    assert response.status_code == 201, response.json
    body = response.json
    assert body["recognized"] == passed
    assert (body["unit"], body["year"], body["model"], body["decision_number"]) == ("LP-X", YEAR, "family",
                                                                                     "12/QĐ-KH")
    assert reasons_of(body) == {
        failed: f"Kết quả bình xét năm {YEAR}: không đạt.",
        outside: "Không thuộc địa bàn của Hội Khuyến học xã Tân Xuân.",
        unassessed: f"Chưa được bình xét năm {YEAR}.",
        clan: "Là đối tượng Dòng họ học tập, không phải Gia đình học tập.",
        mine: "Người công nhận chính là người đã nhập kết quả bình xét; cần một người khác công nhận.",
        999999: "Không thuộc địa bàn của Hội Khuyến học xã Tân Xuân."}
    decision = people["viewer"].get(f"/learning/recognitions/{body['id']}").json
    assert [(item["position"], item["subject"], item["head_name"], item["unit"], item["score"])
            for item in decision["items"]] == [(1, passed[0], "Lò Văn Xuân", "LP-X-1", 17),
                                               (2, passed[1], "Cà Thị Ún", "LP-X-2", 17)]
    again = recognise([passed[0], mine], who="approver2", number="13/QĐ-KH")
    assert again.status_code == 201, again.json
    assert again.json["recognized"] == [mine]
    assert reasons_of(again.json) == {passed[0]: f"Đã được công nhận năm {YEAR}."}


def test_nothing_recognisable_makes_no_decision(assess, recognise, subject):
    family = subject("LP-X-1", "Hộ ông Lò Văn Xuân")
    failed = subject("LP-X-1", "Hộ ông Lường Văn Pọm")
    assess(family, PASS)
    assess(failed, FAIL)
    refused = recognise([failed])
    assert (refused.status_code, refused.json["code"]) == (422, "not_eligible")
    assert refused.json["errors"]["subjects"] == [f"{failed}: Kết quả bình xét năm {YEAR}: không đạt."]
    assert recognise([family]).status_code == 201
    repeat = recognise([family], who="approver2")
    assert (repeat.status_code, repeat.json["code"]) == (409, "invalid_state")
    db.session.rollback()
    assert db.session.scalar(select(func.count(Recognition.id))) == 1
    assert db.session.scalar(select(func.count(RecognitionItem.id))) == 1


def test_the_level_the_set_names_recognises(assess, recognise, people, subject):
    family = subject("LP-X-1", "Hộ ông Lò Văn Xuân")
    assess(family, PASS)
    branch = recognise([family], who="branch_approver", unit="LP-X-1")
    assert branch.status_code == 422 and "unit" in branch.json["errors"], branch.json
    province = recognise([family], who="province_admin", unit="LP")
    assert province.status_code == 201 and province.json["recognized"] == [family]


def test_only_approvers_of_the_unit_recognise(assess, recognise, people, subject):
    family = subject("LP-X-1", "Hộ ông Lò Văn Xuân")
    assess(family, PASS)
    assert recognise([family], who="assessor").status_code == 403
    assert recognise([family], who="viewer").status_code == 403
    assert recognise([family], unit="LP-Y").status_code == 403  # the approver holds LP-X only
    bad = recognise([], number="")
    assert bad.status_code == 422 and {"subjects", "decision_number"} <= set(bad.json["errors"])
    blank = recognise([family], number="   ")
    assert blank.status_code == 422 and set(blank.json["errors"]) == {"decision_number"}


def test_the_list_of_decisions_of_a_subtree(assess, recognise, people, subject):
    one, two = subject("LP-X-1", "Hộ Một"), subject("LP-X-2", "Hộ Hai")
    assess(one, PASS)
    assess(two, PASS)
    first = recognise([one]).json["id"]
    second = recognise([two], who="approver2", number="14/QĐ-KH").json["id"]
    listed = people["province_admin"].get("/units/LP/learning/recognitions", query_string={"year": YEAR}).json
    assert sorted(item["id"] for item in listed["items"]) == sorted([first, second]) and listed["total"] == 2
    assert [item["count"] for item in listed["items"]] == [1, 1]
    assert people["viewer"].get("/units/LP-Y/learning/recognitions").status_code == 403
    other = people["province_admin"].get("/units/LP/learning/recognitions", query_string={"model": "clan"}).json
    assert other["total"] == 0

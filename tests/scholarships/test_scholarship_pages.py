"""Scholarship pages through the test client: presets, program form, the rule editor's live preview,
nomination form, blind review, the decision and the ceremony payout forms."""
import re
import uuid

import pytest

from ledger.core.dates import vn_today

TODAY = vn_today().isoformat()


@pytest.fixture
def treasurer_page(people, page_as):
    return page_as(("SL", "treasurer"))


def test_index_offers_the_presets(treasurer_page, program):
    html = treasurer_page.get("/scholarships").text
    for name in ("Học sinh nghèo vượt khó", "Học sinh giỏi", "Con nuôi khuyến học", "Học không bao giờ cùng"):
        assert name in html
    assert "Học bổng học sinh nghèo vượt khó" in html  # the program made by the fixture


def program_form(**changes) -> dict:
    form = {"code": "HB-PAGE", "name": "Học bổng thử", "owner_unit": "SL", "fund": "QKH-SL",
            "award_amount": "1.500.000", "kind": "scholarship", "schedule": "once",
            "rules": '{"all": [{"field": "household_status", "in": ["poor", "near_poor"]}]}',
            "scoring": '{"household_status": {"poor": 30}}', "tiers": "[]"}
    form.update(changes)
    return form


def test_program_form_from_a_preset_shows_rule_problems_with_their_path(treasurer_page, people):
    filled = treasurer_page.get("/scholarships/programs/new?preset=con_nuoi").text
    assert "both_parents" in filled and 'value="sponsorship" selected' in filled
    bad = treasurer_page.post("/scholarships/programs/new", data=program_form(
        rules='{"all": [{"field": "gpa", "gte": 8}]}'))
    assert bad.status_code == 422 and "all[0].field: trường &#39;gpa&#39; không tồn tại" in bad.text
    broken = treasurer_page.post("/scholarships/programs/new", data=program_form(rules='{"all": ['))
    assert broken.status_code == 422 and "JSON không hợp lệ" in broken.text
    good = treasurer_page.post("/scholarships/programs/new", data=program_form())
    assert good.status_code == 303 and good.location.endswith("/scholarships/programs/HB-PAGE")
    assert people["treasurer"].get("/scholarships/programs/HB-PAGE").json["award_amount"] == 1_500_000


def test_rule_editor_shows_who_passes_before_saving(treasurer_page, people, open_round, nominate):
    nominate(open_round, full_name="Hà Thị Poor", household_status="poor")
    nominate(open_round, full_name="Vì Văn Near")
    stricter = '{"all": [{"field": "household_status", "eq": "poor"}]}'
    page = treasurer_page.post("/scholarships/programs/HB-SL/rules",
                               data={"rules": stricter, "scoring": "{}", "action": "preview"})
    assert page.status_code == 200
    rows = re.findall(r'<tr class="(changed)?"><td>([^<]+)</td>.*?<span class="badge (ok|no)">', page.text)
    assert {(name, badge) for _changed, name, badge in rows} == {("Hà Thị Poor", "ok"), ("Vì Văn Near", "no")}
    assert "(1/2)" in page.text and "Hoàn cảnh gia đình: yêu cầu hộ nghèo" in page.text
    assert people["treasurer"].get("/scholarships/programs/HB-SL").json["version"] == 1
    saved = treasurer_page.post("/scholarships/programs/HB-SL/rules",
                                data={"rules": stricter, "scoring": "{}", "action": "save"})
    assert saved.status_code == 303
    assert people["treasurer"].get("/scholarships/programs/HB-SL").json["version"] == 2


def test_rule_editor_refuses_bad_rules_and_saves_nothing(treasurer_page, people, program):
    page = treasurer_page.post("/scholarships/programs/HB-SL/rules",
                               data={"rules": '{"field": "grade", "between": 1}', "scoring": "{}", "action": "save"})
    assert page.status_code == 422 and "toán tử &#39;between&#39; không tồn tại" in page.text
    assert people["treasurer"].get("/scholarships/programs/HB-SL").json["version"] == 1


def nomination_form(**changes) -> dict:
    form = {"nominated_by": "SL-C1-THCS", "full_name": "Mùa A Páo", "date_of_birth": "05/09/2012", "gender": "male",
            "student_code": f"HS-{uuid.uuid4().hex[:8]}", "school": "Trường PTDTBT THCS Chiềng Sinh", "grade": "8",
            "academic_result": "tot", "conduct": "tot", "household_status": "poor",
            "household_certificate": "45/2025", "orphan": "one_parent", "ethnic_minority": "on",
            "prize_level-0": "district", "prize_rank-0": "second", "prize_subject-0": "Toán", "prize_year-0": "2025",
            "evidence": "Giấy chứng nhận hộ nghèo 45/2025\nHọc bạ lớp 7", "idempotency_key": f"form-{uuid.uuid4().hex}"}
    form.update(changes)
    return form


def test_nomination_form_records_the_child_and_the_round_page_explains(page_as, people, open_round):
    school = page_as(("SL-C1-THCS", "treasurer"))
    form = school.get(f"/scholarships/rounds/{open_round}/nominate")
    assert form.status_code == 200 and "SL-C1-THCS" in form.text
    r = school.post(f"/scholarships/rounds/{open_round}/nominate", data=nomination_form())
    assert r.status_code == 303, r.text
    [candidate] = people["treasurer"].get(f"/scholarships/rounds/{open_round}/candidates").json["items"]
    assert candidate["eligible"] is True and candidate["score"] == 30 + 20 + 15
    page = people["treasurer"].client.get(f"/scholarships/rounds/{open_round}")  # not logged in on pages
    assert page.status_code in (302, 303)
    html = page_as(("SL", "viewer")).get(f"/scholarships/rounds/{open_round}").text
    assert "Mùa A Páo" in html and "Hộ nghèo (GCN 45/2025; yêu cầu thuộc hộ nghèo, hộ cận nghèo): đạt" in html
    assert "Giấy chứng nhận hộ nghèo 45/2025" in html
    again = school.post(f"/scholarships/rounds/{open_round}/nominate",
                        data=nomination_form(student_code=nomination_form()["student_code"]))
    assert again.status_code == 303  # another child (fresh code) is fine


def test_nomination_form_shows_problems_and_duplicates(page_as, people, open_round):
    school = page_as(("SL-C1-THCS", "treasurer"))
    missing = school.post(f"/scholarships/rounds/{open_round}/nominate", data=nomination_form(grade="", school=""))
    assert missing.status_code == 422 and "Thiếu trường bắt buộc" in missing.text
    form = nomination_form()
    assert school.post(f"/scholarships/rounds/{open_round}/nominate", data=form).status_code == 303
    assert school.post(f"/scholarships/rounds/{open_round}/nominate", data=form).status_code == 303  # a double click
    assert len(people["treasurer"].get(f"/scholarships/rounds/{open_round}/candidates").json["items"]) == 1
    twice = school.post(f"/scholarships/rounds/{open_round}/nominate",
                        data={**form, "idempotency_key": f"form-{uuid.uuid4().hex}"})
    assert twice.status_code == 409 and "đã có hồ sơ trong đợt xét này" in twice.text


def test_blind_review_hides_the_others_votes_until_the_decision(page_as, people, program, round_body, nominate):
    round_id = people["treasurer"].post("/scholarships/programs/HB-SL/rounds",
                                        json=round_body(blind_review=True)).json["id"]
    first, second = page_as(("SL", "reviewer")), page_as(("SL", "reviewer"))
    people["treasurer"].post(f"/scholarships/rounds/{round_id}/reviewers",
                             json={"usernames": [first.user.username, second.user.username]})
    c = nominate(round_id)
    r = first.post(f"/scholarships/candidates/{c['id']}/review", data={"choice": "no", "note": "Chưa rõ hồ sơ"})
    assert r.status_code == 303
    own = first.get(f"/scholarships/rounds/{round_id}/review").text
    assert "Không đồng ý</strong> — Chưa rõ hồ sơ" in own
    other = second.get(f"/scholarships/rounds/{round_id}/review").text
    assert "Chưa rõ hồ sơ" not in other and "không 1" not in other and "Xét kín" in other
    assert "Xét kín: ý kiến hiện sau khi quyết định" in page_as(("SL", "viewer")).get(
        f"/scholarships/rounds/{round_id}").text
    second.post(f"/scholarships/candidates/{c['id']}/review", data={"choice": "conflict"})
    people["approver"].post(f"/scholarships/rounds/{round_id}/decide",
                            json={"decision_number": "9/QĐ", "decided_on": TODAY})
    after = second.get(f"/scholarships/rounds/{round_id}/review").text
    assert "không 1 · rút lui 1" in after


def test_decide_then_pay_at_the_ceremony_through_the_forms(page_as, people, open_round, nominate):
    names = ["Lò Văn A", "Lò Văn B"]
    for name in names:
        nominate(open_round, full_name=name)
    approver, treasurer = page_as(("SL", "approver")), page_as(("SL", "treasurer"))
    assert "decide-form" not in treasurer.get(f"/scholarships/rounds/{open_round}").text
    decision = {"decision_number": "21/QĐ-KH", "decided_on": vn_today().strftime("%d/%m/%Y"),
                "idempotency_key": f"form-{uuid.uuid4().hex}"}
    r = approver.post(f"/scholarships/rounds/{open_round}/decide", data=decision)
    assert r.status_code == 303
    assert approver.post(f"/scholarships/rounds/{open_round}/decide", data=decision).status_code == 303  # replayed
    again = approver.post(f"/scholarships/rounds/{open_round}/decide", data={
        **decision, "decision_number": "22/QĐ-KH", "idempotency_key": f"form-{uuid.uuid4().hex}"})
    assert again.status_code == 409 and "đã có quyết định số 21/QĐ-KH" in again.text
    page = treasurer.get(f"/scholarships/rounds/{open_round}").text
    token = re.search(r'name="idempotency_key" value="([^"]+)"', page)[1]
    form = {"date": TODAY, "method": "cash", "idempotency_key": token}
    paid = treasurer.post(f"/scholarships/rounds/{open_round}/pay", data=form)
    assert paid.status_code == 303
    assert treasurer.post(f"/scholarships/rounds/{open_round}/pay", data=form).status_code == 303  # replayed
    after = treasurer.get(f"/scholarships/rounds/{open_round}").text
    assert len(set(re.findall(r"PC-\d{4}-\d{6}", after))) == 2
    assert people["treasurer"].get("/units/SL/entries").json["total"] == 3
    pdf = treasurer.get(f"/scholarships/rounds/{open_round}/signoff.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_unit_page_shows_its_programs(page_as, program):
    html = page_as(("SL", "viewer")).get("/units/SL").text
    assert "Học bổng học sinh nghèo vượt khó" in html and "/public/scholarships/SL/awards.json" in html


def test_sponsorship_page_pays_a_month_and_renews_on_new_results(page_as, people, sponsorship):
    treasurer, chair = page_as(("SL", "treasurer")), page_as(("SL", "approver"))
    page = treasurer.get(f"/scholarships/awards/{sponsorship['id']}").text
    assert page.count("400.000 ₫") >= 9 and "Chi kỳ 1: 400.000 ₫" in page and "Xét gia hạn" not in page
    token = re.search(r'name="idempotency_key" value="([^"]+)"', page)[1]
    assert treasurer.post(f"/scholarships/awards/{sponsorship['id']}/pay",
                          data={"date": TODAY, "method": "cash", "idempotency_key": token}).status_code == 303
    assert "Chi kỳ 2: 400.000 ₫" in treasurer.get(f"/scholarships/awards/{sponsorship['id']}").text
    form = {"school_year": "2026-2027", "grade": "7", "academic_result": "dat", "conduct": "tot",
            "household_status": "poor", "decided_on": TODAY}
    refused = chair.post(f"/scholarships/awards/{sponsorship['id']}/renew",
                         data={**form, "idempotency_key": f"form-{uuid.uuid4().hex}"})
    assert refused.status_code == 422 and "không còn đủ điều kiện" in refused.text
    renewed = chair.post(f"/scholarships/awards/{sponsorship['id']}/renew",
                         data={**form, "academic_result": "kha", "idempotency_key": f"form-{uuid.uuid4().hex}"})
    assert renewed.status_code == 303
    assert "năm đỡ đầu thứ 2" in chair.get(renewed.location).text

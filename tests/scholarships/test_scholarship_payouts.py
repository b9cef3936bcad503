"""Payouts through the books, commitments on the fund, the round's PDFs, sponsorship and open data."""
import json

import pytest

from ledger.core.dates import vn_today

TODAY = vn_today().isoformat()


def fund(people):
    return people["treasurer"].get("/funds/QKH-SL").json


def test_decided_awards_are_commitments_until_paid(people, decided):
    position = fund(people)
    assert (position["balance"], position["committed"], position["available"]) == (50_000_000, 6_000_000, 44_000_000)
    award = decided["awards"][0]
    r = people["treasurer"].post(f"/scholarships/awards/{award['id']}/pay", json={"date": TODAY, "method": "cash"})
    assert r.status_code == 201, r.json
    assert r.json["status"] == "posted" and r.json["category"] == "scholarship" and r.json["amount"] == 2_000_000
    assert r.json["number"].startswith("PC-") and r.json["fund"] == "QKH-SL" and r.json["entry_ids"]
    assert r.json["payee"]["name"] == "Lò Thị Mai"
    position = fund(people)
    assert (position["balance"], position["committed"], position["available"]) == (48_000_000, 4_000_000, 44_000_000)
    paid = people["treasurer"].get(f"/scholarships/awards/{award['id']}").json
    assert paid["status"] == "paid" and paid["installments"][0]["disbursement_id"] == r.json["id"]
    assert people["treasurer"].get(f"/scholarships/awards/{decided['awards'][1]['id']}").json["status"] == "decided"
    disbursement = people["treasurer"].get(f"/disbursements/{r.json['id']}")
    if disbursement.status_code == 200:  # the disbursement API of "Money in and out"
        assert disbursement.json["status"] == "posted"


def test_an_award_is_paid_once(people, decided):
    award_id = decided["awards"][0]["id"]
    assert people["treasurer"].post(f"/scholarships/awards/{award_id}/pay",
                                    json={"date": TODAY, "method": "cash"}).status_code == 201
    again = people["treasurer"].post(f"/scholarships/awards/{award_id}/pay", json={"date": TODAY, "method": "cash"})
    assert again.status_code == 409 and again.json["code"] == "invalid_state"


@pytest.mark.parametrize("who", ["approver", "r1", "school", "stranger"])
def test_only_a_treasurer_of_the_owner_pays(people, decided, who):
    r = people[who].post(f"/scholarships/awards/{decided['awards'][0]['id']}/pay",
                         json={"date": TODAY, "method": "cash"})
    assert r.status_code == 403


def test_no_money_in_the_bank_refuses_and_writes_nothing(people, decided):
    award_id = decided["awards"][0]["id"]
    r = people["treasurer"].post(f"/scholarships/awards/{award_id}/pay", json={"date": TODAY, "method": "bank"})
    assert r.status_code == 422 and r.json["code"] == "insufficient_funds", r.json
    assert fund(people)["committed"] == 6_000_000
    assert people["treasurer"].get("/units/SL/entries").json["total"] == 1  # only the donation


def test_payout_replays_with_the_same_idempotency_key(people, decided):
    award_id = decided["awards"][0]["id"]
    headers = {"Idempotency-Key": "pay-award-1"}
    first = people["treasurer"].post(f"/scholarships/awards/{award_id}/pay", json={"date": TODAY, "method": "cash"},
                                     headers=headers)
    again = people["treasurer"].post(f"/scholarships/awards/{award_id}/pay", json={"date": TODAY, "method": "cash"},
                                     headers=headers)
    assert (again.status_code, again.json) == (first.status_code, first.json)
    assert people["treasurer"].get("/units/SL/entries").json["total"] == 2


def test_ceremony_pays_everyone_once_and_the_signoff_list_prints(people, decided, pdf_text):
    round_id = decided["round"]
    before = pdf_text(people["treasurer"].get(f"/scholarships/rounds/{round_id}/signoff/pdf"))
    assert "DANH SÁCH KÝ NHẬN" in before and "15/QĐ-KH" in before
    assert all(name in before for name in ("Lò Thị Mai", "Cầm Văn Tú", "Quàng Thị Hoa"))
    assert "6.000.000" in before and "Sáu triệu đồng" in before
    r = people["treasurer"].post(f"/scholarships/rounds/{round_id}/pay", json={"date": TODAY, "method": "cash"})
    assert r.status_code == 201, r.json
    assert len(r.json["disbursements"]) == 3 and r.json["total"] == 6_000_000
    numbers = [d["number"] for d in r.json["disbursements"]]
    assert len(set(numbers)) == 3
    after = pdf_text(people["treasurer"].get(f"/scholarships/rounds/{round_id}/signoff/pdf"))
    assert all(number in after for number in numbers)
    assert "2011" not in after and "HS0" not in after  # no birth date, no student code
    again = people["treasurer"].post(f"/scholarships/rounds/{round_id}/pay", json={"date": TODAY, "method": "cash"})
    assert again.status_code == 409 and again.json["code"] == "invalid_state"
    assert fund(people)["committed"] == 0
    assert {people["treasurer"].get(f"/scholarships/awards/{a['id']}").json["status"] for a in decided["awards"]} == {
        "paid"}


def test_ceremony_is_all_or_nothing(people, decided):
    round_id = decided["round"]
    r = people["treasurer"].post(f"/scholarships/rounds/{round_id}/pay", json={"date": TODAY, "method": "bank"})
    assert r.status_code == 422 and r.json["code"] == "insufficient_funds"
    assert people["treasurer"].get("/units/SL/entries").json["total"] == 1


def test_decision_pdf_has_the_numbered_list_and_the_rules_it_used(people, decided, pdf_text):
    text = pdf_text(people["approver"].get(f"/scholarships/rounds/{decided['round']}/decision/pdf"))
    assert "QUYẾT ĐỊNH" in text and "Số: 15/QĐ-KH" in text
    assert "phiên bản 1" in text and "Hoàn cảnh gia đình: yêu cầu thuộc hộ nghèo, hộ cận nghèo" in text
    lines = [line for line in text.splitlines() if "Lò Thị Mai" in line or "Cầm Văn Tú" in line]
    assert lines[0].split()[0] == "1" and lines[1].split()[0] == "2"
    assert "Sáu triệu đồng" in text


def test_certificates_one_page_per_recipient(people, decided, pdf_text):
    response = people["approver"].get(f"/scholarships/rounds/{decided['round']}/certificates/pdf")
    text = pdf_text(response)
    assert text.count("GIẤY CHỨNG NHẬN") == 3 and text.count("\f") >= 3
    assert "Cầm Văn Tú" in text and "Hai triệu đồng" in text


def test_documents_wait_for_the_decision(people, open_round):
    r = people["approver"].get(f"/scholarships/rounds/{open_round}/decision/pdf")
    assert r.status_code == 422 and r.json["code"] == "invalid_state"


# ---- multi-year sponsorship ---------------------------------------------------------------------

RENEWAL = {"school_year": "2026-2027", "decided_on": TODAY, "grade": 7, "academic_result": "kha", "conduct": "tot"}


def test_sponsorship_pays_monthly_and_commits_only_what_is_unpaid(people, sponsorship):
    assert fund(people)["committed"] == 3_600_000
    r = people["treasurer"].post(f"/scholarships/awards/{sponsorship['id']}/pay",
                                 json={"date": TODAY, "method": "cash"})
    assert r.status_code == 201 and r.json["amount"] == 400_000 and "kỳ 1/9" in r.json["memo"]
    assert fund(people)["committed"] == 3_200_000
    award = people["treasurer"].get(f"/scholarships/awards/{sponsorship['id']}").json
    assert award["status"] == "decided" and [i["paid_on"] is not None for i in award["installments"]] == [
        True] + [False] * 8
    assert [i["due_on"][:7] for i in award["installments"]] == [
        "2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]


def test_sponsorship_renews_only_on_eligible_new_results(people, sponsorship):
    path = f"/scholarships/awards/{sponsorship['id']}/renew"
    failing = people["approver"].post(path, json={**RENEWAL, "academic_result": "dat"})
    assert failing.status_code == 422 and failing.json["code"] == "not_eligible", failing.json
    assert "Kết quả học tập Đạt (yêu cầu từ Khá): không đạt" in failing.json["errors"]["reasons"]
    wrong_year = people["approver"].post(path, json={**RENEWAL, "school_year": "2027-2028"})
    assert wrong_year.status_code == 422 and wrong_year.json["code"] == "invalid_state"
    renewed = people["approver"].post(path, json=RENEWAL)
    assert renewed.status_code == 201, renewed.json
    assert renewed.json["school_year"] == "2026-2027" and renewed.json["renewal_of"] == sponsorship["id"]
    assert [i["due_on"][:7] for i in renewed.json["installments"]][:2] == ["2026-09", "2026-10"]
    assert sum(i["amount"] for i in renewed.json["installments"]) == 3_600_000
    twice = people["approver"].post(path, json=RENEWAL)
    assert twice.status_code == 409 and twice.json["code"] == "duplicate"
    third = people["approver"].post(f"/scholarships/awards/{renewed.json['id']}/renew",
                                    json={**RENEWAL, "school_year": "2027-2028", "grade": 8})
    assert third.status_code == 422 and "tối đa 2 năm" in third.json["detail"]
    assert people["treasurer"].post(path, json=RENEWAL).status_code == 403


def test_plain_scholarships_do_not_renew(people, decided):
    r = people["approver"].post(f"/scholarships/awards/{decided['awards'][0]['id']}/renew", json=RENEWAL)
    assert r.status_code == 422 and r.json["code"] == "invalid_state"


def test_renewal_beyond_the_money_is_over_budget(people, sponsorship, round_body, nominate, decide):
    later = people["treasurer"].post("/scholarships/programs/CON-NUOI/rounds", json=round_body(
        school_year="2026-2027", budget=46_400_000, quota=None)).json["id"]
    for _ in range(13):
        nominate(later, household_status="poor", grade=6)
    assert decide(later).json["total"] == 12 * 3_600_000
    assert fund(people)["available"] == 3_200_000
    r = people["approver"].post(f"/scholarships/awards/{sponsorship['id']}/renew", json=RENEWAL)
    assert r.status_code == 422 and r.json["code"] == "over_budget", r.json


# ---- open data ----------------------------------------------------------------------------------

def test_open_data_in_the_360giving_shape_with_children_anonymised(client, decided, people):
    r = client.get(f"/public/scholarships/rounds/{decided['round']}/awards.json")
    assert r.status_code == 200
    grants = r.json["grants"]
    assert len(grants) == 3 and {g["currency"] for g in grants} == {"VND"}
    first = grants[0]
    assert first["recipientIndividual"]["name"] == "Individual Recipient"
    assert first["recipientIndividual"]["id"].startswith("360G-QKH-IND-")
    assert first["fundingOrganization"] == [{"id": "360G-QKH-ORG-SL", "name": "Hội Khuyến học tỉnh Sơn La"}]
    assert first["toIndividualsDetails"]["primaryGrantReason"] == "GTIR010"
    assert first["beneficiaryLocation"][0]["name"] == "Hội Khuyến học xã Chiềng Sinh"  # the school's commune
    body = json.dumps(r.json, ensure_ascii=False)
    for private in ("Lò Thị Mai", "Cầm", "2011-04-02", "HS0", "THCS Chiềng Sinh"):
        assert private not in body
    csv = client.get("/public/scholarships/SL/awards.csv")
    assert csv.status_code == 200 and csv.data.startswith("\ufeff".encode())
    lines = csv.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Identifier,Title,Description,Currency,Amount Awarded,Award Date,"
                               "Recipient Ind:Identifier")
    assert len(lines) == 4 and "Lò Thị Mai" not in csv.data.decode()


def test_open_data_waits_for_the_decision(client, open_round):
    assert client.get(f"/public/scholarships/rounds/{open_round}/awards.json").status_code == 404

"""Disbursements through the API and the approval queue: pending until another person approves,
numbered at posting, refused for lack of money (and still pending), rejected with a reason.
"""
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from ledger.accounts.treasury.models import Disbursement
from ledger.extensions import db

SCHOLARSHIP = {"date": "2026-03-15", "amount": 1500000, "method": "cash", "fund": "HOIPHI", "category": "scholarship",
               "payee": {"name": "Lò Thị Hoa", "address": "Bản Mé"}, "memo": "Học bổng học sinh nghèo vượt khó"}


@pytest.fixture
def people(community_tree, api_as, give):
    give("SL-X01", 5000000, on=date(2026, 3, 1), fund="HOIPHI")
    return {"treasurer": api_as(("SL-X01", "treasurer")), "approver": api_as(("SL-X01", "approver")),
            "chair": api_as(("SL", "approver"), username="chutich"), "both": api_as(("SL-X01", "treasurer"),
                                                                                  ("SL-X01", "approver"))}


def create(api, unit="SL-X01", **overrides):
    r = api.post(f"/units/{unit}/disbursements", json={**SCHOLARSHIP, **overrides})
    assert r.status_code == 201, r.json
    return r.json


def test_created_pending_without_a_number_then_approved_and_numbered(people, balance):
    made = create(people["treasurer"])
    assert made["status"] == "pending_approval" and made["number"] is None and made["entry_ids"] == []
    assert balance(people["approver"], "SL-X01", "111") == 5000000
    r = people["approver"].post(f"/disbursements/{made['id']}/approve")
    assert r.status_code == 200, r.json
    assert r.json["status"] == "posted" and r.json["number"] == "PC-2026-000001" and len(r.json["entry_ids"]) == 1
    entry = people["approver"].get(f"/entries/{r.json['entry_ids'][0]}").json
    assert ({(ln["account"], ln["debit"], ln["credit"]) for ln in entry["lines"]}
            == {("611", 1500000, 0), ("111", 0, 1500000)})
    assert balance(people["approver"], "SL-X01", "111") == 3500000
    again = people["approver"].post(f"/disbursements/{made['id']}/approve")
    assert again.status_code == 409 and again.json["code"] == "invalid_state"


def test_the_creator_cannot_approve_their_own(people):
    made = create(people["both"])
    r = people["both"].post(f"/disbursements/{made['id']}/approve")
    assert r.status_code == 403 and r.json["code"] == "same_user"
    assert people["both"].get(f"/disbursements/{made['id']}").json["status"] == "pending_approval"


def test_not_enough_money_is_refused_with_the_available_amount_and_stays_pending(people, give):
    made = create(people["treasurer"], amount=7000000)
    r = people["approver"].post(f"/disbursements/{made['id']}/approve", headers={"Idempotency-Key": "pc-7m"})
    assert r.status_code == 422 and r.json["code"] == "insufficient_funds"
    assert "5.000.000" in r.json["detail"] and "HOIPHI" in r.json["detail"]
    assert people["approver"].get(f"/disbursements/{made['id']}").json["status"] == "pending_approval"
    give("SL-X01", 2000000, on=date(2026, 3, 2), fund="HOIPHI")
    ok = people["approver"].post(f"/disbursements/{made['id']}/approve", headers={"Idempotency-Key": "pc-7m-2"})
    assert ok.status_code == 200 and ok.json["number"] == "PC-2026-000001"


def test_the_owners_commitments_are_not_spent(people, api_as, give):
    from ledger.accounts import balances

    give("SL", 5000000, on=date(2026, 3, 1), fund="HOIPHI")
    province = {"treasurer": api_as(("SL", "treasurer")), "approver": api_as(("SL", "approver"))}
    promised = lambda fund: 4000000 if fund.code == "HOIPHI" else 0  # noqa: E731
    balances.commitment_sources.append(promised)
    try:
        made = create(province["treasurer"], unit="SL", fund="HOIPHI", category="operations")
        r = province["approver"].post(f"/disbursements/{made['id']}/approve")
    finally:
        balances.commitment_sources.remove(promised)
    assert r.status_code == 422 and r.json["code"] == "insufficient_funds" and "4.000.000" in r.json["detail"]
    assert create(province["treasurer"], unit="SL", category="scholarship")["status"] == "pending_approval"


def test_reject_needs_a_reason_and_ends_it(people):
    made = create(people["treasurer"])
    assert people["approver"].post(f"/disbursements/{made['id']}/reject", json={"reason": ""}).status_code == 422
    r = people["approver"].post(f"/disbursements/{made['id']}/reject", json={"reason": "Thiếu hồ sơ xét duyệt"})
    assert r.status_code == 200 and r.json["status"] == "rejected"
    assert r.json["rejected_reason"] == "Thiếu hồ sơ xét duyệt"
    late = people["approver"].post(f"/disbursements/{made['id']}/approve")
    assert (late.status_code, late.json["code"]) == (409, "invalid_state")


@pytest.mark.parametrize("overrides, code", [
    ({"fund": "TOHIEU"}, "endowment_principal"),
    ({"fund": "TOHIEU-THU"}, "validation"),
    ({"method": "in_kind"}, "validation"),
    ({"amount": "1.500.000"}, "validation"),
    ({"category": "party"}, "validation"),
])
def test_refused_at_creation(people, overrides, code):
    r = people["treasurer"].post("/units/SL-X01/disbursements", json={**SCHOLARSHIP, **overrides})
    assert r.status_code == 422 and r.json["code"] == code, r.json
    assert db.session.scalar(select(func.count(Disbursement.id))) == 0


def test_closed_period_is_refused_at_creation(people):
    people["treasurer"].post("/units/SL-X01/periods/close", json={"through": "2026-03-31"})
    r = people["treasurer"].post("/units/SL-X01/disbursements", json=SCHOLARSHIP)
    assert r.status_code == 422 and r.json["code"] == "period_closed"


@pytest.mark.parametrize("who, status", [("treasurer", 403), ("approver", 403), ("chair", 200)])
def test_above_the_threshold_only_the_chair_approves(people, api_as, who, status):
    admin = api_as(("SL", "admin"))
    policy = admin.put("/units/SL-X01/approval-policy", json={"threshold": 1000000, "chair": "chutich"})
    assert policy.status_code == 200 and policy.json["threshold"] == 1000000
    made = create(people["both"])
    r = people[who].post(f"/disbursements/{made['id']}/approve")
    assert r.status_code == status, r.json
    small = create(people["both"], amount=500000)
    assert people["approver"].post(f"/disbursements/{small['id']}/approve").status_code == 200


def test_record_approved_disbursement_posts_at_once_with_the_same_checks(people):
    from ledger.accounts.treasury.services.disbursements import record_approved_disbursement
    from ledger.auth.models import User
    from ledger.core.errors import SameUser
    from ledger.units.services import get_unit

    treasurer, approver = (db.session.get(User, people[k].user.id) for k in ("treasurer", "approver"))
    data = {**SCHOLARSHIP, "date": date(2026, 3, 15)}
    paid = record_approved_disbursement(get_unit("SL-X01"), data, by=treasurer, approved_by=approver)
    db.session.commit()
    assert paid.status == "posted" and paid.number == "PC-2026-000001" and paid.decided_by_id == approver.id
    with pytest.raises(SameUser):
        record_approved_disbursement(get_unit("SL-X01"), data, by=treasurer, approved_by=treasurer)


def test_list_by_status(people):
    first, second = create(people["treasurer"]), create(people["treasurer"], amount=100000)
    people["approver"].post(f"/disbursements/{first['id']}/approve")
    pending = people["approver"].get("/units/SL-X01/disbursements?status=pending_approval").json
    assert [d["id"] for d in pending["items"]] == [second["id"]]
    assert people["chair"].get("/units/SL/disbursements?subtree=true").json["total"] == 2


# ---- pages: the form and the approval queue -----------------------------------------------------

@pytest.fixture
def pages(people, page_as):
    return {"treasurer": page_as(("SL-X01", "treasurer"), ("SL-X01", "approver")),
            "approver": page_as(("SL-X01", "approver"))}


def page_form(**overrides):
    return {"date": "2026-03-15", "amount": "1.500.000", "method": "cash", "fund": "HOIPHI", "category": "scholarship",
            "payee_name": "Lò Thị Hoa", "memo": "Học bổng", "idempotency_key": "form-pc-1", **overrides}


def test_queue_shows_approve_only_to_another_approver(pages):
    made = pages["treasurer"].post("/units/SL-X01/disbursements/new", data=page_form())
    assert made.status_code == 303
    disbursement = db.session.scalar(select(Disbursement))
    mine = pages["treasurer"].get("/units/SL-X01/approvals").text
    assert "Lò Thị Hoa" in mine and "chờ người khác duyệt" in mine
    assert f"/disbursements/{disbursement.id}/approve" not in mine
    forced = pages["treasurer"].post(f"/disbursements/{disbursement.id}/approve", data={"idempotency_key": "form-x"})
    assert forced.status_code == 403 and "không được tự duyệt" in forced.text
    db.session.expire_all()
    assert db.session.get(Disbursement, disbursement.id).status == "pending_approval"
    queue = pages["approver"].get("/units/SL-X01/approvals").text
    key = re.search(rf'/disbursements/{disbursement.id}/approve".*?name="idempotency_key" value="([^"]+)"',
                    queue, re.S)[1]
    approve = {"idempotency_key": key, "next": "/units/SL-X01/approvals"}
    first = pages["approver"].post(f"/disbursements/{disbursement.id}/approve", data=approve)
    second = pages["approver"].post(f"/disbursements/{disbursement.id}/approve", data=approve)
    assert first.status_code == second.status_code == 303 and first.location.endswith("/units/SL-X01/approvals")
    db.session.expire_all()
    assert db.session.get(Disbursement, disbursement.id).number == "PC-2026-000001"
    assert "Không có phiếu chi nào chờ duyệt" in pages["approver"].get(first.location).text


def test_page_form_refuses_letters_in_the_amount(pages):
    r = pages["treasurer"].post("/units/SL-X01/disbursements/new", data=page_form(amount="1,5 triệu"))
    assert r.status_code == 422 and "Số tiền phải là số nguyên đồng dương" in r.text
    assert db.session.scalar(select(func.count(Disbursement.id))) == 0

"""A pending payment can be re-dated by its maker (e.g. when the books closed under it): an open date only,
an audit row, never by anyone else, never once decided."""
from datetime import date

import pytest
from sqlalchemy import select

from ledger.core.audit import AuditEvent
from ledger.extensions import db

PAYMENT = {"date": "2026-03-15", "amount": 1500000, "method": "cash", "fund": "HOIPHI", "category": "scholarship",
           "payee": {"name": "Lò Thị Hoa"}}


@pytest.fixture
def people(community_tree, api_as, give):
    give("SL-X01", 5000000, on=date(2026, 3, 1), fund="HOIPHI")
    return {"maker": api_as(("SL-X01", "treasurer")), "other": api_as(("SL-X01", "treasurer")),
            "approver": api_as(("SL-X01", "approver"))}


def pending(people):
    made = people["maker"].post("/units/SL-X01/disbursements", json=PAYMENT)
    assert made.status_code == 201, made.json
    return made.json


def test_redated_after_the_books_closed_under_it_then_approved(people, api_as):
    made = pending(people)
    closer = api_as(("SL-X01", "treasurer"))
    assert closer.post("/units/SL-X01/periods/close", json={"through": "2026-03-31"}).status_code == 200
    refused = people["approver"].post(f"/disbursements/{made['id']}/approve")
    assert refused.status_code == 422 and refused.json["code"] == "period_closed"
    still_closed = people["maker"].post(f"/disbursements/{made['id']}/redate", json={"date": "2026-03-31"})
    assert still_closed.status_code == 422 and still_closed.json["code"] == "period_closed"
    moved = people["maker"].post(f"/disbursements/{made['id']}/redate", json={"date": "2026-04-02"})
    assert moved.status_code == 200, moved.json
    assert moved.json["date"] == "2026-04-02" and moved.json["status"] == "pending_approval"
    approved = people["approver"].post(f"/disbursements/{made['id']}/approve")
    assert approved.status_code == 200, approved.json
    entry = people["approver"].get(f"/entries/{approved.json['entry_ids'][0]}").json
    assert entry["date"] == "2026-04-02"


def test_the_redate_is_audited(people):
    made = pending(people)
    people["maker"].post(f"/disbursements/{made['id']}/redate", json={"date": "2026-03-20"})
    row = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "disbursement.redate")).one()
    assert row.before == {"date": "2026-03-15"} and row.after == {"date": "2026-03-20"}


def test_only_the_maker_and_only_while_pending(people):
    made = pending(people)
    other = people["other"].post(f"/disbursements/{made['id']}/redate", json={"date": "2026-03-20"})
    assert other.status_code == 403
    approver = people["approver"].post(f"/disbursements/{made['id']}/redate", json={"date": "2026-03-20"})
    assert approver.status_code == 403
    assert people["approver"].post(f"/disbursements/{made['id']}/approve").status_code == 200
    late = people["maker"].post(f"/disbursements/{made['id']}/redate", json={"date": "2026-03-20"})
    assert late.status_code == 409 and late.json["code"] == "invalid_state"
    assert people["maker"].get(f"/disbursements/{made['id']}").json["date"] == "2026-03-15"


def test_the_maker_redates_from_the_page(community_tree, page_as, give):
    give("SL-X01", 5000000, on=date(2026, 3, 1), fund="HOIPHI")
    page = page_as(("SL-X01", "treasurer"))
    form = {"date": "15/03/2026", "amount": "1.500.000", "method": "cash", "fund": "HOIPHI",
            "category": "scholarship", "payee_name": "Lò Thị Hoa", "idempotency_key": "redate-1"}
    location = page.post("/units/SL-X01/disbursements/new", data=form).headers["Location"]
    assert "Đổi ngày phiếu chi" in page.get(location).text
    done = page.post(location + "/redate", data={"date": "20/03/2026", "idempotency_key": "redate-2"})
    assert done.status_code == 303
    assert "20/03/2026" in page.get(location).text
    approver = page_as(("SL-X01", "approver"))
    assert "Đổi ngày phiếu chi" not in approver.get(location).text

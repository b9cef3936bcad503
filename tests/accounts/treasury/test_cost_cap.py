"""The charity-fund management-cost cap counts every fund of the regime — an endowment's income fund included —
warns the maker of the payment that would cross it (a question before saving on the page, a flag in the API;
never a refusal), and shows approvers the share."""
from datetime import date

import pytest

from ledger.accounts.treasury.models import Disbursement
from ledger.extensions import db

MANAGEMENT = {"date": "2026-05-10", "method": "cash", "category": "operations",
              "payee": {"name": "Văn phòng phẩm Tô Hiệu"}}


@pytest.fixture
def charity(community_tree, make_fund, give):
    """A charity-regime fund and a charity-regime endowment whose income fund is of the association regime."""
    make_fund("TUTHIEN", owner="SL", regime="charity_fund", name="Quỹ từ thiện khuyến học")
    make_fund("DB-THU", owner="SL", kind="restricted", name="Quỹ Đỉnh Bản — thu nhập")
    make_fund("DB", owner="SL", kind="endowment", income_fund="DB-THU", regime="charity_fund", name="Quỹ Đỉnh Bản")
    give("SL", 6000000, on=date(2026, 2, 1), fund="TUTHIEN")
    give("SL", 4000000, on=date(2026, 2, 1), fund="DB-THU")  # counts: the endowment's income fund
    give("SL", 50000000, on=date(2026, 2, 1), fund="HOIPHI")  # does not count: the association's own money


def pay(api, fund: str, amount: int):
    made = api.post("/units/SL/disbursements", json={**MANAGEMENT, "fund": fund, "amount": amount})
    assert made.status_code == 201, made.json
    return made.json


def test_the_share_counts_the_regime_and_the_endowment_income(charity, api_as):
    maker = api_as(("SL", "treasurer"))
    share = pay(maker, "TUTHIEN", 500000)["management_cost"]
    assert share["funds"] == ["DB", "DB-THU", "TUTHIEN"]
    assert share["revenue"] == 10000000 and share["operations"] == 0 and share["after"] == 500000
    assert share["cap_percent"] == 10 and share["share_percent"] == 5.0
    assert share["is_over_cap"] is False and share["crosses_cap"] is False
    assert pay(maker, "DB-THU", 300000)["management_cost"]["revenue"] == 10000000


def test_the_payment_that_crosses_the_cap_is_flagged_not_refused(charity, api_as):
    maker, approver = api_as(("SL", "treasurer")), api_as(("SL", "approver"))
    first = pay(maker, "TUTHIEN", 800000)
    assert approver.post(f"/disbursements/{first['id']}/approve").status_code == 200
    crossing = pay(maker, "DB-THU", 300000)
    share = crossing["management_cost"]
    assert share["operations"] == 800000 and share["after"] == 1100000
    assert share["crosses_cap"] is True and share["share_percent"] == 11.0
    approved = approver.post(f"/disbursements/{crossing['id']}/approve")
    assert approved.status_code == 200  # the cap is reported, not enforced
    after = approved.json["management_cost"]
    assert after["operations"] == 1100000 and after["amount"] == 0 and after["is_over_cap"] is True
    assert after["crosses_cap"] is False  # posted: it no longer adds anything


def test_other_payments_carry_no_share(charity, api_as):
    maker = api_as(("SL", "treasurer"))
    assert pay(maker, "HOIPHI", 500000)["management_cost"] is None
    scholarship = maker.post("/units/SL/disbursements", json={
        **MANAGEMENT, "category": "scholarship", "fund": "TUTHIEN", "amount": 500000}).json
    assert scholarship["management_cost"] is None


def test_the_maker_is_asked_before_saving_and_approvers_see_the_share(charity, page_as):
    page = page_as(("SL", "treasurer"))
    form = {"date": "10/05/2026", "amount": "1.200.000", "method": "cash", "fund": "TUTHIEN",
            "category": "operations", "payee_name": "Văn phòng phẩm Tô Hiệu", "idempotency_key": "cap-1"}
    asked = page.post("/units/SL/disbursements/new", data=form)
    assert asked.status_code == 409 and "Khoản chi này làm chi phí quản lý vượt trần" in asked.text
    assert "Vẫn lưu, gửi duyệt" in asked.text and db.session.query(Disbursement).count() == 0
    saved = page.post("/units/SL/disbursements/new", data={**form, "cost_cap_seen": "1"})
    assert saved.status_code == 303
    queue = page_as(("SL", "approver")).get("/units/SL/approvals").text
    assert "Chi phí quản lý quỹ từ thiện năm 2026" in queue and "(12,0%)" in queue and "trần 10% tổng thu" in queue

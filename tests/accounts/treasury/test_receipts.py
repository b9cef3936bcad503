"""Receipts and donors through the contract's API and the receipt page: books, collected on behalf,
twins found again, contributors, campaigns and pledges, refusals that change nothing.
"""
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from ledger.accounts.treasury.models import Donor, Receipt
from ledger.extensions import db

AN = {"name": "Nguyễn Văn An", "kind": "individual", "phone": "0912 345 678", "address": "Bản Nà An, xã Bình Lư",
      "publish": "full"}


def receipt(**overrides) -> dict:
    return {"date": "2026-03-10", "amount": 2015000, "method": "cash", "fund": "HOIPHI", "category": "donation",
            "donor": AN, **overrides}


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def lines_of(api, entry_id) -> set[tuple]:
    entry = api.get(f"/entries/{entry_id}").json
    return {(entry["unit"], ln["account"], ln["fund"], ln["debit"], ln["credit"], ln["counterparty_unit"])
            for ln in entry["lines"]}


@pytest.fixture
def treasurer(community_tree, api_as):
    return api_as(("SL", "treasurer"))


def test_cash_donation_from_a_new_donor_posts_a_numbered_receipt(treasurer, balance):
    r = treasurer.post("/units/SL-B1/receipts", json=receipt())
    assert r.status_code == 201, r.json
    body = r.json
    assert body["number"] == "PT-2026-000001" and body["amount"] == 2015000
    assert body["amount_in_words"] == "Hai triệu không trăm mười lăm nghìn đồng"
    assert len(body["entry_ids"]) == 1 and body["donor_id"]
    assert lines_of(treasurer, body["entry_ids"][0]) == {
        ("SL-B1", "111", "HOIPHI", 2015000, 0, None), ("SL-B1", "511", "HOIPHI", 0, 2015000, None)}
    assert balance(treasurer, "SL-B1", "111") == 2015000
    got = treasurer.get(f"/receipts/{body['id']}").json
    assert got["donor"]["name"] == "Nguyễn Văn An" and got["number"] == body["number"]
    assert treasurer.post("/units/SL-B1/receipts", json=receipt()).json["number"] == "PT-2026-000002"


@pytest.mark.parametrize("twin, same", [
    ({**AN, "phone": "+84 912.345.678", "name": "Nguyen Van An"}, True),
    ({**AN, "phone": None, "name": "  nguyễn   văn an ", "address": "bản nà an,  xã bình lư"}, True),
    ({**AN, "phone": None, "address": "Tổ 7, phường Bồ Đề"}, False),
    ({**AN, "phone": None, "address": None}, False),
])
def test_a_donor_is_found_again_by_phone_or_by_name_and_address(treasurer, twin, same):
    first = treasurer.post("/units/SL-B1/receipts", json=receipt()).json
    second = treasurer.post("/units/SL-B2/receipts", json=receipt(donor=twin)).json
    assert (second["donor_id"] == first["donor_id"]) is same
    assert count(Donor) == (1 if same else 2)


def test_known_donor_by_id_and_unknown_id_refused(treasurer):
    first = treasurer.post("/units/SL-B1/receipts", json=receipt()).json
    again = treasurer.post("/units/SL-B1/receipts", json=receipt(donor={"id": first["donor_id"]}))
    assert again.status_code == 201 and again.json["donor_id"] == first["donor_id"]
    missing = treasurer.post("/units/SL-B1/receipts", json=receipt(donor={"id": 999999}))
    assert missing.status_code == 422 and "donor" in missing.json["errors"] and count(Receipt) == 2


def test_pooled_fund_below_its_owner_is_collected_on_behalf_in_both_books(treasurer, balance):
    r = treasurer.post("/units/SL-B1/receipts", json=receipt(fund="TOHIEU", amount=5000000))
    assert r.status_code == 201, r.json
    own, owner = r.json["entry_ids"]
    assert lines_of(treasurer, own) == {("SL-B1", "111", "TOHIEU", 5000000, 0, None),
                                        ("SL-B1", "336", "TOHIEU", 0, 5000000, "SL")}
    assert lines_of(treasurer, owner) == {("SL", "136", "TOHIEU", 5000000, 0, "SL-B1"),
                                          ("SL", "511", "TOHIEU", 0, 5000000, None)}
    assert r.json["number"].startswith("PT-") and treasurer.get(f"/entries/{owner}").json["number"].startswith("BT-")
    assert r.json["collected_for"] == "SL"
    assert balance(treasurer, "SL", "511") == -5000000 and balance(treasurer, "SL-B1", "511") == 0


def test_interest_on_an_endowment_is_income_of_its_income_fund(treasurer):
    bank = {"name": "Ngân hàng Nông nghiệp chi nhánh Sơn La", "kind": "organization", "publish": "full"}
    r = treasurer.post("/units/SL/receipts", json=receipt(fund="TOHIEU", category="interest", method="bank",
                                                          amount=12500000, donor=bank))
    assert r.status_code == 201, r.json
    assert r.json["fund"] == "TOHIEU-THU"
    assert lines_of(treasurer, r.json["entry_ids"][0]) == {("SL", "112", "TOHIEU-THU", 12500000, 0, None),
                                                           ("SL", "515", "TOHIEU-THU", 0, 12500000, None)}


def test_goods_in_kind_need_a_description_and_go_to_152(treasurer):
    refused = treasurer.post("/units/SL-B1/receipts", json=receipt(method="in_kind"))
    assert refused.status_code == 422 and "goods_description" in refused.json["errors"]
    books = "50 bộ sách giáo khoa lớp 6"
    r = treasurer.post("/units/SL-B1/receipts", json=receipt(method="in_kind", amount=4500000, goods_description=books))
    assert r.status_code == 201 and r.json["goods_description"] == books
    assert ("SL-B1", "152", "HOIPHI", 4500000, 0, None) in lines_of(treasurer, r.json["entry_ids"][0])


def test_piggy_bank_contributors_must_add_up(treasurer):
    households = [{"name": "Lò Văn Hải", "amount": 215000}, {"name": "Tòng Thị Xuân", "amount": 300000}]
    wrong = treasurer.post("/units/SL-B1/receipts", json=receipt(amount=600000, channel="piggy_bank",
                                                                 contributors=households))
    assert wrong.status_code == 422 and "contributors" in wrong.json["errors"]
    assert count(Receipt) == 0 and count(Donor) == 0
    r = treasurer.post("/units/SL-B1/receipts",
                       json=receipt(amount=515000, channel="piggy_bank", contributors=households))
    assert r.status_code == 201, r.json
    assert r.json["channel"] == "piggy_bank" and r.json["contributors"] == households


@pytest.fixture
def campaigns(treasurer, make_fund):
    """TH2026 raises TOHIEU in the first half of 2026; QKH2026 raises QKH-SL and has a pledge."""
    from ledger.accounts.campaigns.models import Campaign, Pledge
    from ledger.accounts.services import get_fund
    from ledger.units.services import get_unit

    make_fund("QKH-SL", owner="SL")
    sl = get_unit("SL")
    tohieu = Campaign(code="TH2026", name="Vận động Quỹ học bổng Tô Hiệu 2026", owner_unit=sl,
                      fund=get_fund("TOHIEU"), starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30))
    general = Campaign(code="QKH2026", name="Vận động Quỹ khuyến học 2026", owner_unit=sl,
                       fund=get_fund("QKH-SL"), starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
    pledge = Pledge(campaign=general, donor=Donor(name="Trần Thị Bình", name_key="tran thi binh"),
                    amount=10000000, due_on=date(2026, 5, 1))
    db.session.add_all([tohieu, general, pledge])
    db.session.commit()
    return {"pledge_other_campaign": pledge.id}


@pytest.mark.parametrize("overrides, field", [
    ({"campaign": "QKH2026", "fund": "TOHIEU"}, "campaign"),
    ({"campaign": "TH2026", "fund": "TOHIEU", "date": "2026-07-01"}, "campaign"),
    ({"campaign": "NOPE", "fund": "TOHIEU"}, "campaign"),
    ({"campaign": "TH2026", "fund": "TOHIEU", "pledge": "PLEDGE"}, "pledge"),
])
def test_campaign_and_pledge_tags_are_checked(treasurer, campaigns, overrides, field):
    if overrides.get("pledge") == "PLEDGE":
        overrides = {**overrides, "pledge": campaigns["pledge_other_campaign"]}
    r = treasurer.post("/units/SL-B1/receipts", json=receipt(**overrides))
    assert r.status_code == 422 and field in r.json["errors"], r.json
    assert count(Receipt) == 0


def test_campaign_tag_counts_when_fund_and_dates_fit(treasurer, campaigns):
    r = treasurer.post("/units/SL-B1/receipts", json=receipt(fund="TOHIEU", campaign="TH2026"))
    assert r.status_code == 201 and r.json["campaign"] == "TH2026"
    paid = treasurer.post("/units/SL-B1/receipts",
                          json=receipt(fund="QKH-SL", pledge=campaigns["pledge_other_campaign"]))
    assert paid.status_code == 201 and paid.json["campaign"] == "QKH2026"


def test_a_closed_period_refuses_and_nothing_is_written(treasurer):
    assert treasurer.post("/units/SL-B1/periods/close", json={"through": "2026-03-31"}).status_code == 200
    r = treasurer.post("/units/SL-B1/receipts", json=receipt(date="2026-03-31"))
    assert r.status_code == 422 and r.json["code"] == "period_closed"
    assert "31/03/2026" in r.json["detail"]
    assert count(Receipt) == 0 and count(Donor) == 0


@pytest.mark.parametrize("amount", ["2.015.000", 2015000.5, 0, -5, "hai triệu"])
def test_amount_must_be_whole_positive_dong(treasurer, amount):
    r = treasurer.post("/units/SL-B1/receipts", json=receipt(amount=amount))
    assert r.status_code == 422 and r.json["errors"]["amount"]
    assert count(Receipt) == 0


def test_idempotency_key_replays_the_first_receipt(treasurer):
    headers = {"Idempotency-Key": "pt-2026-03-10-an"}
    first = treasurer.post("/units/SL-B1/receipts", json=receipt(), headers=headers)
    again = treasurer.post("/units/SL-B1/receipts", json=receipt(), headers=headers)
    assert (again.status_code, again.json) == (first.status_code, first.json) and count(Receipt) == 1
    other = treasurer.post("/units/SL-B1/receipts", json=receipt(amount=5), headers=headers)
    assert other.status_code == 409 and other.json["code"] == "idempotency_mismatch"


@pytest.mark.parametrize("role, unit, status", [
    ("treasurer", "SL-X01", 201),
    ("viewer", "SL", 403),
    ("approver", "SL", 403),
    ("treasurer", "SL-X02", 403),
])
def test_who_may_record_receipts(community_tree, api_as, role, unit, status):
    assert api_as((unit, role)).post("/units/SL-B1/receipts", json=receipt()).status_code == status


def test_dues_split_shares_are_own_revenue_plus_collected_on_behalf(treasurer, app):
    from ledger.accounts.treasury.services.receipts import record_receipt
    from ledger.units.services import get_unit

    branch, commune, province = get_unit("SL-B1"), get_unit("SL-X01"), get_unit("SL")
    data = {"date": date(2026, 3, 10), "amount": 100000, "method": "cash", "fund": "HOIPHI", "category": "dues",
            "donor": {"name": "Lò Thị Mai", "kind": "individual", "publish": "full"}}
    made = record_receipt(branch, data, by=None, shares=[(branch, 70000), (commune, 20000), (province, 10000)])
    db.session.commit()
    own = next(e for e in made.transaction.entries if e.unit_id == branch.id)
    assert own.voucher_type == "PT" and len(made.transaction.entries) == 3
    rows = {(ln.account.code, ln.debit, ln.credit, ln.counterparty_unit.code if ln.counterparty_unit else None)
            for ln in own.lines}
    assert rows == {("111", 100000, 0, None), ("512", 0, 70000, None), ("336", 0, 20000, "SL-X01"),
                    ("336", 0, 10000, "SL")}
    with pytest.raises(Exception, match="cộng lại"):
        record_receipt(branch, data, by=None, shares=[(branch, 70000), (commune, 20000)])


def test_display_names_follow_the_donors_choice(app):
    from ledger.accounts.treasury.services.donors import display_name

    def donor(kind="individual", publish="full"):
        return Donor(name="Trần Thị Bình", name_key="tran thi binh", kind=kind, publish=publish)
    assert display_name(donor()) == "Trần Thị Bình"
    assert display_name(donor(publish="initials")) == "T. T. B."
    assert display_name(donor(publish="anonymous")) == "Nhà hảo tâm ẩn danh"
    assert display_name(donor(kind="anonymous")) == "Nhà hảo tâm ẩn danh"


def test_lists_and_donor_search_without_accents(treasurer):
    treasurer.post("/units/SL-B1/receipts", json=receipt())
    treasurer.post("/units/SL-B1/receipts", json=receipt(donor={"name": "Công ty CP Chè Mộc Châu", "kind": "business",
                                                                "publish": "full"}, amount=10000000))
    assert treasurer.get("/units/SL-B1/receipts").json["total"] == 2
    assert treasurer.get("/units/SL-X01/receipts").json["total"] == 0
    assert treasurer.get("/units/SL-X01/receipts?subtree=true").json["total"] == 2
    found = treasurer.get("/units/SL/donors?q=nguyen van").json
    assert [d["name"] for d in found["items"]] == ["Nguyễn Văn An"]
    donor = treasurer.get(f"/donors/{found['items'][0]['id']}").json
    assert donor["total_given"] == 2015000 and donor["receipts_count"] == 1


# ---- the receipt page ----------------------------------------------------------------------------

def form(**overrides) -> dict:
    return {"date": "2026-03-10", "amount": "2.015.000", "method": "cash", "fund": "HOIPHI", "category": "donation",
            "channel": "direct", "donor_name": "Nguyễn Văn An", "donor_kind": "individual",
            "donor_phone": "0912345678", "donor_address": "Bản Nà An", "donor_publish": "full",
            "idempotency_key": "form-receipt-1", **overrides}


@pytest.fixture
def page(community_tree, page_as):
    return page_as(("SL", "treasurer"))


def test_page_records_typed_amount_once_even_when_sent_twice(page):
    assert 'name="idempotency_key"' in page.get("/units/SL-B1/receipts/new").text
    first = page.post("/units/SL-B1/receipts/new", data=form())
    second = page.post("/units/SL-B1/receipts/new", data=form())
    assert first.status_code == second.status_code == 303
    assert first.location == second.location and count(Receipt) == 1
    shown = page.get(first.location).text
    assert "2.015.000" in shown and "Hai triệu không trăm mười lăm nghìn đồng" in shown and "In phiếu thu" in shown


@pytest.mark.parametrize("overrides, message", [
    ({"amount": "2.015.000đ abc"}, "Số tiền phải là số nguyên đồng dương"),
    ({"amount": "hai triệu"}, "Số tiền phải là số nguyên đồng dương"),
    ({"date": "2026-03-31"}, "đã khóa đến hết ngày 31/03/2026"),
    ({"contributors": "Lò Văn Hải 200.000"}, "Dòng 1"),
])
def test_page_refuses_bad_input_in_vietnamese_and_changes_nothing(page, overrides, message):
    from ledger.accounts.services import close_books
    from ledger.units.services import get_unit

    close_books(get_unit("SL-B1"), date(2026, 3, 31))
    db.session.commit()
    donors_before = count(Donor)
    r = page.post("/units/SL-B1/receipts/new", data=form(**overrides))
    assert r.status_code == 422
    assert message in r.text and 'value="Nguyễn Văn An"' in r.text
    assert count(Receipt) == 0 and count(Donor) == donors_before


def test_page_asks_before_reusing_a_donor_twin(page):
    page.post("/units/SL-B1/receipts/new", data=form())
    asked = page.post("/units/SL-B1/receipts/new", data=form(idempotency_key="form-2", donor_name="Nguyen Van An"))
    assert asked.status_code == 409 and "có thể đã có trong sổ" in asked.text and count(Receipt) == 1
    existing = re.search(r'name="donor_choice" value="(\d+)"', asked.text)[1]
    chosen = page.post("/units/SL-B1/receipts/new", data=form(idempotency_key="form-2", donor_choice=existing))
    assert chosen.status_code == 303 and count(Donor) == 1 and count(Receipt) == 2
    other = page.post("/units/SL-B1/receipts/new", data=form(idempotency_key="form-3", donor_choice="new"))
    assert other.status_code == 303 and count(Donor) == 2


def test_donor_page_shows_giving_history(page):
    page.post("/units/SL-B1/receipts/new", data=form())
    donor = db.session.scalar(select(Donor))
    text = page.get(f"/donors/{donor.id}").text
    assert "Lịch sử ủng hộ" in text and "PT-2026-000001" in text and "2.015.000" in text
    assert "Nguyễn Văn An" in page.get("/units/SL/donors?q=van an").text

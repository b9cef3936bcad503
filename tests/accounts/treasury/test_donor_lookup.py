"""The receipt form finds known donors (issue 14, item 2): typed without diacritics or as a phone, through
the JSON lookup its script calls or the form's own "Tìm trong sổ" step; picking one names it on the
receipt; a new donor with a known name is asked about before anything is saved.
"""
import pytest
from sqlalchemy import func, select

from ledger.accounts.treasury.models import Donor, Receipt
from ledger.extensions import db

AN = {"name": "Nguyễn Văn An", "kind": "individual", "phone": "0912 345 678", "address": "Bản Nà An",
      "publish": "full"}


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def form(**overrides) -> dict:
    return {"date": "2026-03-10", "amount": "2.015.000", "method": "cash", "fund": "HOIPHI", "category": "donation",
            "channel": "direct", "donor_name": "", "donor_kind": "individual", "donor_publish": "full",
            "idempotency_key": "lookup-1", **overrides}


@pytest.fixture
def known(community_tree, api_as) -> dict[str, int]:
    """Donors recorded at SL-X01 (An, and Bình with only a phone), at SL-X02 and at the province."""
    api = api_as(("VN", "admin"))
    made = {}
    for key, unit, donor in (("an", "SL-X01", AN),
                             ("binh", "SL-X01", {"name": "Trần Thị Bình", "phone": "0987 111 222"}),
                             ("x02", "SL-X02", {"name": "Nguyễn Văn Anh", "phone": "0977 000 111"}),
                             ("province", "SL", {"name": "Công ty Điện lực Sơn La", "kind": "business"})):
        r = api.post(f"/units/{unit}/receipts", json={"date": "2026-03-01", "amount": 100_000, "method": "cash",
                                                       "fund": "HOIPHI", "category": "donation", "donor": donor})
        assert r.status_code == 201, r.json
        made[key] = r.json["donor_id"]
    return made


@pytest.fixture
def page(known, page_as):
    return page_as(("SL-X01", "treasurer"))


def looked_up(page, *queries, unit="SL-X01") -> list[int]:
    r = page.get(f"/units/{unit}/donors/lookup", query_string=[("q", q) for q in queries])
    assert r.status_code == 200 and r.is_json
    return [item["id"] for item in r.json["items"]]


@pytest.mark.parametrize("queries, expected", [
    (("nguyen van an",), ["an"]),             # no diacritics; An of SL-X02 is outside the commune's scope
    (("NGUYỄN văn",), ["an"]),
    (("0912.345",), ["an"]),                  # a phone however written
    (("+84 912 345 678",), ["an"]),
    (("tran thi", "0912"), ["an", "binh"]),   # the name and the phone fields together
    (("dien luc",), []),                      # the province's donor: the commune may not read it
    (("a",), []),                             # one letter asks for nothing
])
def test_lookup_finds_the_units_donors_by_name_without_diacritics_or_phone(page, known, queries, expected):
    assert sorted(looked_up(page, *queries)) == sorted(known[key] for key in expected)


def test_lookup_answers_the_item_the_form_shows(page, known):
    item = page.get("/units/SL-X01/donors/lookup?q=binh").json["items"]
    assert item == [{"id": known["binh"], "name": "Trần Thị Bình", "phone": "0987111222", "address": None,
                     "kind": "Cá nhân", "unit": "Hội Khuyến học phường Tô Hiệu"}]


def test_lookup_offers_a_higher_levels_donor_to_those_who_may_read_it(known, page_as):
    assert looked_up(page_as(("SL", "treasurer")), "dien luc") == [known["province"]]


def test_lookup_needs_a_reader_of_the_unit(known, page_as):
    assert page_as(("SL-X02", "treasurer")).get("/units/SL-X01/donors/lookup?q=an").status_code == 403


def test_find_step_without_javascript_keeps_what_was_typed_and_offers_the_matches(page, known):
    r = page.post("/units/SL-X01/receipts/find", data=form(donor_name="nguyen van an", memo="Ủng hộ khai giảng"))
    assert r.status_code == 200 and count(Receipt) == 4
    assert f'name="donor_choice" value="{known["an"]}"' in r.text and 'name="donor_choice" value="new"' in r.text
    assert f'value="{known["x02"]}"' not in r.text
    assert 'value="2.015.000"' in r.text and 'value="Ủng hộ khai giảng"' in r.text
    none = page.post("/units/SL-X01/receipts/find", data=form(donor_name="Hoàng Văn Khánh"))
    assert "Không thấy ai trong sổ khớp" in none.text


def test_picking_a_found_donor_names_it_on_the_receipt(page, known):
    r = page.post("/units/SL-X01/receipts/new", data=form(donor_phone="0987", donor_choice=str(known["binh"])))
    assert r.status_code == 303, r.text
    receipt = db.session.scalar(select(Receipt).order_by(Receipt.id.desc()))
    assert receipt.donor_id == known["binh"] and receipt.amount == 2_015_000 and count(Donor) == 4


def test_a_new_donor_with_a_known_name_is_asked_about_before_saving(page, known):
    asked = page.post("/units/SL-X01/receipts/new", data=form(donor_name="nguyễn văn an"))
    assert asked.status_code == 409 and "Có thể trùng với nhà hảo tâm đã có" in asked.text
    assert f'name="donor_choice" value="{known["an"]}"' in asked.text and f'value="{known["x02"]}"' not in asked.text
    assert count(Receipt) == 4 and count(Donor) == 4
    other = page.post("/units/SL-X01/receipts/new", data=form(donor_name="nguyễn văn an", donor_choice="new"))
    assert other.status_code == 303 and count(Donor) == 5


def test_receipt_form_loads_the_lookup_script_from_static(page):
    text = page.get("/units/SL-X01/receipts/new").text
    assert 'src="/static/donor_lookup.js"' in text and 'data-lookup="/units/SL-X01/donors/lookup"' in text
    assert "<script>" not in text  # the CSP allows no inline script

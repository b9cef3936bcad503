"""Donors belong to the subtree that may read them (issue 10, item 2).

A treasurer of a Sơn La commune cannot attach, find or read a donor of a Hà Nội commune: not by id,
phone or name and address, not in lists, searches, the twin question, donor pages, giving
statements or pledges. Each refusal looks like an unknown id, shows none of the donor's details
(checked on the raw bytes, escaped or not) and changes nothing. The Sơn La province treasurer does
see and reuse its communes' donors.

    VN ─ SL (province) ─ SL-X01 (commune)        VN ─ HN (province) ─ HN-X01 (commune)
"""
import json
import re

import pytest
from sqlalchemy import func, select

from ledger.accounts.campaigns.models import Pledge
from ledger.accounts.treasury.models import Donor, Receipt
from ledger.extensions import db

FOREIGN = {"name": "Phùng Thị Hoà Khuê", "kind": "individual", "phone": "0987 654 321",
           "address": "Số 9 phố Hàng Bạc, phường Hoàn Kiếm", "publish": "full"}
FOREIGN_PHONE = "0987654321"
OWN = {"name": "Lò Văn Thắng", "kind": "individual", "phone": "0912 111 222", "address": "Bản Nà An",
       "publish": "full"}


def receipt(donor: dict, **overrides) -> dict:
    return {"date": "2026-03-10", "amount": 1_000_000, "method": "cash", "fund": "CHUNG", "category": "donation",
            "donor": donor, **overrides}


def counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count(model.id))) for model in (Donor, Receipt, Pledge))


def shown(text: str) -> list[bytes]:
    """How a string can appear in a body: as UTF-8, JSON-escaped (\\u00f9) or HTML-escaped."""
    return [text.encode(), json.dumps(text)[1:-1].encode(), text.replace("&", "&amp;").encode()]


def leaked(body: bytes, *, fields=("name", "phone", "address")) -> list[str]:
    """The foreign donor's details found in a response body (its normalised phone counts as its phone)."""
    secrets = {"name": [FOREIGN["name"]], "phone": [FOREIGN["phone"], FOREIGN_PHONE],
               "address": [FOREIGN["address"], "Hàng Bạc"]}
    return [text for field in fields for text in secrets[field] if any(form in body for form in shown(text))]


def problem_without_ids(response) -> str:
    """The problem document with every number blanked: a refused id and an unknown one must read the same."""
    return re.sub(r"\d+", "N", json.dumps(response.get_json(), ensure_ascii=False, sort_keys=True))


@pytest.fixture
def tree(make_unit, make_fund):
    make_unit("SL", level="province", name="Hội Khuyến học tỉnh Sơn La")
    make_unit("SL-X01", level="commune", parent="SL", name="Hội Khuyến học phường Tô Hiệu")
    make_unit("HN", level="province", name="Hội Khuyến học thành phố Hà Nội")
    make_unit("HN-X01", level="commune", parent="HN", name="Hội Khuyến học phường Hoàn Kiếm")
    make_fund("CHUNG", owner="VN", name="Quỹ khuyến học")


@pytest.fixture
def foreign(tree, api_as) -> int:
    """A donor of a Hà Nội commune, recorded there with one gift."""
    r = api_as(("HN-X01", "treasurer")).post("/units/HN-X01/receipts", json=receipt(FOREIGN, amount=7_777_000))
    assert r.status_code == 201, r.json
    return r.json["donor_id"]


@pytest.fixture
def outsider(foreign, api_as):
    """The treasurer of a Sơn La commune."""
    return api_as(("SL-X01", "treasurer"))


@pytest.fixture
def outsider_page(foreign, page_as):
    return page_as(("SL-X01", "treasurer"))


@pytest.fixture
def campaign(tree, api_as) -> str:
    r = api_as(("SL", "admin")).post("/campaigns", json={
        "code": "SL-2026", "name": "Vận động khuyến học Sơn La 2026", "owner_unit": "SL", "fund": "CHUNG",
        "starts_on": "2026-01-01", "ends_on": "2026-12-31", "target_amount": 100_000_000})
    assert r.status_code == 201, r.json
    return "SL-2026"


def unknown_id(foreign: int) -> int:
    return foreign + 1000


# ---- attach -------------------------------------------------------------------------------------

def test_a_receipt_naming_a_foreign_donor_id_is_refused_as_if_it_did_not_exist(outsider, foreign):
    before = counts()
    refused = outsider.post("/units/SL-X01/receipts", json=receipt({"id": foreign}))
    unknown = outsider.post("/units/SL-X01/receipts", json=receipt({"id": unknown_id(foreign)}))
    assert refused.status_code == unknown.status_code == 422
    assert list(refused.json["errors"]) == ["donor"]
    assert "nhà hảo tâm" in refused.json["errors"]["donor"][0]
    assert problem_without_ids(refused) == problem_without_ids(unknown)
    assert leaked(refused.data) == [] and counts() == before


@pytest.mark.parametrize("typed, kept", [
    ({"name": "Chị Khuê", "kind": "individual", "phone": "+84 987.654.321", "publish": "full"}, ("name", "address")),
    ({"name": "phùng thị hoà khuê", "kind": "individual", "address": "Số 9 phố Hàng Bạc,  phường Hoàn Kiếm",
      "publish": "full"}, ("phone",)),
])
def test_a_phone_or_name_and_address_known_only_elsewhere_makes_a_donor_here(outsider, foreign, typed, kept):
    donors_before = counts()[0]
    r = outsider.post("/units/SL-X01/receipts", json=receipt(typed))
    assert r.status_code == 201, r.json
    assert r.json["donor_id"] != foreign and counts()[0] == donors_before + 1
    assert db.session.get(Donor, r.json["donor_id"]).unit.code == "SL-X01"
    assert db.session.scalar(select(func.count(Receipt.id)).where(Receipt.donor_id == foreign)) == 1
    for body in (r.data, outsider.get(f"/receipts/{r.json['id']}").data, outsider.get("/units/SL-X01/donors").data):
        assert leaked(body, fields=kept) == []


def test_a_pledge_naming_a_foreign_donor_id_is_refused(outsider, foreign, campaign):
    before = counts()
    pledge = {"amount": 5_000_000, "due_on": "2026-06-30", "unit": "SL-X01"}
    refused = outsider.post(f"/campaigns/{campaign}/pledges", json={"donor": {"id": foreign}, **pledge})
    unknown = outsider.post(f"/campaigns/{campaign}/pledges", json={"donor": {"id": unknown_id(foreign)}, **pledge})
    assert refused.status_code == unknown.status_code == 422
    assert list(refused.json["errors"]) == ["donor"] and problem_without_ids(refused) == problem_without_ids(unknown)
    assert leaked(refused.data) == [] and counts() == before
    by_phone = outsider.post(f"/campaigns/{campaign}/pledges", json={
        "donor": {"name": "Chị Khuê", "kind": "individual", "phone": FOREIGN["phone"], "publish": "full"}, **pledge})
    assert by_phone.status_code == 201, by_phone.json
    assert by_phone.json["donor_id"] != foreign and leaked(by_phone.data, fields=("name", "address")) == []


def test_the_receipt_page_neither_asks_about_nor_links_a_foreign_twin(outsider_page, foreign):
    before = counts()
    r = outsider_page.post("/units/SL-X01/receipts/new", data={
        "date": "2026-03-10", "amount": "1.000.000", "method": "cash", "fund": "CHUNG", "category": "donation",
        "channel": "direct", "donor_name": "Chị Khuê", "donor_kind": "individual", "donor_phone": FOREIGN["phone"],
        "donor_publish": "full", "idempotency_key": "form-outsider-1"})
    assert r.status_code == 303, r.text  # no 409 "có thể đã có trong sổ" naming the foreign donor
    made = db.session.scalar(select(Receipt).order_by(Receipt.id.desc()))
    assert made.donor_id != foreign and made.donor.unit.code == "SL-X01"
    assert counts()[:2] == (before[0] + 1, before[1] + 1)
    choice = outsider_page.post("/units/SL-X01/receipts/new", data={
        "date": "2026-03-10", "amount": "1.000.000", "method": "cash", "fund": "CHUNG", "category": "donation",
        "channel": "direct", "donor_name": "Chị Khuê", "donor_kind": "individual", "donor_choice": str(foreign),
        "donor_publish": "full", "idempotency_key": "form-outsider-2"})
    assert choice.status_code == 422 and leaked(choice.data) == []
    assert counts()[:2] == (before[0] + 1, before[1] + 1)


# ---- find ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["", "Khuê", "phung thi hoa", "0987654321", "654 321"])
def test_donor_lists_and_searches_show_only_the_callers_subtree(outsider, outsider_page, q):
    outsider.post("/units/SL-X01/receipts", json=receipt(OWN))
    listed = outsider.get("/units/SL-X01/donors", query_string={"q": q})
    assert listed.status_code == 200 and leaked(listed.data) == []
    assert all(d["unit"] == "SL-X01" for d in listed.json["items"])
    assert outsider.get("/units/HN-X01/donors", query_string={"q": q}).status_code == 403
    page = outsider_page.get("/units/SL-X01/donors", query_string={"q": q})
    typed_phone = any(ch.isdigit() for ch in q)  # the search box shows what was typed
    assert page.status_code == 200 and leaked(page.data, fields=("name", "address") if typed_phone else
                                              ("name", "phone", "address")) == []


def test_a_foreign_donor_listed_through_an_old_receipt_link_stays_hidden(outsider, foreign):
    """Before the fix a receipt here could name the foreign donor: the unit's list still leaves it out."""
    own = outsider.post("/units/SL-X01/receipts", json=receipt(OWN)).json
    db.session.get(Receipt, own["id"]).donor_id = foreign
    db.session.commit()
    listed = outsider.get("/units/SL-X01/donors")
    assert listed.json["total"] == 1 and leaked(listed.data) == []


# ---- read ---------------------------------------------------------------------------------------

def test_a_foreign_donor_cannot_be_read_by_id(outsider, outsider_page, foreign):
    before = counts()
    refused, unknown = outsider.get(f"/donors/{foreign}"), outsider.get(f"/donors/{unknown_id(foreign)}")
    assert refused.status_code == unknown.status_code == 404
    assert problem_without_ids(refused) == problem_without_ids(unknown)
    reads = [refused,
             outsider.get(f"/units/SL-X01/donors/{foreign}/statement?year=2026"),
             outsider_page.get(f"/donors/{foreign}"),
             outsider_page.get(f"/units/SL-X01/donors/{foreign}/statement?year=2026"),
             outsider_page.get(f"/units/SL-X01/donors/{foreign}/statement.pdf?year=2026"),
             outsider_page.get(f"/units/SL-X01/donors/{foreign}/thank-you.pdf?year=2026"),
             outsider_page.get(f"/units/SL-X01/receipts/new?donor={foreign}")]
    assert [r.status_code for r in reads] == [404] * len(reads)
    assert [leaked(r.data) for r in reads] == [[]] * len(reads)
    assert outsider.get(f"/units/HN-X01/donors/{foreign}/statement?year=2026").status_code == 403
    assert counts() == before


def test_a_donor_page_lists_only_gifts_in_units_the_caller_may_read(tree, api_as, page_as):
    national = api_as(("VN", "treasurer"))
    first = national.post("/units/SL-X01/receipts", json=receipt(OWN, amount=1_234_000)).json
    national.post("/units/HN-X01/receipts", json=receipt({"id": first["donor_id"]}, amount=9_876_000))
    assert national.get(f"/donors/{first['donor_id']}").json["total_given"] == 11_110_000
    local = api_as(("SL", "treasurer")).get(f"/donors/{first['donor_id']}").json
    assert (local["total_given"], local["receipts_count"]) == (1_234_000, 1)
    page = page_as(("SL", "treasurer")).get(f"/donors/{first['donor_id']}").text
    assert "1.234.000" in page and "9.876.000" not in page and "11.110.000" not in page


# ---- the province sees its communes' donors (positive control) ---------------------------------

def test_a_province_treasurer_finds_reads_and_attaches_its_communes_donors(tree, api_as, page_as, campaign):
    commune = api_as(("SL-X01", "treasurer"))
    donor_id = commune.post("/units/SL-X01/receipts", json=receipt(OWN)).json["donor_id"]
    province = api_as(("SL", "treasurer"))
    assert [d["id"] for d in province.get("/units/SL/donors?q=thang").json["items"]] == [donor_id]
    assert province.get(f"/donors/{donor_id}").json["name"] == OWN["name"]
    assert OWN["name"] in page_as(("SL", "treasurer")).get(f"/donors/{donor_id}").text
    by_id = province.post("/units/SL/receipts", json=receipt({"id": donor_id}))
    by_phone = province.post("/units/SL/receipts", json=receipt({**OWN, "name": "Lo Van Thang"}))
    assert by_id.status_code == by_phone.status_code == 201
    assert by_id.json["donor_id"] == by_phone.json["donor_id"] == donor_id
    pledge = province.post(f"/campaigns/{campaign}/pledges", json={"donor": {"id": donor_id}, "amount": 2_000_000,
                                                                   "due_on": "2026-06-30"})
    assert pledge.status_code == 201 and pledge.json["donor_id"] == donor_id
    assert province.get(f"/units/SL/donors/{donor_id}/statement?year=2026").json["total"] == 3_000_000


def test_a_donor_import_counts_only_the_units_own_donors_as_known(foreign):
    from ledger.accounts.banking.services import excel_import
    from ledger.units.services import get_unit

    data = f"Họ tên;Điện thoại\n{FOREIGN['name']};{FOREIGN['phone']}\n".encode()
    result = excel_import.import_donors(get_unit("SL-X01"), data, "ds.csv")
    db.session.commit()
    assert (result.created, result.existing) == (1, 0)
    assert db.session.scalar(select(Donor.unit_id).where(Donor.id != foreign, Donor.phone == FOREIGN_PHONE)) \
        == get_unit("SL-X01").id


def test_an_admin_over_every_unit_reads_every_donor(foreign, make_user, client):
    """A grant without a unit (the first admin of `ledger init`) holds everywhere, donors included."""
    from ledger.auth.models import RoleGrant
    from ledger.auth.services import issue_token
    from tests.conftest import ApiClient

    user = make_user()
    db.session.add(RoleGrant(user_id=user.id, unit_id=None, role="admin"))
    admin = ApiClient(client, issue_token(user, days=1))
    db.session.commit()
    assert admin.get(f"/donors/{foreign}").json["total_given"] == 7_777_000

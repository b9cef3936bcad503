"""The inputs that gave 500 (issue 10): each now has its exact 4xx, and nothing is written.

Run on SQLite and on PostgreSQL (NUL characters were PostgreSQL's 500s).
"""
import json

import pytest
from sqlalchemy import func, select

from ledger.accounts.models import Entry
from ledger.accounts.treasury.models import Donor, Receipt
from ledger.auth.models import User
from ledger.extensions import db
from ledger.reports.models import PeriodicReport

DONOR = {"name": "Nguyễn Văn An", "kind": "individual", "publish": "full"}


def receipt(**overrides) -> dict:
    return {"date": "2026-03-10", "amount": 2015000, "method": "cash", "fund": "KH", "category": "donation",
            "donor": DONOR, **overrides}


def counts() -> tuple:
    db.session.rollback()
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in
                 (Receipt, Donor, Entry, PeriodicReport, User))


@pytest.fixture
def admin(make_unit, make_fund, api_as):
    make_unit("SL", level="province", name="Hội Khuyến học tỉnh Sơn La")
    make_fund("KH", owner="SL", name="Quỹ khuyến học")
    return api_as(("VN", "admin"))


def problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == code
    return response.json


def test_a_valid_receipt_is_accepted_so_the_refusals_below_are_about_their_input(admin):
    before = counts()
    assert admin.post("/units/SL/receipts", json=receipt(memo="Ủng hộ")).status_code == 201
    assert counts() != before


@pytest.mark.parametrize("path", ["/receipts/²", "/receipts/٣", "/receipts/0", "/receipts/-1",
                                  "/receipts/99999999999999999999", "/receipts/9223372036854775808",
                                  "/disbursements/²", "/statements/99999999999999999999", "/entries/1e3"])
def test_ids_that_are_not_ascii_digits_within_bigint_are_not_found(admin, path):
    problem(admin.get(path), 404, "not_found")


@pytest.mark.parametrize("path", ["/public/statements/99999999999999999999",
                                  "/public/statements/99999999999999999999.json",
                                  "/public/statements/9223372036854775808.pdf", "/public/statements/²"])
def test_public_statement_ids_past_bigint_are_not_found_without_login(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("query", ["offset=99999999999999999999", "offset=-1", "limit=0", "limit=501",
                                   "limit=99999999999999999999"])
def test_limit_and_offset_are_bounded(admin, query):
    body = problem(admin.get(f"/units/SL/receipts?{query}"), 422, "validation")
    field = query.split("=")[0]
    assert body["errors"][field][0].startswith("Phải từ"), body


@pytest.mark.parametrize("kind, period", [("yearly", "0000"), ("monthly", "9999-12"), ("monthly", "2026-13"),
                                          ("quarterly", "1899-Q1")])
def test_report_periods_outside_the_calendar_are_refused(admin, kind, period):
    before = counts()
    body = problem(admin.post("/units/SL/reports", json={"kind": kind, "period": period}), 422, "validation")
    assert "period" in body["errors"]
    body = problem(admin.get(f"/units/SL/reports/status?kind={kind}&period={period}"), 422, "validation")
    assert "period" in body["errors"]
    assert counts() == before


@pytest.mark.parametrize("field, value", [("date", "9999-12-31"), ("date", "0001-01-01")])
def test_dates_outside_the_years_the_books_can_hold_are_refused(admin, field, value):
    before = counts()
    body = problem(admin.post("/units/SL/receipts", json=receipt(**{field: value})), 422, "validation")
    assert field in body["errors"]
    assert counts() == before


@pytest.mark.parametrize("path", ["/units/SL/receipts", "/auth/tokens"])
def test_json_nested_5000_deep_is_a_bad_request(admin, path):
    before = counts()
    body = "[" * 5000 + "]" * 5000
    response = admin.post(path, data=body, headers={"Content-Type": "application/json"})
    assert "64" in problem(response, 400, "bad_request")["detail"]
    assert counts() == before


def test_json_64_deep_is_read_and_answered_by_the_schema(admin):
    body = json.dumps(receipt(memo="[" * 40 + "]" * 40, contributors=None))[:-1] + ', "x": ' + "[" * 62 + "]" * 62 + "}"
    response = admin.post("/units/SL/receipts", data=body, headers={"Content-Type": "application/json"})
    assert problem(response, 422, "validation")["errors"] == {"x": ["Trường không được hỗ trợ."]}


def test_a_lone_surrogate_in_a_memo_is_refused(admin):
    before = counts()
    raw = json.dumps(receipt(memo="\ud800"))  # ensure_ascii: the body carries the escape "\ud800"
    assert '"\\ud800"' in raw
    response = admin.post("/units/SL/receipts", data=raw, headers={"Content-Type": "application/json"})
    body = problem(response, 422, "validation")
    assert list(body["errors"]) == ["memo"] and "NUL" in body["errors"]["memo"][0]
    assert counts() == before


@pytest.mark.parametrize("overrides, field", [({"memo": "Ủng hộ\x00"}, "memo"),
                                              ({"donor": {**DONOR, "name": "An\x00"}}, "donor.name"),
                                              ({"donor": {**DONOR, "address\x00": "x"}}, "donor")])
def test_nul_in_a_receipt_is_refused_naming_the_field(admin, overrides, field):
    before = counts()
    body = problem(admin.post("/units/SL/receipts", json=receipt(**overrides)), 422, "validation")
    assert list(body["errors"]) == [field]
    assert counts() == before


def test_nul_in_a_search_the_path_and_a_login_is_refused(admin, client):
    before = counts()
    assert list(problem(admin.get("/units/SL/donors?q=An%00"), 422, "validation")["errors"]) == ["q"]
    assert list(problem(admin.get("/units/SL%00"), 422, "validation")["errors"]) == ["path"]
    login = client.post("/api/v1/auth/tokens", json={"username": "admin\x00", "password": "mat-khau-dai"})
    assert list(problem(login, 422, "validation")["errors"]) == ["username"]
    page = client.post("/login", data={"username": "admin\x00", "password": "x"})
    assert page.status_code == 422 and page.mimetype == "text/html"
    assert counts() == before


@pytest.mark.parametrize("name", ["\u200b\u200c\u200d", "\u2066\u2069", " \u00a0 ", "\u3164"])
def test_a_donor_name_made_only_of_invisible_characters_is_refused(admin, name):
    before = counts()
    body = problem(admin.post("/units/SL/receipts", json=receipt(donor={**DONOR, "name": name})), 422, "validation")
    assert "name" in body["errors"]["donor"]
    assert counts() == before


@pytest.mark.parametrize("path, body, field", [
    ("/units/SL/receipts", receipt(donor={**DONOR, "name": "\u202eAn Văn Nguyễn"}), ("donor", "name")),
    ("/funds", {"code": "X1", "name": "\u202eQuỹ", "owner_unit": "SL", "kind": "unrestricted"}, ("name",)),
])
def test_a_public_name_starting_with_a_right_to_left_override_is_refused(admin, path, body, field):
    before = counts()
    errors = problem(admin.post(path, json=body), 422, "validation")["errors"]
    for key in field:
        errors = errors[key]
    assert "hướng chữ" in errors[0]
    assert counts() == before


def test_method_not_allowed_says_which_are(admin):
    response = admin.client.delete("/api/v1/units", headers={"Authorization": f"Bearer {admin.token}"})
    problem(response, 405, "method_not_allowed")
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}

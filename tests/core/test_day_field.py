"""Dates typed on pages: dd/mm/yyyy (d/m, with / . or -) and ISO from old links are read, anything else is
refused in Vietnamese; the pages' forms read them through DayField while the JSON API keeps YYYY-MM-DD."""
import re
from datetime import date
from pathlib import Path

import marshmallow as ma
import pytest
from sqlalchemy import select

from ledger.accounts.schemas import EntryQuery
from ledger.accounts.treasury.schemas import ReceiptIn
from ledger.core.schemas import DayField, Schema, day_text, page_schema, read_day
from ledger.extensions import db

TEMPLATES = Path(__file__).resolve().parents[2] / "ledger"
NOT_A_DATE = "Ngày không hợp lệ; nhập ngày/tháng/năm, ví dụ 31/03/2026."
NO_31_FEBRUARY = "Ngày không hợp lệ: không có ngày 31/02/2026 trong lịch."

READ = [
    ("15/03/2026", date(2026, 3, 15)),
    ("5/3/2026", date(2026, 3, 5)),
    ("05-03-2026", date(2026, 3, 5)),
    ("15.03.2026", date(2026, 3, 15)),
    ("  15/03/2026 ", date(2026, 3, 15)),
    ("29/02/2028", date(2028, 2, 29)),
    ("2026-03-15", date(2026, 3, 15)),
]
REFUSED = [
    ("31/02/2026", NO_31_FEBRUARY),
    ("29/02/2025", "Ngày không hợp lệ: không có ngày 29/02/2025 trong lịch."),
    ("15/13/2026", "Ngày không hợp lệ: không có ngày 15/13/2026 trong lịch."),
    ("1.500.000", NOT_A_DATE),
    ("2.015.000", NOT_A_DATE),
    ("15/03-2026", NOT_A_DATE),
    ("15/03/26", NOT_A_DATE),
    ("2026/03/15", NOT_A_DATE),
    ("03/15/2026 10:00", NOT_A_DATE),
    ("hôm nay", NOT_A_DATE),
    ("١٥/٠٣/٢٠٢٦", NOT_A_DATE),  # other scripts' digits: ASCII only, as ids are
    ("", "Cần nhập ngày."),
    ("01/01/1899", "Năm phải từ 1900 đến 2100."),
    ("2101-01-01", "Năm phải từ 1900 đến 2100."),
]


@pytest.mark.parametrize(("typed", "day"), READ)
def test_typed_and_iso_dates_are_read(typed, day):
    assert read_day(typed) == day


@pytest.mark.parametrize(("typed", "message"), REFUSED)
def test_anything_else_is_refused_in_vietnamese(typed, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        read_day(typed)


@pytest.mark.parametrize(("value", "shown"), [
    (date(2026, 3, 5), "05/03/2026"),
    ("2026-03-05", "05/03/2026"),  # a default or an old link's ISO date shows as the inputs write dates
    ("5/3/2026", "5/3/2026"),  # a refused form shows back what was typed
    ("31/02/2026", "31/02/2026"),
    (None, ""),
])
def test_a_date_input_shows_dd_mm_yyyy_or_what_was_typed(value, shown):
    assert day_text(value) == shown


class Dated(Schema):
    on = DayField(required=True)


def test_day_field_loads_typed_dates_and_refuses_others_with_the_reason():
    assert Dated().load({"on": "15/03/2026"}) == {"on": date(2026, 3, 15)}
    with pytest.raises(ma.ValidationError) as refused:
        Dated().load({"on": "31/02/2026"})
    assert refused.value.messages == {"on": [NO_31_FEBRUARY]}
    with pytest.raises(ma.ValidationError):
        Dated().load({"on": 20260315})


def test_page_schema_reads_typed_dates_and_the_api_schema_stays_iso():
    receipt = {"date": "15/03/2026", "amount": 2015000, "method": "cash", "fund": "QKH", "category": "donation",
               "donor": {"name": "Nguyễn Văn An"}}
    assert page_schema(ReceiptIn)().load(receipt)["date"] == date(2026, 3, 15)
    with pytest.raises(ma.ValidationError) as refused:
        ReceiptIn().load(receipt)
    assert list(refused.value.messages) == ["date"]
    assert page_schema(ReceiptIn) is page_schema(ReceiptIn)
    assert page_schema(Schema) is Schema  # nothing to read differently: the schema itself


def test_page_schema_keeps_each_date_field_s_key_and_optionality():
    loaded = page_schema(EntryQuery)().load({"from": "01/03/2026"})
    assert loaded["from_"] == date(2026, 3, 1) and "to" not in loaded


def test_no_template_offers_a_native_date_picker():
    """<input type="date"> shows mm/dd/yyyy in an English-language browser: every date goes through date_input."""
    pickers = [str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html")
               if re.search(r"type=[\"']?date\b", path.read_text(encoding="utf-8"))]
    assert pickers == []


# ---- through the pages -----------------------------------------------------------------------------

@pytest.fixture
def treasurer(make_unit, make_fund, page_as):
    make_unit("SL", level="province", name="Hội Khuyến học tỉnh Sơn La")
    make_unit("SL-B1", parent="SL", name="Chi hội tổ 1")
    make_fund("QKH", owner="SL", name="Quỹ khuyến học tỉnh Sơn La")
    return page_as(("SL", "treasurer"))


def receipt_form(on: str) -> dict:
    """A donation dated as typed, from a donor of its own (a second gift by the same name would ask first)."""
    return {"date": on, "amount": "2.015.000", "method": "cash", "fund": "QKH", "category": "donation",
            "channel": "direct", "donor_name": f"Người nộp ngày {on}", "donor_kind": "individual",
            "donor_publish": "full", "idempotency_key": f"form-{on}"}


def receipt_dates() -> list[date]:
    from ledger.accounts.treasury.models import Receipt

    return list(db.session.scalars(select(Receipt.dated_on).order_by(Receipt.id)))


def test_the_receipt_form_offers_a_dd_mm_yyyy_input_and_reads_it(treasurer):
    shown = treasurer.get("/units/SL-B1/receipts/new").text
    day_input = re.search(r'<input type="text" name="date"[^>]*>', shown)[0]
    assert 'placeholder="dd/mm/yyyy"' in day_input and 'inputmode="numeric"' in day_input
    assert re.search(r'value="\d{2}/\d{2}/\d{4}"', day_input) and "ngày/tháng/năm" in day_input
    assert treasurer.post("/units/SL-B1/receipts/new", data=receipt_form("15/03/2026")).status_code == 303
    assert treasurer.post("/units/SL-B1/receipts/new", data=receipt_form("2026-03-16")).status_code == 303
    assert receipt_dates() == [date(2026, 3, 15), date(2026, 3, 16)]


def test_an_impossible_date_is_refused_on_the_form_and_shown_back_as_typed(treasurer):
    refused = treasurer.post("/units/SL-B1/receipts/new", data=receipt_form("31/02/2026"))
    assert refused.status_code == 422
    assert NO_31_FEBRUARY in refused.text and 'value="31/02/2026"' in refused.text
    assert receipt_dates() == []


def test_the_api_still_wants_iso(make_unit, make_fund, api_as):
    make_unit("SL", level="province")
    make_fund("QKH", owner="SL")
    api = api_as(("SL", "treasurer"))
    body = {"date": "15/03/2026", "amount": 2015000, "method": "cash", "fund": "QKH", "category": "donation",
            "donor": {"name": "Nguyễn Văn An"}}
    refused = api.post("/units/SL/receipts", json=body)
    assert refused.status_code == 422 and "date" in refused.json["errors"]
    assert api.post("/units/SL/receipts", json={**body, "date": "2026-03-15"}).status_code == 201


@pytest.mark.parametrize(("query", "shown"), [
    ("from=01/03/2026&to=31/03/2026", ('value="01/03/2026"', 'value="31/03/2026"')),
    ("from=2026-03-01&to=2026-03-31", ('value="01/03/2026"', 'value="31/03/2026"')),  # an old link
])
def test_the_trial_balance_filter_reads_dd_mm_yyyy_and_old_iso_links(treasurer, query, shown):
    page = treasurer.get(f"/units/SL/trial-balance?{query}")
    assert page.status_code == 200
    assert all(value in page.text for value in shown)


def test_a_bad_filter_date_is_a_vietnamese_refusal_not_a_500(treasurer):
    refused = treasurer.get("/units/SL/trial-balance?to=31/02/2026")
    assert refused.status_code == 422 and NO_31_FEBRUARY in refused.text


def test_a_form_whose_dates_went_straight_to_the_api_schema_reads_dd_mm_yyyy(treasurer):
    """The campaign form posts its dates as typed; load_form reads them with the page schema."""
    from ledger.accounts.campaigns.models import Campaign

    created = treasurer.post("/units/SL/campaigns", data={
        "code": "NGAY-2026", "name": "Vận động năm 2026", "fund": "QKH", "starts_on": "1/2/2026",
        "ends_on": "31.12.2026", "target_amount": "200.000.000"})
    assert created.status_code == 303, created.text
    campaign = db.session.scalar(select(Campaign).where(Campaign.code == "NGAY-2026"))
    assert (campaign.starts_on, campaign.ends_on) == (date(2026, 2, 1), date(2026, 12, 31))

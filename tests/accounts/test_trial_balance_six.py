"""The six-column trial balance (Số dư đầu kỳ, Phát sinh trong kỳ, Số dư cuối kỳ — Nợ and Có) on real
postings: each pair of totals balances, opening plus movements is closing; the page, XLSX, CSV and PDF.
"""
import csv
import io
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook

from ledger.accounts import balances
from ledger.units.services import get_unit

DONATION = [("111", "QKH", 2_015_000, 0), ("511", "QKH", 0, 2_015_000)]
SPENDING = [("611", "QKH", 300_000, 0), ("111", "QKH", 0, 300_000)]
MARCH = "from=2026-03-01&to=2026-03-31"


@pytest.fixture
def books(make_unit, make_fund, post):
    make_unit("SL", level="province", name="Hội Khuyến học tỉnh Sơn La")
    make_unit("SL-X01", level="commune", parent="SL", name="Hội Khuyến học xã Chiềng Sinh")
    make_fund("QKH", owner="SL", name="Quỹ khuyến học tỉnh Sơn La")
    post("SL-X01", DONATION, on=date(2026, 2, 10))           # before the period: opening
    post("SL-X01", SPENDING, on=date(2026, 3, 5))            # in it
    post("SL-X01", [("111", "QKH", 450_000, 0), ("511", "QKH", 0, 450_000)], on=date(2026, 3, 20))
    post("SL-X01", SPENDING, on=date(2026, 4, 2))            # after it: not counted


@pytest.fixture
def treasurer(books, page_as):
    return page_as(("SL", "treasurer"))


def six(report, account):
    row = next(r for r in report["rows"] if r["account"] == account)
    return tuple(row[c] for c in balances.SIX_COLUMNS)


def test_six_columns_of_a_period_from_real_postings(books):
    report = balances.trial_balance(get_unit("SL-X01"), start=date(2026, 3, 1), as_of=date(2026, 3, 31))
    assert six(report, "111") == (2_015_000, 0, 450_000, 300_000, 2_165_000, 0)
    assert six(report, "511") == (0, 2_015_000, 0, 450_000, 0, 2_465_000)
    assert six(report, "611") == (0, 0, 300_000, 0, 300_000, 0)
    totals = report["period_totals"]
    assert totals["opening_debit"] == totals["opening_credit"] == 2_015_000
    assert totals["period_debit"] == totals["period_credit"] == 750_000
    assert totals["closing_debit"] == totals["closing_credit"] == 2_465_000
    for row in report["rows"]:  # opening + movements = closing, row by row
        opened = row["opening_debit"] - row["opening_credit"]
        assert opened + row["period_debit"] - row["period_credit"] == row["closing_debit"] - row["closing_credit"]
        assert row["balance"] == row["closing_debit"] - row["closing_credit"]  # the API's field agrees


def test_the_period_starts_on_the_first_of_january_by_default(books):
    report = balances.trial_balance(get_unit("SL-X01"), as_of=date(2026, 3, 31))
    assert report["start"] == date(2026, 1, 1)
    assert six(report, "111") == (0, 0, 2_465_000, 300_000, 2_165_000, 0)


def test_page_shows_six_columns_and_offers_xlsx_first(treasurer):
    page = treasurer.get(f"/units/SL-X01/trial-balance?{MARCH}").text
    for header in ("Số dư đầu kỳ", "Phát sinh trong kỳ", "Số dư cuối kỳ"):
        assert header in page
    assert "2.165.000" in page and "từ ngày 01/03/2026 đến ngày 31/03/2026" in page
    assert page.index("Tải Excel (.xlsx)") < page.index("Tải CSV")


def test_a_period_ending_before_it_starts_is_refused_in_vietnamese(treasurer):
    r = treasurer.get("/units/SL-X01/trial-balance?from=2026-04-01&to=2026-03-31")
    assert r.status_code == 422 and "Ngày đầu kỳ phải trước" in r.text


def test_csv_opens_in_columns_in_a_vietnamese_excel(treasurer):
    r = treasurer.get(f"/units/SL-X01/trial-balance.csv?{MARCH}")
    assert r.data.startswith(b"\xef\xbb\xbf")
    assert "bang-can-doi-SL-X01-2026-03-01-2026-03-31.csv" in r.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][3:] == ["Số dư đầu kỳ Nợ", "Số dư đầu kỳ Có", "Phát sinh trong kỳ Nợ", "Phát sinh trong kỳ Có",
                           "Số dư cuối kỳ Nợ", "Số dư cuối kỳ Có"]
    assert ["111", "Tiền mặt", "QKH", "2015000", "0", "450000", "300000", "2165000", "0"] in rows
    assert rows[-1] == ["Tổng cộng", "", "", "2015000", "2015000", "750000", "750000", "2465000", "2465000"]


def test_xlsx_and_pdf_carry_the_same_six_columns(treasurer):
    sheet = load_workbook(io.BytesIO(treasurer.get(f"/units/SL-X01/trial-balance.xlsx?{MARCH}").data)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert ("111", "Tiền mặt", "QKH", 2_015_000, 0, 450_000, 300_000, 2_165_000, 0) in values
    pdf = treasurer.get(f"/units/SL-X01/trial-balance.pdf?{MARCH}")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf.data, capture_output=True,
                          check=True).stdout.decode()
    assert "Từ ngày 01/03/2026 đến ngày 31/03/2026" in text and "Số dư đầu kỳ" in text
    assert "2.165.000" in text and "2.465.000" in text and text.count("\f") == 1

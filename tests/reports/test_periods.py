"""Periods in words wherever they are shown: "Quý III/2026", "Tháng 3/2026", "Năm 2026" — never "2026-Q3"."""
import re

import pytest
from flask_babel import force_locale

from ledger.reports.formats import period_words


@pytest.mark.parametrize("code, words", [
    ("2026-Q1", "Quý I/2026"), ("2026-Q3", "Quý III/2026"), ("2025-Q4", "Quý IV/2025"),
    ("2026-03", "Tháng 3/2026"), ("2026-12", "Tháng 12/2026"), ("2026", "Năm 2026"),
    ("2026-13", "2026-13"), ("2026-Q5", "2026-Q5"), ("", ""), (None, ""),
])
def test_a_period_code_reads_as_words(app, code, words):
    with app.test_request_context("/"):
        assert period_words(code) == words


def test_the_periodic_report_page_names_the_period_in_words(tree, page_as):
    client = page_as(("SL-X01", "treasurer"))
    page = client.get("/units/SL-X01/reports?kind=quarterly&period=2026-Q1").get_data(as_text=True)
    assert "<h2>Quý I/2026</h2>" in page
    monthly = client.get("/units/SL-X01/reports?kind=monthly&period=2026-03").get_data(as_text=True)
    assert "<h2>Tháng 3/2026</h2>" in monthly


def test_the_unit_panel_names_the_quarter_sent_up_in_words(tree, page_as):
    page = page_as(("SL-X01", "treasurer")).get("/units/SL-X01").get_data(as_text=True)
    sent_up = page[page.index("Báo cáo Quý"):page.index("gửi cấp trên")]
    assert re.fullmatch(r"Báo cáo Quý (I|II|III|IV)/20\d\d ", sent_up), sent_up


def test_english_pages_say_it_in_english(app):
    with app.test_request_context("/"), force_locale("en"):
        assert "2026" in period_words("2026-Q3") and "Quý" not in period_words("2026-Q3")

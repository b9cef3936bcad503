"""Banks by name, not by BIN, from the list vietnam-qr-pay maintains; the cash book printed on one A4 page when
it fits, and its signatures never alone on a last page."""
import subprocess
from datetime import date, timedelta

import pytest

from ledger.accounts.banking.banks import bank_name, banks_by_bin
from ledger.accounts.banking.services import cashbook
from ledger.core.pdf import render_pdf
from ledger.units.services import get_unit


def test_a_bin_reads_as_the_bank_name():
    assert bank_name("970405").startswith("Agribank — Ngân hàng Nông nghiệp và Phát triển Nông thôn")
    assert bank_name("970416") == "ACB — Ngân hàng TMCP Á Châu"
    assert bank_name("999999") == "999999" and bank_name(None) == ""
    assert len(banks_by_bin()) > 40


def test_bank_account_form_chooses_a_bank_by_name(make_unit, make_fund, page_as):
    make_unit("LC", level="province")
    make_unit("BL", level="commune", parent="LC", name="Hội Khuyến học xã Bình Lư")
    make_fund("QKH-BL", owner="BL")
    client = page_as(("BL", "treasurer"))
    form = client.get("/units/BL/bank").text
    assert '<option value="970405" >Agribank — Ngân hàng Nông nghiệp' in form
    made = client.post("/units/BL/bank", data={"name": "Tài khoản quỹ", "account_number": "8888000012",
                                               "bank_bin": "970405", "default_fund": "QKH-BL"})
    assert made.status_code == 303
    listed = client.get("/units/BL/bank").text
    assert "Agribank — Ngân hàng Nông nghiệp" in listed and "BIN 970405" not in listed


@pytest.fixture
def cash_days(make_unit, make_fund, post):
    """make(n): n receipts into the cash box from 1 January 2026, two a day."""
    make_unit("LC", level="province")
    make_unit("BL", level="commune", parent="LC", name="Hội Khuyến học xã Bình Lư")
    make_fund("QKH", owner="BL")

    def make(count: int):
        for i in range(count):
            post("BL", [("111", "QKH", 100_000 + i, 0), ("511", "QKH", 0, 100_000 + i)],
                 on=date(2026, 1, 1) + timedelta(days=i // 2), memo=f"Ủng hộ lần {i + 1}", voucher_type="PT")
    return make


def printed_pages(app) -> list[str]:
    with app.test_request_context():
        book = cashbook.build_book(get_unit("BL"), "cash", start=date(2026, 1, 1), end=date(2026, 3, 31))
        pdf = render_pdf("banking/book_print.html", book=book)
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return text.decode().split("\f")[:-1]


def test_a_month_of_cash_fits_one_page_with_its_signatures(app, cash_days):
    cash_days(20)
    pages = printed_pages(app)
    assert len(pages) == 1 and "Số dư cuối kỳ" in pages[0] and "Người ghi sổ" in pages[0]


def test_signatures_take_the_last_rows_along_to_the_next_page(app, cash_days):
    cash_days(21)  # one row too many for page 1: before, page 2 held only the signatures
    pages = printed_pages(app)
    assert len(pages) == 2
    assert "Người ghi sổ" in pages[1] and "Số dư cuối kỳ" in pages[1] and "Cộng ngày" in pages[1]

"""Sổ quỹ tiền mặt and sổ tiền gửi ngân hàng: opening balance from kept balances, a row per voucher
with a running balance, each day's totals, the closing balance; API, page and printed PDF."""
import subprocess
from datetime import date

import pytest

from ledger.accounts import balances
from ledger.accounts.banking.services import cashbook
from ledger.core.errors import ValidationFailed
from ledger.units.services import get_unit


def receipt(post, unit, fund, amount, on, memo, account="111"):
    return post(unit, [(account, fund, amount, 0), ("511", fund, 0, amount)], on=on, memo=memo, voucher_type="PT")


def payment(post, unit, fund, amount, on, memo, account="111"):
    return post(unit, [("611", fund, amount, 0), (account, fund, 0, amount)], on=on, memo=memo, voucher_type="PC")


@pytest.fixture
def books(make_unit, make_fund, post):
    make_unit("LC", level="province", name="Hội Khuyến học tỉnh Lai Châu")
    make_unit("BL", level="commune", parent="LC", name="Hội Khuyến học xã Bình Lư")
    make_fund("QKH", owner="BL", name="Quỹ khuyến học xã Bình Lư")
    make_fund("HB", owner="BL", kind="restricted", name="Quỹ học bổng")
    receipt(post, "BL", "QKH", 5_000_000, date(2026, 1, 15), "Ủng hộ đầu năm")
    payment(post, "BL", "QKH", 1_200_000, date(2026, 2, 3), "Chi khen thưởng học kỳ I")
    receipt(post, "BL", "HB", 800_000, date(2026, 3, 1), "Dòng họ Lò ủng hộ")
    receipt(post, "BL", "QKH", 2_015_000, date(2026, 3, 10), "Ông Tẩn Văn Sơn ủng hộ")
    payment(post, "BL", "QKH", 300_000, date(2026, 3, 10), "Chi mua sách vở")
    receipt(post, "BL", "QKH", 450_000, date(2026, 3, 12), "Chi hội bản Nà An nộp")
    receipt(post, "BL", "QKH", 9_000_000, date(2026, 3, 12), "Chuyển khoản ủng hộ", account="112")
    payment(post, "BL", "QKH", 100_000, date(2026, 4, 2), "Chi sau kỳ")
    return get_unit("BL")


def test_cash_book_runs_day_by_day_from_the_kept_opening(books):
    book = cashbook.build_book(books, "cash", start=date(2026, 3, 5), end=date(2026, 3, 31))
    assert book.opening == 5_000_000 - 1_200_000 + 800_000
    assert [(r.dated_on.day, r.number, r.receipt, r.payment, r.balance) for r in book.rows] == [
        (10, "PT-2026-000003", 2_015_000, 0, 6_615_000),
        (10, "PC-2026-000002", 0, 300_000, 6_315_000),
        (12, "PT-2026-000004", 450_000, 0, 6_765_000),
    ]
    assert [(d.dated_on.day, d.receipts, d.payments, d.closing) for d in book.days] == [
        (10, 2_015_000, 300_000, 6_315_000), (12, 450_000, 0, 6_765_000)]
    assert (book.total_receipts, book.total_payments, book.closing) == (2_465_000, 300_000, 6_765_000)
    assert book.rows[0].memo == "Ông Tẩn Văn Sơn ủng hộ"


def test_opening_agrees_with_the_trial_balance_on_any_day(books):
    for start in (date(2026, 1, 1), date(2026, 2, 4), date(2026, 3, 1), date(2026, 3, 11), date(2026, 5, 1)):
        book = cashbook.build_book(books, "cash", start=start, end=start)
        report = balances.trial_balance(books, as_of=date.fromordinal(start.toordinal() - 1))
        assert book.opening == sum(r["balance"] for r in report["rows"] if r["account"] == "111"), start


def test_fund_filter_and_bank_book_with_sub_accounts(books, post):
    from ledger.accounts.services import create_account
    from ledger.extensions import db

    create_account({"code": "1121", "name": "Tiền gửi Agribank", "parent": "112"})
    db.session.commit()
    receipt(post, "BL", "HB", 700_000, date(2026, 3, 20), "Lãi tiền gửi", account="1121")
    fund_book = cashbook.build_book(books, "cash", fund=cashbook.book_fund(books, "HB"),
                                    start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert (fund_book.opening, [r.number for r in fund_book.rows]) == (0, ["PT-2026-000002"])
    bank = cashbook.build_book(books, "bank", start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert [(r.number, r.receipt) for r in bank.rows] == [("PT-2026-000005", 9_000_000), ("PT-2026-000006", 700_000)]
    assert bank.closing == 9_700_000 and bank.account == "112"


def test_transfer_between_funds_of_one_cash_box(books, post):
    post("BL", [("111", "HB", 250_000, 0), ("421", "HB", 0, 250_000),
                ("421", "QKH", 250_000, 0), ("111", "QKH", 0, 250_000)], on=date(2026, 3, 15), memo="Điều chuyển quỹ")
    everything = cashbook.build_book(books, "cash", start=date(2026, 3, 15), end=date(2026, 3, 15))
    assert everything.rows == []  # the money never left the box
    one_fund = cashbook.build_book(books, "cash", fund=cashbook.book_fund(books, "QKH"),
                                   start=date(2026, 3, 15), end=date(2026, 3, 15))
    assert [(r.memo, r.payment) for r in one_fund.rows] == [("Điều chuyển quỹ", 250_000)]


@pytest.mark.parametrize("kind, fund, start, end, field", [
    ("cash", None, date(2026, 3, 31), date(2026, 3, 1), "from"),
    ("cash", None, date(2020, 1, 1), date(2026, 3, 1), "from"),
    ("safe", None, None, None, "kind"),
    ("cash", "OTHER", None, None, "fund"),
])
def test_bad_requests_are_refused(books, make_unit, make_fund, kind, fund, start, end, field):
    make_unit("HN", level="province")
    make_fund("OTHER", owner="HN")
    with pytest.raises(ValidationFailed) as caught:
        cashbook.build_book(books, kind, fund=cashbook.book_fund(books, fund), start=start, end=end)
    assert caught.value.field == field


def test_book_through_the_api(books, api_as):
    api = api_as(("BL", "viewer"))
    r = api.get("/units/BL/books/cash?from=2026-03-05&to=2026-03-31&fund=QKH")
    assert r.status_code == 200, r.json
    assert ((r.json["opening"], r.json["closing"], r.json["fund"], r.json["from"])
            == (3_800_000, 5_965_000, "QKH", "2026-03-05"))
    assert r.json["rows"][0] == {"date": "2026-03-10", "number": "PT-2026-000003", "memo": "Ông Tẩn Văn Sơn ủng hộ",
                                 "receipt": 2_015_000, "payment": 0, "balance": 5_815_000,
                                 "entry_id": r.json["rows"][0]["entry_id"]}
    assert api.get("/units/BL/books/cash?from=2026-03-31&to=2026-03-01").status_code == 422
    assert api_as(("LC", "viewer")).get("/units/BL/books/bank").status_code == 200
    assert api.get("/units/LC/books/cash").status_code == 403


def page_client(client, make_user, role=("BL", "treasurer")):
    user = make_user(roles=[role])
    client.post("/login", data={"username": user.username, "password": "mat-khau-dai"})  # a server-side session
    return client


def test_book_page_and_printed_pdf(books, client, make_user):
    client = page_client(client, make_user)
    page = client.get("/units/BL/books/cash?from=2026-03-01&to=2026-03-31")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Sổ quỹ tiền mặt" in html and "PT-2026-000003" in html and "6.765.000" in html
    pdf = client.get("/units/BL/books/cash?from=2026-03-01&to=2026-03-31&format=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.data, capture_output=True, check=True).stdout.decode()
    text = " ".join(text.split())  # cells wrap inside narrow columns
    for expected in ("SỔ QUỸ TIỀN MẶT", "Hội Khuyến học xã Bình Lư", "Ông Tẩn Văn Sơn ủng hộ", "Số dư đầu kỳ",
                     "4.600.000", "6.765.000", "PC-2026-000002", "Thủ quỹ"):
        assert expected in text, expected
    bad = client.get("/units/BL/books/cash?from=31/03/2026&to=01/03/2026")
    assert bad.status_code == 302
    unit_page = client.get("/units/BL").get_data(as_text=True)
    assert "/units/BL/books/cash" in unit_page and "/funds/QKH" in unit_page

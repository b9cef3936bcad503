"""The books' pages through the test client: journal, entry and reversal, the general-entry form,
trial balance with CSV, closing. Refused input shows a Vietnamese message and posts nothing.
"""
import csv
import io
import re
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from ledger.accounts.models import Entry
from ledger.core.dates import vn_today
from ledger.extensions import db

DONATION = [("111", "QKH", 2015000, 0), ("511", "QKH", 0, 2015000)]


@pytest.fixture
def books(make_unit, make_fund):
    make_unit("SL", level="province", name="Hội Khuyến học tỉnh Sơn La")
    make_unit("SL-X01", level="commune", parent="SL", name="Hội Khuyến học xã Chiềng Sinh")
    make_fund("QKH", owner="SL", name="Quỹ khuyến học tỉnh Sơn La")


@pytest.fixture
def treasurer(books, page_as):
    return page_as(("SL", "treasurer"))


def entry_count(unit_code="SL-X01") -> int:
    from ledger.units.services import get_unit

    return db.session.scalar(select(func.count(Entry.id)).where(Entry.unit_id == get_unit(unit_code).id))


def entry_form(on="2026-03-10", memo="Ủng hộ của dòng họ Lò", rows=(("111", "QKH", "2.015.000", ""),
                                                                   ("511", "QKH", "", "2.015.000")), key=None):
    data = {"date": on, "memo": memo, "rows": "6", "idempotency_key": key or f"form-{uuid.uuid4().hex}"}
    for i, (account, fund, debit, credit) in enumerate(rows):
        data.update({f"account-{i}": account, f"fund-{i}": fund, f"debit-{i}": debit, f"credit-{i}": credit})
    return data


# ---- the general-entry form ----------------------------------------------------------------------

def test_entry_form_shows_blank_rows_and_a_fresh_token(treasurer):
    first, second = treasurer.get("/units/SL-X01/entries/new"), treasurer.get("/units/SL-X01/entries/new")
    assert first.status_code == 200
    assert first.text.count('name="debit-') == 6
    tokens = [re.search(r'name="idempotency_key" value="([^"]+)"', r.text)[1] for r in (first, second)]
    assert tokens[0] != tokens[1]


def test_blank_rows_start_with_the_nearest_general_fund(treasurer, make_fund):
    assert '<option value="QKH" selected>' in treasurer.get("/units/SL-X01/entries/new").text
    make_fund("QKH-X01", owner="SL-X01")
    make_fund("HOC-BONG-X01", owner="SL-X01", kind="restricted")
    page = treasurer.get("/units/SL-X01/entries/new").text
    assert page.count('<option value="QKH-X01" selected>') == 6 and '<option value="QKH" selected>' not in page


def test_typed_amounts_post_one_entry_and_show_it(treasurer):
    r = treasurer.post("/units/SL-X01/entries/new", data=entry_form())
    assert r.status_code == 303
    entry = db.session.scalar(select(Entry).order_by(Entry.id.desc()))
    assert r.location.endswith(f"/entries/{entry.id}")
    assert [(line.account.code, line.debit, line.credit) for line in entry.lines] == [("111", 2015000, 0),
                                                                                     ("511", 0, 2015000)]
    page = treasurer.get(r.location)
    assert "BT-2026-000001" in page.text and "2.015.000" in page.text
    assert "Hai triệu không trăm mười lăm nghìn đồng" in page.text


@pytest.mark.parametrize("rows, message", [
    ((("111", "QKH", "2tr", ""), ("511", "QKH", "", "2.015.000")), "Số tiền phải là số nguyên đồng dương"),
    ((("111", "QKH", "2.015.000", ""), ("511", "QKH", "", "2.000.000")), "Bút toán không cân"),
    ((("111", "QKH", "2.015.000", "1"), ("511", "QKH", "", "2.015.000")), "Mỗi dòng chỉ ghi một bên"),
    ((("111", "QKH", "2.015.000", ""),), "ít nhất hai dòng"),
    ((("611", "QKH", "500.000", ""), ("111", "QKH", "", "500.000")), "Không đủ số dư"),
])
def test_refused_form_keeps_what_was_typed_and_posts_nothing(treasurer, rows, message):
    r = treasurer.post("/units/SL-X01/entries/new", data=entry_form(rows=rows))
    assert r.status_code == 422
    assert message in r.text
    assert 'value="Ủng hộ của dòng họ Lò"' in r.text
    assert f'value="{rows[0][2]}"' in r.text
    assert entry_count() == 0


def test_date_in_a_closed_period_is_refused_in_vietnamese(treasurer, post):
    post("SL-X01", DONATION, on=date(2026, 3, 1))
    treasurer.post("/units/SL-X01/close", data={"through": "2026-03-31", "confirm": "1"})
    r = treasurer.post("/units/SL-X01/entries/new", data=entry_form(on="2026-03-15"))
    assert r.status_code == 422
    assert "đã khóa đến hết ngày 31/03/2026" in r.text
    assert entry_count() == 1


def test_bad_date_is_refused(treasurer):
    r = treasurer.post("/units/SL-X01/entries/new", data=entry_form(on="31/02/2026"))
    assert r.status_code == 422 and "Ngày không hợp lệ" in r.text
    assert entry_count() == 0


def test_dd_mm_yyyy_dates_are_read(treasurer):
    assert treasurer.post("/units/SL-X01/entries/new", data=entry_form(on="15/03/2026")).status_code == 303
    assert db.session.scalar(select(Entry.dated_on)) == date(2026, 3, 15)


def test_the_same_token_posts_once_and_replays_the_redirect(treasurer):
    data = entry_form(key="form-double-click")
    first = treasurer.post("/units/SL-X01/entries/new", data=data)
    again = treasurer.post("/units/SL-X01/entries/new", data=data)
    assert first.status_code == again.status_code == 303
    assert again.location == first.location
    assert entry_count() == 1
    other = treasurer.post("/units/SL-X01/entries/new", data={**data, "memo": "Khác"})
    assert other.status_code == 409 and "đã được gửi" in other.text
    assert entry_count() == 1


def test_a_refused_form_can_be_corrected_and_sent_with_the_same_token(treasurer):
    bad = entry_form(rows=(("111", "QKH", "2tr", ""), ("511", "QKH", "", "2.015.000")), key="form-fix-me")
    assert treasurer.post("/units/SL-X01/entries/new", data=bad).status_code == 422
    good = entry_form(key="form-fix-me")
    assert treasurer.post("/units/SL-X01/entries/new", data=good).status_code == 303
    assert entry_count() == 1


def test_a_form_without_token_is_refused(treasurer):
    data = entry_form()
    del data["idempotency_key"]
    assert treasurer.post("/units/SL-X01/entries/new", data=data).status_code == 422
    assert entry_count() == 0


def test_more_rows_keeps_typed_values(treasurer):
    r = treasurer.post("/units/SL-X01/entries/new/rows", data=entry_form())
    assert r.status_code == 200
    assert r.text.count('name="debit-') == 10
    assert 'value="2.015.000"' in r.text and entry_count() == 0


@pytest.mark.parametrize("role", ["viewer", "auditor", "approver"])
def test_who_cannot_post_gets_no_form(books, page_as, role):
    client = page_as(("SL", role))
    assert client.get("/units/SL-X01/entries/new").status_code == 403
    assert client.post("/units/SL-X01/entries/new", data=entry_form()).status_code == 403
    assert "Ghi bút toán" not in client.get("/units/SL-X01").text
    assert entry_count() == 0


def test_pages_send_anonymous_visitors_to_login(books, client):
    for path in ("/units/SL-X01/journal", "/units/SL-X01/entries/new", "/units/SL-X01/trial-balance"):
        r = client.get(path)
        assert r.status_code == 302 and "/login?next=" in r.location


# ---- journal and entry pages ---------------------------------------------------------------------

def test_journal_filters_and_pages(treasurer, post, make_fund, monkeypatch):
    from ledger.accounts import routes

    make_fund("QKH2", owner="SL")
    post("SL-X01", DONATION, on=date(2026, 1, 5), memo="Tháng một")
    post("SL-X01", DONATION, on=date(2026, 2, 5), memo="Tháng hai")
    post("SL-X01", [("112", "QKH2", 700000, 0), ("511", "QKH2", 0, 700000)], on=date(2026, 3, 5), memo="Tháng ba")
    everything = treasurer.get("/units/SL-X01/journal").text
    assert everything.index("Tháng ba") < everything.index("Tháng hai") < everything.index("Tháng một")
    feb = treasurer.get("/units/SL-X01/journal?from=2026-02-01&to=2026-02-28").text
    assert "Tháng hai" in feb and "Tháng một" not in feb and "Tháng ba" not in feb
    bank = treasurer.get("/units/SL-X01/journal?account=112").text
    assert "Tháng ba" in bank and "Tháng hai" not in bank
    assert "Tháng ba" not in treasurer.get("/units/SL-X01/journal?fund=QKH").text
    monkeypatch.setattr(routes, "PAGE_SIZE", 2)
    page2 = treasurer.get("/units/SL-X01/journal?page=2").text
    assert "Tháng một" in page2 and "Tháng ba" not in page2 and "Trang 2/2" in page2


def test_journal_bad_filter_date_says_so(treasurer):
    r = treasurer.get("/units/SL-X01/journal?from=hôm-qua")
    assert r.status_code == 400 and "Ngày không hợp lệ" in r.text


def test_reversal_form_links_both_entries(treasurer, post):
    entry = post("SL-X01", DONATION, memo="Ghi nhầm quỹ")
    r = treasurer.post(f"/entries/{entry.id}", data={"date": "2026-03-12", "reason": "Ghi nhầm",
                                                      "idempotency_key": "form-rev-1"})
    assert r.status_code == 303
    reversal = treasurer.get(r.location).text
    assert "đảo của" in reversal and entry.number in reversal
    original = treasurer.get(f"/entries/{entry.id}").text
    assert "đã bị đảo bởi" in original and "BT-2026-000002" in original
    assert "Ghi bút toán đảo" not in original  # no second reversal offered
    journal = treasurer.get("/units/SL-X01/journal").text
    assert "đã bị đảo bởi" in journal and "đảo của" in journal


def test_reversal_into_a_closed_period_is_refused(treasurer, post):
    entry = post("SL-X01", DONATION, on=date(2026, 3, 1))
    treasurer.post("/units/SL-X01/close", data={"through": "2026-03-31", "confirm": "1"})
    r = treasurer.post(f"/entries/{entry.id}", data={"date": "2026-03-20", "reason": "Ghi nhầm số tiền",
                                                      "idempotency_key": "form-rev-2"})
    assert r.status_code == 422 and "đã khóa đến hết ngày 31/03/2026" in r.text
    assert 'value="Ghi nhầm số tiền"' in r.text
    assert entry_count() == 1


def test_reversal_needs_a_reason(treasurer, post):
    entry = post("SL-X01", DONATION)
    r = treasurer.post(f"/entries/{entry.id}", data={"date": "2026-03-12", "reason": " ", "idempotency_key": "k"})
    assert r.status_code == 422 and "Cần ghi lý do" in r.text
    assert entry_count() == 1


def test_entry_of_another_subtree_is_forbidden(books, page_as, post, make_unit):
    make_unit("LC", level="province")
    entry = post("SL-X01", DONATION)
    assert page_as(("LC", "treasurer")).get(f"/entries/{entry.id}").status_code == 403


# ---- trial balance and closing -------------------------------------------------------------------

def test_trial_balance_page_totals_and_as_of(treasurer, post):
    post("SL-X01", DONATION, on=date(2026, 1, 10))
    post("SL-X01", DONATION, on=date(2026, 3, 10))
    now = treasurer.get("/units/SL-X01/trial-balance").text
    assert "4.030.000" in now and "Tiền mặt" in now
    january = treasurer.get("/units/SL-X01/trial-balance?as_of=2026-01-31").text
    assert "2.015.000" in january and "4.030.000" not in january


def test_trial_balance_bad_date_is_a_vietnamese_error(treasurer):
    for path in ("/units/SL-X01/trial-balance?as_of=31/13/2026", "/units/SL-X01/trial-balance.csv?as_of=x"):
        r = treasurer.get(path)
        assert r.status_code == 422 and "Ngày không hợp lệ" in r.text


def test_trial_balance_consolidated_switch(treasurer, post):
    post("SL-X01", DONATION)
    assert "2.015.000" not in treasurer.get("/units/SL/trial-balance").text
    assert "2.015.000" in treasurer.get("/units/SL/trial-balance?consolidated=1").text


def test_trial_balance_csv_is_utf8_with_bom(treasurer, post):
    post("SL-X01", DONATION)
    r = treasurer.get("/units/SL-X01/trial-balance.csv?as_of=2026-03-31")
    assert r.mimetype == "text/csv"
    assert "bang-can-doi-SL-X01-2026-01-01-2026-03-31.csv" in r.headers["Content-Disposition"]
    assert r.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig")), delimiter=";"))  # Vietnamese Excel's separator
    assert rows[0] == ["Tài khoản", "Tên tài khoản", "Quỹ", "Số dư đầu kỳ Nợ", "Số dư đầu kỳ Có",
                       "Phát sinh trong kỳ Nợ", "Phát sinh trong kỳ Có", "Số dư cuối kỳ Nợ", "Số dư cuối kỳ Có"]
    assert ["111", "Tiền mặt", "QKH", "0", "0", "2015000", "0", "2015000", "0"] in rows
    assert ["511", "Thu ủng hộ, tài trợ", "QKH", "0", "0", "0", "2015000", "0", "2015000"] in rows
    assert rows[-1] == ["Tổng cộng", "", "", "0", "0", "2015000", "2015000", "2015000", "2015000"]


def test_closing_moves_forward_only(treasurer):
    assert "Chưa khóa sổ lần nào" in treasurer.get("/units/SL-X01/close").text
    r = treasurer.post("/units/SL-X01/close", data={"through": "2026-03-31", "confirm": "1"})
    assert r.status_code == 303
    assert "31/03/2026" in treasurer.get(r.location).text
    back = treasurer.post("/units/SL-X01/close", data={"through": "2026-02-28", "confirm": "1"})
    assert back.status_code == 422 and "không được lùi lại" in back.text
    future = (vn_today() + timedelta(days=3)).isoformat()
    ahead = treasurer.post("/units/SL-X01/close", data={"through": future, "confirm": "1"})
    assert ahead.status_code == 422 and "tương lai" in ahead.text


def test_viewer_sees_closing_date_but_cannot_close(books, page_as):
    viewer = page_as(("SL", "viewer"))
    page = viewer.get("/units/SL-X01/close")
    assert page.status_code == 200 and 'name="through"' not in page.text
    assert viewer.post("/units/SL-X01/close", data={"through": "2026-01-31"}).status_code == 403


def test_unit_page_links_to_the_books(treasurer):
    page = treasurer.get("/units/SL-X01").text
    for path in ("/units/SL-X01/journal", "/units/SL-X01/entries/new", "/units/SL-X01/trial-balance",
                 "/units/SL-X01/close"):
        assert path in page
    assert "Quỹ khuyến học tỉnh Sơn La" in page

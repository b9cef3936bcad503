"""The books in real Chromium: a treasurer types a general entry with "2.015.000", clicks "Lưu" twice
while the first request is still in flight, and exactly one entry is posted; the entry page shows it.
"""
import pytest
from sqlalchemy import func, select

from ledger.accounts.models import Entry
from ledger.extensions import db
from ledger.units.services import get_unit

pytestmark = pytest.mark.browser
BINH_LU = "LC12-03390"  # Xã Bình Lư in the 2025 divisions, as the demo imports it


def entries_in(live_server, code: str) -> int:
    with live_server.app.app_context():
        return db.session.scalar(select(func.count(Entry.id)).where(Entry.unit_id == get_unit(code).id))


def type_donation(page, live_server, login, debit: str, credit: str) -> None:
    """As Bình Lư's treasurer: open the entry form, type Dr 111 / Cr 511 in QKH-BL as given."""
    login(page, "thuquy.binhlu")
    page.goto(live_server.url(f"/units/{BINH_LU}/entries/new"))
    page.fill("input[name=memo]", "Dòng họ Lò ủng hộ Quỹ khuyến học")
    for row, account, side, amount in ((0, "111", "debit", debit), (1, "511", "credit", credit)):
        page.select_option(f"select[name=account-{row}]", account)
        page.select_option(f"select[name=fund-{row}]", "QKH-BL")
        page.fill(f"input[name={side}-{row}]", amount)


def test_double_click_on_save_posts_one_entry(page, live_server, login, screenshot):
    before = entries_in(live_server, BINH_LU)
    type_donation(page, live_server, login, "2.015.000", "2.015.000")
    screenshot(page, "entry-form")
    box = page.locator("button:text-is('Lưu')").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    with live_server.holding_posts() as gate:
        # The first request is still on its way (a slow line) when the second click lands;
        # the mouse itself, unlike locator clicks, does not wait for the pending navigation.
        page.mouse.click(x, y)
        gate.wait_for(1)
        page.mouse.click(x, y)
        gate.wait_for(1)
    page.wait_for_url("**/entries/*")
    page.wait_for_selector("table.lines")
    assert entries_in(live_server, BINH_LU) == before + 1
    assert "2.015.000" in page.inner_text("table.lines")
    assert "Hai triệu không trăm mười lăm nghìn đồng" in page.inner_text("dl.facts")
    screenshot(page, "entry-posted")


def test_typing_2tr_shows_the_error_and_keeps_the_row(page, live_server, login, screenshot):
    before = entries_in(live_server, BINH_LU)
    type_donation(page, live_server, login, "2tr", "2.000.000")
    page.click("button:text-is('Lưu')")
    page.wait_for_selector(".errors")
    assert "Số tiền phải là số nguyên đồng dương" in page.inner_text(".errors")
    assert page.input_value("input[name=debit-0]") == "2tr"
    screenshot(page, "entry-refused")
    assert entries_in(live_server, BINH_LU) == before


def test_journal_and_trial_balance_print_cleanly(page, live_server, login, screenshot):
    from ledger.accounts import services
    from ledger.core.dates import vn_today

    with live_server.app.app_context():
        services.record_entry(get_unit(BINH_LU), {"date": vn_today(), "memo": "Tiền lợn nhựa khuyến học", "lines": [
            {"account": "111", "fund": "QKH-BL", "debit": 750000},
            {"account": "511", "fund": "QKH-BL", "credit": 750000}]})
        db.session.commit()
    login(page, "chutich.binhlu")
    page.goto(live_server.url(f"/units/{BINH_LU}/journal"))
    assert "Tiền lợn nhựa khuyến học" in page.inner_text("table.journal")
    assert page.locator("a:text-is('Ghi bút toán')").count() == 0  # an approver reads, does not post
    screenshot(page, "journal")
    page.goto(live_server.url(f"/units/{BINH_LU}/trial-balance"))
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible() and not page.locator("form.filters").is_visible()
    assert page.locator("table.trial-balance tfoot").is_visible()
    screenshot(page, "trial-balance-print")

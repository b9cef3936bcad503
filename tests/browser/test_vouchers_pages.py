"""Vouchers in real Chromium: a treasurer cancels a receipt from its page (a reason, a tick, confirm) and sees
the "ĐÃ HỦY" mark on the page and in the list; an approver is offered no "Lập phiếu thu"; at 390 px the
receipt and payment pages do not scroll sideways.
"""
import uuid

import pytest

from tests.browser.helpers import PHONE, binh_lu_code

pytestmark = pytest.mark.browser



def new_receipt(page, live_server, code: str) -> str:
    """A cash donation typed in the form; returns the receipt page's path."""
    page.goto(live_server.url(f"/units/{code}/receipts/new"))
    page.fill("input[name=donor_name]", f"Lò Văn Khoa {uuid.uuid4().hex[:6]}")
    page.fill("input[name=amount]", "350.000")
    page.click("form.treasury-form button[type=submit]")
    page.wait_for_selector("text=In phiếu thu")
    return page.url.removeprefix(live_server.url(""))


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_treasurer_cancels_a_receipt_and_sees_the_mark(page, live_server, login, screenshot):
    code = binh_lu_code(live_server)
    login(page, "thuquy.binhlu")
    path = new_receipt(page, live_server, code)
    number = page.inner_text("h1").split()[-1]
    page.click("details.cancel-voucher summary")
    page.fill("details.cancel-voucher input[name=reason]", "Ghi nhầm người nộp")
    screenshot(page, "vouchers-cancel-form")
    page.get_by_role("button", name="Xác nhận hủy phiếu").click()  # the tick is required: the browser keeps the form
    assert "ĐÃ HỦY" not in page.inner_text("main")
    page.check("details.cancel-voucher input[name=confirm]")
    page.get_by_role("button", name="Xác nhận hủy phiếu").click()
    page.wait_for_selector(".voucher-cancelled")
    mark = page.inner_text(".voucher-cancelled")
    assert "ĐÃ HỦY" in mark and "Ghi nhầm người nộp" in mark and "bút toán đảo BT-" in mark
    assert page.locator("details.cancel-voucher").count() == 0  # cancelled once, not offered again
    screenshot(page, "vouchers-cancelled-receipt")
    page.goto(live_server.url(f"/units/{code}/receipts"))
    row = page.locator("tr", has_text=number)
    assert "Đã hủy" in row.inner_text()
    screenshot(page, "vouchers-receipt-list")
    page.set_viewport_size(PHONE)
    page.goto(live_server.url(path))
    assert no_sideways_scroll(page)
    screenshot(page, "vouchers-cancelled-receipt-phone")


def test_approver_is_not_offered_to_make_vouchers(page, live_server, login, screenshot):
    code = binh_lu_code(live_server)
    login(page, "chutich.binhlu")
    page.goto(live_server.url(f"/units/{code}"))
    assert page.get_by_role("link", name="Lập phiếu thu").count() == 0
    assert page.get_by_role("link", name="Lập phiếu chi").count() == 0
    page.goto(live_server.url(f"/units/{code}/receipts"))
    assert page.get_by_role("link", name="Lập phiếu thu").count() == 0
    first = page.locator("table tbody tr a").first
    first.click()
    assert page.locator("details.cancel-voucher").count() == 0
    screenshot(page, "vouchers-receipt-as-approver")


def test_payment_page_fits_a_phone(page, live_server, login, screenshot):
    code = binh_lu_code(live_server)
    login(page, "thuquy.binhlu")
    page.goto(live_server.url(f"/units/{code}/disbursements/new"))
    page.fill("input[name=amount]", "120.000")
    page.fill("input[name=payee_name]", "Nhà sách Bình Lư")
    page.fill("input[name=payee_id_number]", "012345678901")
    page.fill("input[name=payee_address]", "Bản Nà An, xã Bình Lư, tỉnh Lai Châu")
    page.fill("input[name=memo]", "Mua vở tặng học sinh")
    page.click("form.treasury-form button[type=submit]")
    page.wait_for_selector("text=In phiếu chi")
    assert "CCCD 012345678901" in page.inner_text("main")
    page.set_viewport_size(PHONE)
    page.reload()
    page.click("details.redate summary")
    assert no_sideways_scroll(page)
    screenshot(page, "vouchers-payment-phone")

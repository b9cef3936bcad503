"""The "Việc cần làm" home and inspection in real Chromium (issue 14, items 7 and 13): the Sơn La inspection board
(kiemtra.sonla) plans an inspection of phường Tô Hiệu and records a finding on a receipt; the province's treasurer
(thuquy.sonla) lands on the home page, sees it, follows the link and answers (on a phone); chutich.binhlu's home
lists the payments to approve. 390 px fits.
"""
import uuid

import pytest
from sqlalchemy import select

from ledger.extensions import db
from ledger.units.models import Unit
from tests.browser.helpers import PHONE, in_db

WARD = "Hội Khuyến học Phường Tô Hiệu"

pytestmark = pytest.mark.browser


def fits_a_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_board_records_a_finding_and_the_treasurer_answers_it(browser, page, live_server, login, screenshot):
    code = in_db(live_server, lambda: db.session.scalar(select(Unit.code).where(Unit.name == WARD)))
    mark = uuid.uuid4().hex[:6]
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "kiemtra.sonla")
    page.goto(live_server.url(f"/units/{code}/inspections"))
    page.fill("input[name=period_start]", "01/01/2026")
    page.fill("input[name=period_end]", "31/12/2026")
    page.fill("input[name=scheduled_on]", "15/01/2027")
    page.fill("textarea[name=scope]", f"Thu, chi quỹ khuyến học {mark}")
    page.fill("input[name=members]", "Quàng Thị Lan, Lò Văn Tâm")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("text=Ghi kết luận kiểm tra")
    receipt = page.locator("select[name=document] option[value^='receipt_id:']").first
    page.select_option("select[name=document]", receipt.get_attribute("value"))
    page.fill("textarea[name=description]", f"Phiếu thu thiếu chữ ký người nộp {mark}")
    page.fill("textarea[name=follow_up]", "Bổ sung chữ ký, báo lại ban kiểm tra")
    page.click("form.card:has(select[name=document]) button[type=submit]")
    finding = page.locator("article.finding", has_text=mark)
    finding.locator("a", has_text="Phiếu thu").wait_for()
    screenshot(page, "inspection-finding-desktop")

    treasurer = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport=PHONE).new_page()
    login(treasurer, "thuquy.sonla")
    treasurer.goto(live_server.url("/"))
    assert treasurer.url.endswith("/todo")
    group = treasurer.locator("section.todo.answer_findings")
    assert WARD in group.inner_text()
    assert fits_a_phone(treasurer)
    screenshot(treasurer, "todo-treasurer-phone")
    group.locator("a", has_text="Tô Hiệu").click()
    treasurer.locator("a", has_text="15/01/2027").first.click()
    answer = treasurer.locator("article.finding", has_text=mark)
    answer.locator("textarea[name=answer]").fill("Đã bổ sung chữ ký người nộp tiền.")
    answer.locator("button", has_text="Gửi trả lời").click()
    treasurer.locator("article.finding", has_text=mark).locator("text=Đơn vị đã trả lời").first.wait_for()
    assert fits_a_phone(treasurer)
    screenshot(treasurer, "inspection-answered-phone")
    treasurer.context.close()


def test_the_approvers_home_lists_payments_to_approve(page, live_server, login, screenshot):
    for width in (1280, PHONE["width"]):
        page.set_viewport_size({"width": width, "height": 900})
        login(page, "chutich.binhlu")
        page.goto(live_server.url("/"))
        group = page.locator("section.todo.approve_payments")
        assert "Phiếu chi chờ duyệt" in group.inner_text()
        assert width > PHONE["width"] or fits_a_phone(page)
        screenshot(page, f"todo-approver-{width}")
        group.locator("a").first.click()
        page.wait_for_url("**/approvals")
        page.context.clear_cookies()

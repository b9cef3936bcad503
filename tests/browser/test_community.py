"""Members, dues and campaigns in real Chromium: a branch head ticks members on the collection sheet
and prints the phiếu thu; a citizen who is not logged in sees a campaign's progress and honor roll.
"""
import subprocess

import pytest
from sqlalchemy import func, select

from ledger.accounts.community.models import DuesPayment
from ledger.extensions import db

pytestmark = pytest.mark.browser


def dues_paid(live_server) -> int:
    with live_server.app.app_context():
        return db.session.scalar(select(func.count(DuesPayment.id)))


def test_branch_head_ticks_members_and_prints_the_voucher(page, live_server, login, screenshot, tmp_path):
    login(page, "chihoi.tdp7")
    page.goto(live_server.url("/units/BD-TDP-7"))
    page.click("text=Bảng thu hội phí")
    page.wait_for_selector("form.dues-sheet")
    boxes = page.locator("form.dues-sheet input[type=checkbox]:not(:checked)")
    assert boxes.count() >= 2
    ids = [boxes.nth(i).get_attribute("id") for i in range(2)]
    names = [page.locator(f"label[for={box_id}]").inner_text() for box_id in ids]
    for box_id in ids:
        page.check(f"#{box_id}")
    screenshot(page, "dues-sheet-ticked")
    before = dues_paid(live_server)
    page.click("form.dues-sheet button[type=submit]")
    page.wait_for_selector("text=Bảng kê hội viên nộp hội phí")
    assert dues_paid(live_server) == before + 2
    table = page.locator("main table").first.inner_text()
    assert all(name in table for name in names)
    assert "48.000 ₫" in page.locator("main").inner_text()  # 2 × 24.000 đ, Bồ Đề's dues
    screenshot(page, "dues-receipt")
    voucher = page.request.get(live_server.url(page.get_attribute("a.print-voucher", "href")))
    assert voucher.ok and voucher.headers["content-type"] == "application/pdf"
    (tmp_path / "pt.pdf").write_bytes(voucher.body())
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "pt.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "PHIẾU THU" in text and "Bốn mươi tám nghìn đồng" in text
    assert all(name in text for name in names)
    page.goto(live_server.url("/units/BD-TDP-7/dues/sheet"))
    for name in names:  # they are on the sheet now as paid, without a box to tick
        assert page.locator(f"tr.paid:has-text('{name}')").count() == 1


def test_citizen_sees_campaign_progress_and_honor_roll(page, live_server, screenshot):
    page.goto(live_server.url("/public/campaigns/TOHIEU-2025"))
    assert page.locator("header .who").count() == 0  # nobody is signed in
    assert page.locator("h1").inner_text() == "Vận động Quỹ học bổng Tô Hiệu năm 2025"
    facts = page.locator("dl.campaign-facts").inner_text()
    assert "2.000.400.000 ₫" in facts and "Tối thiểu 2.000.000.000 ₫" in facts and "Tăng 20%" in facts
    chart = page.locator("figure.progress-chart svg")
    assert chart.is_visible() and chart.locator("rect.chart-bar").count() >= 7
    assert page.locator("script").count() == 0
    leaders = page.locator("table.leaderboard tbody tr")
    assert leaders.first.inner_text().startswith("1")
    assert "Phường Mộc Châu" in leaders.first.inner_text()  # 107,1% of its target: first
    roll = page.locator("table.honor-roll").inner_text()
    assert "Công ty Thủy điện Sơn La" in roll and "Nhà hảo tâm ẩn danh" in roll
    screenshot(page, "public-campaign")
    page.click("table.leaderboard >> text=Phường Tô Hiệu")
    page.wait_for_selector("text=Khách sạn Mường Thanh Sơn La")
    assert "Phường Tô Hiệu" in page.locator("p.meta").first.inner_text()
    page.goto(live_server.url("/public/units/SL/honor-roll?year=2024"))
    roll = page.locator("table.honor-roll").inner_text()
    assert "L. T. H." in roll and "Lường Thị Hoa" not in roll  # she asked for initials only
    assert "Cầm Văn Đoàn" in roll
    screenshot(page, "public-honor-roll")

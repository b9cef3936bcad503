"""The web shell in real Chromium over the demo data: sign in, find a commune by typing its name
without diacritics, open it, see its funds; the language switch; signing out.
"""
import pytest

pytestmark = pytest.mark.browser


def test_admin_finds_binh_lu_and_sees_its_funds(page, live_server, login, screenshot):
    login(page, "admin")
    page.goto(live_server.url("/units"))
    page.fill("input[name=q]", "binh lu")
    page.click("form.search button[type=submit]")
    screenshot(page, "tree-search")
    page.click("section.results a:text-is('Hội Khuyến học Xã Bình Lư')")
    page.wait_for_selector("h1:has-text('Bình Lư')")
    funds = page.locator("section.books table.funds")
    assert "QKH-BL" in funds.inner_text() and "Quỹ khuyến học xã Bình Lư" in funds.inner_text()
    assert page.locator("section.users").inner_text().count("Tẩn Thị Dung") == 1
    assert page.locator("a:text-is('Nhật ký chung')").is_visible()
    screenshot(page, "binh-lu-unit")


def test_phone_width_search_and_unit_page(page, live_server, login, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "thuquy.bode")
    page.goto(live_server.url("/units?q=bo de"))
    page.click("section.results a:text-is('Hội Khuyến học Phường Bồ Đề')")
    page.wait_for_selector("section.books table.funds")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page must not scroll sideways on a phone (tables scroll inside their box)"
    screenshot(page, "bo-de-phone")


def test_language_switch_and_logout(page, live_server, login):
    login(page, "thuquy.binhlu")
    page.goto(live_server.url("/units"))
    page.click("header.top a.lang")
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("header.top a.lang")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.click("header.top button:text-is('Đăng xuất')")
    page.wait_for_selector("form.login")
    assert "Đã đăng xuất." in page.inner_text("main")

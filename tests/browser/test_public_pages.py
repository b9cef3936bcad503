"""The public side in real Chromium, as a citizen with a phone: find the Tô Hiệu campaign from the portal's
home and by search, type 500.000 and get a VietQR for it; the ranking and chart stay readable at 390 px;
the demo's statement PDF is one A4 page."""
import subprocess

import pytest

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def give_500k(page, screenshot, name: str) -> None:
    page.fill("#gift-amount", "500.000")
    page.click("form.gift-form button[type=submit]")
    page.wait_for_selector(".gift-amount")
    assert page.locator(".gift-amount").inner_text() == "500.000 ₫"
    assert page.locator(".gift-qr svg.vietqr").count() == 1
    assert "TOHIEU TOHIEU-" in page.locator("#ung-ho").inner_text()
    no_sideways_scroll(page)
    screenshot(page, name)


def test_a_citizen_on_a_phone_finds_the_campaign_from_the_home_and_gets_a_qr(page, live_server, screenshot):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url("/public/"))
    no_sideways_scroll(page)
    screenshot(page, "public-home-phone")
    page.locator("ul.campaigns.running a", has_text="Tô Hiệu").first.click()
    page.wait_for_selector("h1")
    assert "Tô Hiệu" in page.locator("h1").inner_text()
    no_sideways_scroll(page)
    give_500k(page, screenshot, "public-campaign-qr-phone")


def test_a_citizen_searches_without_diacritics_and_types_a_bad_amount_first(page, live_server, screenshot):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url("/public/"))
    page.fill("#q", "to hieu")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_selector("ul.campaigns.found")
    screenshot(page, "public-search-phone")
    page.locator("ul.campaigns.found a").first.click()
    page.wait_for_selector("#gift-amount")
    page.fill("#gift-amount", "năm trăm nghìn")
    page.click("form.gift-form button[type=submit]")
    page.wait_for_selector("#gift-error")
    assert "Số tiền phải là số nguyên đồng dương" in page.locator("#gift-error").inner_text()
    give_500k(page, screenshot, "public-search-qr-phone")


@pytest.mark.parametrize("width", [390, 1280])
def test_the_ranking_and_chart_are_readable(page, live_server, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url("/public/campaigns/TOHIEU-2025"))
    no_sideways_scroll(page)
    label_px = page.evaluate("Math.min(...[...document.querySelectorAll('.progress-chart .chart-label')]"
                             ".map(t => t.getBoundingClientRect().height))")
    assert label_px >= 11
    ranking = page.locator("table.leaderboard tbody tr").first
    box = ranking.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width  # the whole row is on screen, nothing cut
    assert "Mộc Châu" in ranking.inner_text() and "107,1" in ranking.inner_text()
    screenshot(page, f"public-campaign-ranking-{width}")


def test_the_demo_statement_pdf_is_one_page(page, live_server):
    page.goto(live_server.url("/public/units/SL"))
    href = page.locator("a", has_text="PDF").first.get_attribute("href")
    answer = page.request.get(live_server.url(href))
    assert answer.ok
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=answer.body(), capture_output=True,
                          check=True).stdout.decode()
    assert text.count("\f") == 1 and "Chủ tịch Hội" in text and "Mã kiểm tra SHA-256" in text

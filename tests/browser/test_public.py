"""A citizen, not logged in, finds phường Bồ Đề, opens its latest statement, downloads the PDF and
checks it on the verification page — in real Chromium, on the demo data."""
import subprocess
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).parent / "artifacts"


def first_page_png(pdf_path: Path, name: str) -> Path:
    """The PDF's first page as tests/browser/artifacts/<name>.png, to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf_path),
                    str(ARTIFACTS / name)], check=True)
    return ARTIFACTS / f"{name}.png"


@pytest.mark.browser
def test_a_citizen_finds_bo_de_reads_its_statement_downloads_the_pdf_and_verifies_it(
        page, live_server, screenshot, tmp_path):
    page.goto(live_server.url("/public"))
    assert page.locator("header.top .who").count() == 0  # nobody is logged in
    page.fill("input[name=q]", "bo de")
    page.click("form[role=search] button[type=submit]")
    page.click("ul.found a:has-text('Bồ Đề')")
    page.wait_for_selector("h1:has-text('Bồ Đề')")

    page.click("ul.statements li a >> nth=0")  # the newest period comes first
    page.wait_for_selector("article.statement")
    assert "báo cáo công khai tài chính" in page.inner_text(".statement-head").lower()
    assert "Quỹ khuyến học, khuyến tài phường Bồ Đề" in page.inner_text(".statement-funds")
    digest = page.inner_text(".statement-proof code >> nth=0").strip()
    assert len(digest) == 64
    screenshot(page, "public_statement")
    page.set_viewport_size({"width": 390, "height": 844})  # and on a phone
    screenshot(page, "public_statement_phone")

    with page.expect_download() as download:
        page.click("a:has-text('Tải PDF')")
    pdf_path = tmp_path / "bao-cao.pdf"
    download.value.save_as(pdf_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "BÁO CÁO CÔNG KHAI TÀI CHÍNH" in text and digest in text
    first_page_png(pdf_path, "public_statement_pdf")

    page.click(".statement-proof a:has-text('Mở trang kiểm tra')")
    page.wait_for_selector(".verdict")
    assert "khớp" in page.inner_text(".verdict").lower()
    assert "KHÔNG KHỚP" not in page.inner_text(".verdict")
    screenshot(page, "public_verify")

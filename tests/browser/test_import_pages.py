"""Excel imports in real Chromium (issue 14, item 10): the commune treasurer downloads the opening-balance
template from the page, fills in one wrong row, uploads it (the form says "Đang nhập…" meanwhile) and reads
the row's error in the page; at 390 px
the imports page does not scroll sideways."""
import io

import pytest
from openpyxl import Workbook, load_workbook

from tests.browser.helpers import DESKTOP, OVERFLOW_JS, PHONE, binh_lu_code

pytestmark = pytest.mark.browser


def with_a_wrong_amount(template: bytes) -> bytes:
    """The template kept as downloaded (title, header, example) but the example's amount typed in words."""
    rows = [list(row) for row in load_workbook(io.BytesIO(template), read_only=True).active.iter_rows(values_only=True)]
    header, example = rows[1], rows[2]
    example[header.index("Số dư")] = "năm triệu"
    book = Workbook()
    for row in (rows[0], header, example):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_download_the_template_upload_a_wrong_row_and_read_its_error(page, live_server, login, screenshot, tmp_path):
    code = binh_lu_code(live_server)
    page.set_viewport_size(DESKTOP)
    login(page, "thuquy.binhlu")
    page.goto(live_server.url(f"/units/{code}/imports"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp mẫu số dư đầu kỳ (.xlsx)").click()
    template = download.value.path().read_bytes()
    filled = tmp_path / "so-du-dau-ky.xlsx"
    filled.write_bytes(with_a_wrong_amount(template))

    form = page.locator("form.import-form").first
    form.locator("input[type=file]").set_input_files(str(filled))
    # The upload itself is kept back once, so the page can be looked at while "sending".
    page.evaluate("""() => document.querySelector('form.import-form').addEventListener(
        'submit', e => e.preventDefault(), {once: true})""")
    button = form.get_by_role("button", name="Nhập số dư đầu kỳ")
    button.click()
    assert form.locator(".import-status").is_visible() and "Đang nhập…" in form.inner_text()
    assert button.is_disabled()
    screenshot(page, "import-uploading-1280")
    page.evaluate("() => document.querySelector('form.import-form').requestSubmit()")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "chưa ghi gì" in alert.inner_text()
    assert "Dòng 3: " in alert.locator(".row-errors").inner_text()
    screenshot(page, "import-row-error-1280")

    page.set_viewport_size(PHONE)
    page.goto(live_server.url(f"/units/{code}/imports"))
    overflow = page.evaluate(OVERFLOW_JS)
    assert overflow["scroll"] <= PHONE["width"], overflow
    screenshot(page, "imports-390")

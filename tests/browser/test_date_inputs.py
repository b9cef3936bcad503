"""Issue 14, item 9 in an English-language Chromium (locale en-US, where a native date picker shows mm/dd/yyyy):
every date input of the receipt, payment, trial balance, scholarship round and learning forms reads and writes
dd/mm/yyyy; a date typed as eight digits gets its slashes as one types and the receipt is dated that day in
the books, with or without the page's script; the trial balance filters by dd/mm/yyyy dates.
Screenshots in /tmp/shots_h5."""
import re
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from ledger.accounts.treasury.models import Donor, Receipt
from ledger.core.dates import vn_today
from ledger.extensions import db
from ledger.scholarships.models import Program
from ledger.units.models import Unit
from tests.browser.helpers import DESKTOP, PHONE, binh_lu_code, in_db

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots_h5")
DAY = re.compile(r"\d{2}/\d{2}/\d{4}")


@pytest.fixture
def english(browser):
    """english(javascript=True) → a fresh page in an en-US browser; a 5xx answer fails the test."""
    contexts, server_errors = [], []

    def open_page(javascript: bool = True):
        context = browser.new_context(locale="en-US", timezone_id="Asia/Ho_Chi_Minh", viewport=DESKTOP,
                                      java_script_enabled=javascript)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("response", lambda answer: server_errors.append(answer.url) if answer.status >= 500 else None)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not server_errors, f"the server failed: {server_errors}"


def shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sl_program(live_server) -> str:
    return in_db(live_server, lambda: db.session.scalar(
        select(Program.code).join(Unit, Program.owner_unit_id == Unit.id).where(Unit.code == "SL")
        .order_by(Program.code)))


def date_pages(live_server) -> list[tuple[str, str, str]]:
    """(who, name, path) of the forms looked at."""
    bl = binh_lu_code(live_server)
    return [("thuquy.binhlu", "receipt", f"/units/{bl}/receipts/new"),
            ("thuquy.binhlu", "payment", f"/units/{bl}/disbursements/new"),
            ("thuquy.binhlu", "trial-balance", f"/units/{bl}/trial-balance"),
            ("thuquy.sonla", "round", f"/scholarships/programs/{sl_program(live_server)}"),
            ("chutich.binhlu", "recognition", f"/units/{bl}/learning/recognitions/new")]


@pytest.mark.parametrize("width", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_date_input_reads_dd_mm_yyyy_in_an_english_browser(english, live_server, login, width):
    page = english()
    page.set_viewport_size(width)
    assert page.evaluate("navigator.language") == "en-US"
    signed_in = None
    for who, name, path in date_pages(live_server):
        if who != signed_in:
            page.context.clear_cookies()
            login(page, who)
            signed_in = who
        page.goto(live_server.url(path))
        assert page.locator("input[type=date]").count() == 0, name
        inputs = page.locator("main input[data-date]")
        assert inputs.count() >= 1, name
        for field in inputs.all():
            assert field.get_attribute("placeholder") == "dd/mm/yyyy"
            assert "ngày/tháng/năm" in field.get_attribute("title")
            value = field.input_value()
            assert value == "" or DAY.fullmatch(value), (name, value)
            box = field.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width["width"], (name, box)
        shoot(page, f"{name}-{width['width']}")


def typed_receipt(page, live_server, code: str, keys: str) -> str:
    """Types the date key by key, a donor of its own and an amount, posts; returns the donor's name."""
    donor = f"Lò Văn Ngày {uuid.uuid4().hex[:6]}"
    page.goto(live_server.url(f"/units/{code}/receipts/new"))
    page.fill("input[name=date]", "")
    page.locator("input[name=date]").press_sequentially(keys)
    page.fill("input[name=donor_name]", donor)
    page.fill("input[name=amount]", "150.000")
    return donor


def receipt_day(live_server, donor: str) -> date:
    return in_db(live_server, lambda: db.session.scalar(
        select(Receipt.dated_on).join(Donor, Receipt.donor_id == Donor.id).where(Donor.name == donor)))


def test_a_receipt_typed_as_ddmmyyyy_digits_is_dated_that_day(english, live_server, login):
    """Today, typed as its eight digits (the demo's books are closed through yesterday: 15/03/2026 would be
    refused); a day up to the 12th read as mm/dd would land in another month."""
    today = vn_today()
    page = english()
    page.set_viewport_size(PHONE)
    login(page, "thuquy.binhlu")
    donor = typed_receipt(page, live_server, binh_lu_code(live_server), today.strftime("%d%m%Y"))
    assert page.input_value("input[name=date]") == today.strftime("%d/%m/%Y")  # slashes come as digits are typed
    shoot(page, "receipt-typed-390")
    page.click("form.treasury-form button[type=submit]")
    page.wait_for_selector("text=In phiếu thu")
    assert today.strftime("%d/%m/%Y") in page.inner_text("main")
    assert receipt_day(live_server, donor) == today
    shoot(page, "receipt-saved-390")


def test_15_3_2026_is_tidied_on_leaving_the_field(english, live_server, login):
    page = english()
    login(page, "thuquy.binhlu")
    page.goto(live_server.url(f"/units/{binh_lu_code(live_server)}/receipts/new"))
    for typed, shown in (("15-3-2026", "15/03/2026"), ("1.3.2026", "01/03/2026"), ("2026-03-15", "15/03/2026")):
        page.fill("input[name=date]", typed)
        page.locator("input[name=date]").press("Tab")
        assert page.input_value("input[name=date]") == shown


def test_the_form_posts_without_the_script(english, live_server, login):
    page = english(javascript=False)
    login(page, "thuquy.binhlu")
    today = vn_today()
    typed = f"{today.day}-{today.month}-{today.year}"
    donor = typed_receipt(page, live_server, binh_lu_code(live_server), typed)
    assert page.input_value("input[name=date]") == typed  # nothing rewrote it
    page.click("form.treasury-form button[type=submit]")
    page.wait_for_selector("text=In phiếu thu")
    assert receipt_day(live_server, donor) == today


def test_the_trial_balance_filters_by_dd_mm_yyyy(english, live_server, login):
    page = english()
    login(page, "thuquy.binhlu")
    page.goto(live_server.url(f"/units/{binh_lu_code(live_server)}/trial-balance"))
    page.fill("form.filters input[name=from]", "01/01/2026")
    page.locator("form.filters input[name=to]").fill("")
    page.locator("form.filters input[name=to]").press_sequentially("31032026")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert "từ ngày 01/01/2026 đến ngày 31/03/2026" in page.inner_text("p.meta")
    assert page.input_value("form.filters input[name=from]") == "01/01/2026"
    assert page.input_value("form.filters input[name=to]") == "31/03/2026"
    shoot(page, "trial-balance-filtered-1280")

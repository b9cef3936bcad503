"""The books' pages in Chromium as Bình Lư's treasurer: the journal and the cash book fit a 390 px phone
without the page scrolling sideways; closing a month shows what is pending and needs the confirmation ticked.
"""
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from ledger.accounts.treasury.services.disbursements import create_disbursement
from ledger.auth.models import User
from ledger.core.dates import vn_today
from ledger.extensions import db
from ledger.units.services import create_unit, get_unit
from tests.browser.helpers import DESKTOP, OVERFLOW_JS, PHONE

pytestmark = pytest.mark.browser
BINH_LU = "LC12-03390"  # Xã Bình Lư in the 2025 divisions, as the demo imports it


@pytest.mark.parametrize("path,name", [(f"/units/{BINH_LU}/journal", "journal"),
                                       (f"/units/{BINH_LU}/books/cash", "cash-book"),
                                       (f"/units/{BINH_LU}/trial-balance", "trial-balance"),
                                       (f"/units/{BINH_LU}/close", "close")])
def test_books_pages_fit_a_phone(page, live_server, login, screenshot, path, name):
    login(page, "thuquy.binhlu")
    page.set_viewport_size(PHONE)
    page.goto(live_server.url(path))
    found = page.evaluate(OVERFLOW_JS)
    screenshot(page, f"books-{name}-390")
    assert found["scroll"] <= PHONE["width"], found


def new_branch_with_a_pending_payment(live_server, payee: str) -> str:
    """A new branch of Bình Lư (the demo closes every book it loads) with a payment awaiting approval,
    dated on the last day of last month."""
    code = f"BL-H6-{uuid.uuid4().hex[:6]}"
    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.username == "thuquy.binhlu"))
        create_unit({"code": code, "name": f"Chi hội thử khóa sổ {code}", "level": "branch", "parent": BINH_LU})
        create_disbursement(get_unit(code), {
            "date": vn_today().replace(day=1) - timedelta(days=1), "amount": 300000, "method": "cash",
            "fund": "QKH-BL", "category": "award", "payee": {"name": payee}, "memo": "Khen thưởng"}, by=user)
        db.session.commit()
    return code


def closed_through(live_server, code: str):
    with live_server.app.app_context():
        return get_unit(code).closed_through


def test_a_treasurer_closes_a_month_after_seeing_what_is_pending(page, live_server, login, screenshot):
    payee = f"Lò Văn Tuấn {uuid.uuid4().hex[:6]}"
    branch = new_branch_with_a_pending_payment(live_server, payee)
    login(page, "thuquy.binhlu")
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url(f"/units/{branch}/close"))
    last_month = vn_today().replace(day=1) - timedelta(days=1)
    button = page.locator("form.close-confirm button[type=submit]")
    assert button.inner_text() == f"Khóa sổ tháng {last_month.month}/{last_month.year}"
    assert payee in page.locator("section.close-pending").inner_text()
    screenshot(page, "books-close-1280")
    button.click()  # without the tick the browser keeps the form (required): nothing is closed
    assert closed_through(live_server, branch) is None
    page.check("form.close-confirm input[name=confirm]")
    page.locator("form.close-confirm button[type=submit]").click()
    page.wait_for_selector("text=Đã khóa sổ")
    screenshot(page, "books-closed-1280")
    assert closed_through(live_server, branch) == last_month

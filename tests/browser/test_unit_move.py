"""Moving a unit on an effective date from its page (issue 14 item 13, the 2025 reform), in real Chromium:
the admin moves a branch to another commune from 01/07/2025 on a phone, the page's "Lịch sử trực thuộc"
lists both periods; on a desktop an impossible date is refused in Vietnamese and nothing moves.
"""
import uuid
from datetime import date
from pathlib import Path

import pytest

from ledger.extensions import db
from tests.browser.helpers import DESKTOP, OVERFLOW_JS, PHONE, in_db

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots_h6")


def shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def branch(live_server):
    """Two new communes under the demo's first province and a branch of the first: codes unique per run."""
    from ledger.units import services

    mark = uuid.uuid4().hex[:5].upper()

    def create():
        province = services.roots()[0]
        province = services.children_of(province)[0]
        for code, name in ((f"XA{mark}", "Xã Mường Cũ"), (f"XB{mark}", "Xã Mường Mới")):
            services.create_unit({"code": code, "name": f"Hội Khuyến học {name} {mark}", "level": "commune",
                                  "parent": province.code})
        services.create_unit({"code": f"CH{mark}", "name": f"Chi hội Bản Na {mark}", "level": "branch",
                              "parent": f"XA{mark}"})
        db.session.commit()

    in_db(live_server, create)
    return mark


def periods(live_server, code):
    from ledger.units import history
    from ledger.units.services import get_unit

    return in_db(live_server, lambda: [(p.parent.code, p.valid_from, p.valid_to)
                                       for p in history.periods(get_unit(code))])


def fill_move(page, live_server, login, branch, size: dict, day: str):
    """The admin, at `size`, on the branch's page, picks the other commune and types the effective date."""
    page.set_viewport_size(size)
    login(page, "admin")
    page.goto(live_server.url(f"/units/CH{branch}"))
    form = page.locator("form.move-unit")
    form.locator("select[name=parent]").select_option(f"XB{branch}")
    form.locator("input[name=on]").fill(day)
    return form


def test_the_admin_moves_a_branch_from_a_date_on_a_phone(page, live_server, login, branch):
    form = fill_move(page, live_server, login, branch, PHONE, "01/07/2025")
    shoot(page, "move-form-phone")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("p.flash")
    rows = page.locator("section.parent-history tbody tr")
    assert rows.count() == 2
    assert "Mường Mới" in rows.nth(0).inner_text() and "01/07/2025" in rows.nth(0).inner_text()
    assert "Mường Cũ" in rows.nth(1).inner_text() and "30/06/2025" in rows.nth(1).inner_text()
    assert page.evaluate(OVERFLOW_JS)["scroll"] <= PHONE["width"], page.evaluate(OVERFLOW_JS)
    shoot(page, "moved-phone")
    assert periods(live_server, f"CH{branch}") == [(f"XB{branch}", date(2025, 7, 1), None),
                                                    (f"XA{branch}", date(1900, 1, 1), date(2025, 7, 1))]


def test_an_impossible_date_is_refused_on_the_page_and_nothing_moves(page, live_server, login, branch):
    fill_move(page, live_server, login, branch, DESKTOP, "31/02/2025").locator("button[type=submit]").click()
    alert = page.locator("form.move-unit p.errors")
    alert.wait_for()
    assert "31/02/2025" in alert.inner_text()
    assert page.locator("form.move-unit input[name=on]").input_value() == "31/02/2025"
    shoot(page, "refused-desktop")
    assert periods(live_server, f"CH{branch}") == [(f"XA{branch}", date(1900, 1, 1), None)]

"""Donors in real Chromium (issue 14, items 2 and 5): a treasurer types a known donor's name without
diacritics, picks the match and saves; typing the exact name of a known donor as a new one is asked about
before saving; the two records are then merged on the donor page. At 390 px the receipt form fits.
"""
import uuid

import pytest
from sqlalchemy import select

from ledger.extensions import db
from tests.browser.helpers import PHONE, binh_lu_code, in_db

pytestmark = pytest.mark.browser


def known_donor(live_server, code: str, name: str) -> int:
    """A donor of the commune with one gift, recorded through the service."""
    from ledger.accounts.services import funds_usable_in
    from ledger.accounts.treasury.services.receipts import record_receipt
    from ledger.core.dates import vn_today
    from ledger.units.services import get_unit

    def record():
        unit = get_unit(code)
        fund = next(f.code for f in funds_usable_in(unit) if f.owner_unit_id == unit.id)
        receipt = record_receipt(unit, {"date": vn_today(), "amount": 500_000, "method": "cash", "fund": fund,
                                        "category": "donation", "donor": {"name": name, "kind": "individual",
                                                                          "publish": "full"}}, by=None)
        db.session.commit()
        return receipt.donor_id
    return in_db(live_server, record)


def donors_named(live_server, name: str) -> list[tuple[int, int | None, int]]:
    """(id, merged into, receipts) of every donor of that name."""
    from sqlalchemy import func

    from ledger.accounts.treasury.models import Donor, Receipt

    return in_db(live_server, lambda: [tuple(row) for row in db.session.execute(
        select(Donor.id, Donor.merged_into_id, func.count(Receipt.id)).outerjoin(Receipt, Receipt.donor_id == Donor.id)
        .where(Donor.name == name).group_by(Donor.id, Donor.merged_into_id).order_by(Donor.id))])


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def test_pick_a_donor_typed_without_diacritics_see_the_twin_warning_then_merge(page, live_server, login, screenshot):
    code, tag = binh_lu_code(live_server), uuid.uuid4().hex[:5]
    name = f"Hoàng Thị Lụa {tag}"
    first = known_donor(live_server, code, name)
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "thuquy.binhlu")

    page.goto(live_server.url(f"/units/{code}/receipts/new"))
    page.fill("input[name=amount]", "300.000")
    page.fill("input[name=donor_name]", f"hoang thi lua {tag}")
    page.locator(f"#donor-found input[value='{first}']").check()  # the lookup's match, shown while typing
    screenshot(page, "donor-lookup-picked")
    page.click("form.treasury-form button[type=submit]")
    page.wait_for_selector("text=In phiếu thu")
    assert donors_named(live_server, name) == [(first, None, 2)]

    page.goto(live_server.url(f"/units/{code}/receipts/new"))
    page.fill("input[name=amount]", "200.000")
    page.fill("input[name=donor_name]", name)
    page.wait_for_selector(f"#donor-found input[value='{first}']")
    page.click("form.treasury-form button[type=submit]")  # saved without picking: the twin question comes first
    page.wait_for_selector("text=Có thể trùng với nhà hảo tâm đã có")
    screenshot(page, "donor-twin-warning")
    assert donors_named(live_server, name) == [(first, None, 2)]
    page.locator("fieldset.confirm input[value=new]").check()
    page.click("form.treasury-form button[type=submit]")
    page.wait_for_selector("text=In phiếu thu")
    second = donors_named(live_server, name)[1][0]

    page.goto(live_server.url(f"/donors/{second}"))
    page.locator(f".donor-merge input[name=into][value='{first}']").check()
    page.locator(".donor-merge input[name=confirm]").check()
    screenshot(page, "donor-merge-form")
    page.get_by_role("button", name="Gộp hồ sơ").click()
    page.wait_for_selector("text=Đã gộp vào hồ sơ này")
    assert f"/donors/{first}" in page.url and "1 phiếu thu" in page.inner_text("main")
    screenshot(page, "donor-merged")
    assert donors_named(live_server, name) == [(first, None, 3), (second, first, 0)]
    page.goto(live_server.url(f"/donors/{second}"))
    assert "Hồ sơ này đã gộp vào" in page.inner_text("main")


def test_the_receipt_form_and_donor_pages_fit_a_phone(page, live_server, login, screenshot):
    code = binh_lu_code(live_server)
    donor = known_donor(live_server, code, f"Lò Văn Páo {uuid.uuid4().hex[:5]}")
    page.set_viewport_size(PHONE)
    login(page, "thuquy.binhlu")
    page.goto(live_server.url(f"/units/{code}/receipts/new"))
    no_sideways_scroll(page)
    for field in page.locator("form.treasury-form input:visible, form.treasury-form select:visible").all():
        box = field.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], field.get_attribute("name")
    page.fill("input[name=donor_name]", "lo van pao")
    page.wait_for_selector(f"#donor-found input[value='{donor}']")
    no_sideways_scroll(page)
    screenshot(page, "donor-receipt-form-390")
    for path in (f"/donors/{donor}", f"/units/{code}/donors"):
        page.goto(live_server.url(path))
        no_sideways_scroll(page)
    screenshot(page, "donor-list-390")

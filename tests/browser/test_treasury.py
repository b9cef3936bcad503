"""The treasurer's day in real Chromium: a cash donation from a new donor typed as "2.015.000",
saved once despite a double click, its voucher printed; a payment approved from the queue by the
chair, and refused to the person who created it.
"""
import subprocess
import uuid

import pytest
from sqlalchemy import select

from ledger.extensions import db
from tests.browser.helpers import binh_lu_code, in_db

pytestmark = pytest.mark.browser


def receipts_of(live_server, donor_name: str) -> list[tuple[int, int, str]]:
    from ledger.accounts.treasury.models import Donor, Receipt

    return in_db(live_server, lambda: db.session.execute(
        select(Receipt.id, Receipt.amount, Receipt.number).join(Donor).where(Donor.name == donor_name)).all())


def test_cash_donation_from_a_new_donor_saved_once_and_printed(page, live_server, login, screenshot, tmp_path):
    code, donor = binh_lu_code(live_server), f"Giàng Thị Mỷ {uuid.uuid4().hex[:6]}"
    login(page, "thuquy.binhlu")
    page.goto(live_server.url(f"/units/{code}"))
    page.get_by_role("link", name="Lập phiếu thu").first.click()
    page.fill("input[name=donor_name]", donor)
    page.fill("input[name=donor_address]", "Bản Nà An, xã Bình Lư")
    page.fill("input[name=amount]", "2.015.000 đồng abc")
    page.fill("input[name=memo]", "Ủng hộ Quỹ khuyến học xã nhân ngày khai giảng")
    page.click("form.treasury-form button[type=submit]")
    page.wait_for_selector(".errors")
    assert "Số tiền phải là số nguyên đồng dương" in page.inner_text(".errors")
    screenshot(page, "treasury-receipt-form-refused")
    assert receipts_of(live_server, donor) == []
    page.fill("input[name=amount]", "2.015.000")
    page.dblclick("form.treasury-form button[type=submit]")
    page.wait_for_selector("text=In phiếu thu")
    page.wait_for_load_state("networkidle")
    saved = receipts_of(live_server, donor)
    assert len(saved) == 1 and saved[0][1] == 2015000
    assert saved[0][2] in page.inner_text("h1")
    assert "Hai triệu không trăm mười lăm nghìn đồng" in page.inner_text("main")
    screenshot(page, "treasury-receipt")
    href = page.get_by_role("link", name="In phiếu thu").get_attribute("href")
    pdf = page.context.request.get(live_server.url(href))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    (tmp_path / "pt.pdf").write_bytes(pdf.body())
    text = " ".join(subprocess.run(["pdftotext", str(tmp_path / "pt.pdf"), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "PHIẾU THU" in text and donor in text and "2.015.000 đ" in text
    assert "Hai triệu không trăm mười lăm nghìn đồng" in text


def create_payment(live_server, username: str, payee: str) -> int:
    """A pending payment voucher of xã Bình Lư created by `username` through the service."""
    from ledger.accounts.treasury.services.disbursements import create_disbursement
    from ledger.auth.models import User
    from ledger.core.dates import vn_today
    from ledger.units.services import get_unit

    code = binh_lu_code(live_server)

    def create():
        user = db.session.scalar(select(User).where(User.username == username))
        made = create_disbursement(get_unit(code), {
            "date": vn_today(), "amount": 300000, "method": "cash", "fund": "QKH-BL", "category": "award",
            "payee": {"name": payee}, "memo": "Khen thưởng học sinh giỏi"}, by=user)
        db.session.commit()
        return made.id
    return in_db(live_server, create)


def status_of(live_server, disbursement_id: int) -> str:
    from ledger.accounts.treasury.models import Disbursement

    return in_db(live_server, lambda: db.session.get(Disbursement, disbursement_id).status)


def test_an_approver_approves_a_payment_from_the_queue(page, live_server, login, screenshot):
    payee = f"Lò Văn Tuấn {uuid.uuid4().hex[:6]}"
    made = create_payment(live_server, "thuquy.binhlu", payee)
    login(page, "chutich.binhlu")
    page.goto(live_server.url(f"/units/{binh_lu_code(live_server)}/approvals"))
    row = page.locator(f"tr#d{made}")
    assert payee in row.inner_text()
    screenshot(page, "treasury-approval-queue")
    row.get_by_role("button", name="Duyệt").click()
    page.wait_for_selector(".flash")
    assert "Đã duyệt và ghi sổ phiếu chi PC-" in page.inner_text(".flash")
    assert status_of(live_server, made) == "posted"
    assert page.locator(f"tr#d{made}").count() == 0


def test_the_creator_cannot_approve_their_own_payment(page, live_server, login):
    payee = f"Tẩn Thị Sinh {uuid.uuid4().hex[:6]}"
    made = create_payment(live_server, "admin", payee)
    login(page, "admin")
    page.goto(live_server.url(f"/units/{binh_lu_code(live_server)}/approvals"))
    row = page.locator(f"tr#d{made}")
    assert "chờ người khác duyệt" in row.inner_text()
    assert row.get_by_role("button", name="Duyệt").count() == 0
    # Forced: the same POST the button would send, built by hand in the page.
    page.evaluate("""(id) => {
        const form = document.createElement("form");
        form.method = "post"; form.action = `/disbursements/${id}/approve`;
        for (const [name, value] of [["csrf_token", document.querySelector("input[name=csrf_token]").value],
                                     ["idempotency_key", "form-forced-" + id]]) {
            const input = document.createElement("input");
            input.type = "hidden"; input.name = name; input.value = value; form.appendChild(input);
        }
        document.body.appendChild(form); form.submit();
    }""", made)
    page.wait_for_selector(".errors")
    assert "không được tự duyệt" in page.inner_text(".errors")
    assert status_of(live_server, made) == "pending_approval"

"""The treasurer's pages: draft and publish a statement by form, send a report up, print the books."""
import io
import subprocess

import pytest
from openpyxl import load_workbook


@pytest.fixture
def signed_in(client, make_user):
    """signed_in(role, unit="SL") → the test client logged in as a new user with that role."""
    def sign_in(role, unit="SL"):
        user = make_user(roles=[(unit, role)])
        client.post("/login", data={"username": user.username, "password": "mat-khau-dai"})
        return client
    return sign_in


def test_draft_by_form_lists_unclosed_units_then_publishes(quarter, close, signed_in):
    client = signed_in("admin")
    form = {"period_start": "2026-01-01", "period_end": "2026-03-31", "consolidated": "on"}
    refused = client.post("/units/SL/statements", data=form)
    assert refused.status_code == 422 and "Chưa khóa sổ" in refused.get_data(as_text=True)
    close("SL", "SL-X01", "SL-B1")
    created = client.post("/units/SL/statements", data=form)
    assert created.status_code == 302
    draft = client.get(created.location).get_data(as_text=True)
    assert "BẢN NHÁP" in draft and "Công ty Cổ phần Sông Đà" in draft
    published = client.post(created.location, data={})
    assert published.status_code == 302 and "/public/statements/" in published.location
    assert "Đã công bố, phiên bản 1" in client.get("/units/SL/statements").get_data(as_text=True)


def test_report_page_sends_up_and_the_parent_confirms(quarter, signed_in):
    client = signed_in("treasurer", "SL")
    sent = client.post("/units/SL-X01/reports", data={"kind": "quarterly", "period": "2026-Q1"})
    assert sent.status_code == 302
    page = client.get("/units/SL/reports?kind=quarterly&period=2026-Q1").get_data(as_text=True)
    assert "Đã gửi" in page and "Xác nhận đã nhận" in page
    assert "15/04/2026" in page


def test_general_ledger_as_page_pdf_and_xlsx(quarter, signed_in, tmp_path):
    client = signed_in("auditor")
    query = "account=111&fund=QKH&from=2026-01-01&to=2026-03-31"
    page = client.get(f"/units/SL/books/ledger?{query}").get_data(as_text=True)
    assert "Sổ cái tài khoản 111" in page and "16.500.000 ₫" in page
    pdf = client.get(f"/units/SL/books/ledger.pdf?{query}").data
    (tmp_path / "so-cai.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "so-cai.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "SỔ CÁI" in text and "16.500.000" in text
    sheet = load_workbook(io.BytesIO(client.get(f"/units/SL/books/ledger.xlsx?{query}").data)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values[-1][2] == "Số dư cuối kỳ" and values[-1][7] == 16_500_000
    assert values[4][2] == "Số dư đầu kỳ" and values[4][7] == 0


def test_trial_balance_as_pdf_and_xlsx(quarter, signed_in):
    client = signed_in("viewer")
    sheet = load_workbook(io.BytesIO(client.get("/units/SL/books/trial-balance.xlsx?as_of=2026-03-31").data)).active
    rows = {(r[0], r[2]): r[5] for r in sheet.iter_rows(min_row=4, values_only=True) if r[0]}
    assert rows[("111", "QKH")] == 16_500_000 and rows[("136", "TOHIEU")] == 3_000_000
    consolidated = load_workbook(io.BytesIO(client.get(
        "/units/SL/books/trial-balance.xlsx?as_of=2026-03-31&consolidated=1").data)).active
    assert ("136", "TOHIEU") not in {(r[0], r[2]) for r in consolidated.iter_rows(min_row=4, values_only=True)}
    assert client.get("/units/SL/books/trial-balance.pdf").data.startswith(b"%PDF")


def test_books_need_a_login_and_a_role_in_the_unit(quarter, client, signed_in):
    assert client.get("/units/SL/books/ledger").status_code == 302
    other = signed_in("treasurer", "SL-X01")
    assert other.get("/units/SL/books/ledger").status_code == 403

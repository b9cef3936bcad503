"""The payment voucher C41-BB names the payee by ID number (CCCD) and address: kept in their own columns,
given through the API and the form, returned by the API and printed on the PDF (read back with pdftotext).
"""
import subprocess
import unicodedata
from datetime import date

import pytest

from ledger.accounts.treasury.models import Disbursement
from ledger.extensions import db

PAYMENT = {"date": "2026-03-15", "amount": 1500000, "method": "cash", "fund": "HOIPHI", "category": "scholarship",
           "memo": "Học bổng học sinh nghèo vượt khó"}


@pytest.fixture
def maker(community_tree, api_as, give):
    give("SL-X01", 5000000, on=date(2026, 3, 1), fund="HOIPHI")
    return api_as(("SL-X01", "treasurer"))


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "c41.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_payee_id_number_and_address_kept_returned_and_printed(maker, tmp_path):
    payee = {"name": "Lò Thị Hoa", "id_number": "014305001234", "address": "Bản Mé, xã Mường Bú, tỉnh Sơn La"}
    made = maker.post("/units/SL-X01/disbursements", json={**PAYMENT, "payee": payee})
    assert made.status_code == 201, made.json
    assert made.json["payee_id_number"] == "014305001234"
    assert made.json["payee_address"] == "Bản Mé, xã Mường Bú, tỉnh Sơn La"
    stored = db.session.get(Disbursement, made.json["id"])
    assert (stored.payee_id_number, stored.payee_address) == ("014305001234", "Bản Mé, xã Mường Bú, tỉnh Sơn La")
    text = pdf_text(maker.get(f"/disbursements/{made.json['id']}/pdf").data, tmp_path)
    assert "Mẫu số C41-BB" in text
    assert "Số CCCD: 014305001234" in text and "Địa chỉ: Bản Mé, xã Mường Bú, tỉnh Sơn La" in text


def test_without_them_the_voucher_leaves_lines_to_fill_in(maker, tmp_path):
    made = maker.post("/units/SL-X01/disbursements", json={**PAYMENT, "payee": {"name": "Lò Văn Pọm"}}).json
    assert made["payee_id_number"] is None and made["payee_address"] is None
    text = pdf_text(maker.get(f"/disbursements/{made['id']}/pdf").data, tmp_path)
    assert "Số CCCD: ……" in text and "Địa chỉ: ……" in text


def test_the_form_takes_them_and_the_page_shows_them(community_tree, page_as):
    page = page_as(("SL-X01", "treasurer"))
    form = {"date": "15/03/2026", "amount": "1.500.000", "method": "cash", "fund": "HOIPHI",
            "category": "scholarship", "payee_name": "Lò Thị Hoa", "payee_id_number": "014305001234",
            "payee_address": "Bản Mé, xã Mường Bú", "idempotency_key": "c41-form"}
    saved = page.post("/units/SL-X01/disbursements/new", data=form)
    assert saved.status_code == 303, saved.text
    shown = page.get(saved.headers["Location"]).text
    assert "CCCD 014305001234" in shown and "Bản Mé, xã Mường Bú" in shown
    stored = db.session.query(Disbursement).one()
    assert stored.payee_id_number == "014305001234" and stored.payee_address == "Bản Mé, xã Mường Bú"

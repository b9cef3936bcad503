"""Hủy phiếu: a receipt or a posted payment is cancelled through the reversal of its entries, once only,
and the mark shows on the voucher's page, the list, the unit's panel, the API and the PDF ("ĐÃ HỦY" stamp).
"""
import subprocess
import unicodedata
from datetime import date

import pytest

from ledger.core.dates import vn_today

DONOR = {"name": "Nguyễn Thị Ánh Tuyết", "kind": "individual", "publish": "full"}
RECEIPT = {"date": "2026-03-10", "amount": 2015000, "method": "cash", "fund": "HOIPHI", "category": "donation",
           "donor": DONOR}


@pytest.fixture
def treasurer(community_tree, api_as):
    return api_as(("SL-X01", "treasurer"))


def receipt(api, unit="SL-X01", **overrides):
    made = api.post(f"/units/{unit}/receipts", json={**RECEIPT, **overrides})
    assert made.status_code == 201, made.json
    return made.json


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "voucher.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_cancelling_a_receipt_reverses_it_and_marks_it(treasurer, balance):
    made = receipt(treasurer)
    assert treasurer.get(f"/receipts/{made['id']}").json["cancelled"] is None
    r = treasurer.post(f"/receipts/{made['id']}/cancel", json={"reason": "Ghi nhầm số tiền", "date": "2026-03-12"})
    assert r.status_code == 200, r.json
    cancelled = r.json["cancelled"]
    assert cancelled["number"] == "BT-2026-000001" and cancelled["date"] == "2026-03-12"
    assert cancelled["reason"] == "Ghi nhầm số tiền"
    assert balance(treasurer, "SL-X01", "111") == 0  # the money in is reversed in the books
    reversal = treasurer.get(f"/entries/{cancelled['entry_id']}").json
    assert reversal["reverses"] == made["entry_ids"][0]
    listed = treasurer.get("/units/SL-X01/receipts").json["items"]
    assert [item["cancelled"]["number"] for item in listed] == ["BT-2026-000001"]


def test_a_second_cancel_is_409_and_writes_nothing(treasurer):
    made = receipt(treasurer)
    assert treasurer.post(f"/receipts/{made['id']}/cancel", json={"reason": "Trùng phiếu"}).status_code == 200
    again = treasurer.post(f"/receipts/{made['id']}/cancel", json={"reason": "Lần nữa"})
    assert again.status_code == 409 and again.json["code"] == "invalid_state"
    entries = treasurer.get("/units/SL-X01/entries").json["items"]
    assert len(entries) == 2  # the receipt and one reversal


def test_a_reversal_made_from_the_journal_entry_also_marks_the_receipt(treasurer):
    made = receipt(treasurer)
    r = treasurer.post(f"/entries/{made['entry_ids'][0]}/reverse", json={"date": "2026-03-11", "reason": "Sai quỹ"})
    assert r.status_code == 201, r.json
    assert treasurer.get(f"/receipts/{made['id']}").json["cancelled"]["number"] == r.json["number"]


def test_cancel_needs_a_reason_and_the_right_to_post(treasurer, api_as):
    made = receipt(treasurer)
    blank = treasurer.post(f"/receipts/{made['id']}/cancel", json={"reason": "   "})
    assert blank.status_code == 422
    approver = api_as(("SL-X01", "approver"))
    assert approver.post(f"/receipts/{made['id']}/cancel", json={"reason": "Không được"}).status_code == 403
    assert treasurer.get(f"/receipts/{made['id']}").json["cancelled"] is None


def test_a_receipt_collected_on_behalf_needs_the_owner_too(treasurer, api_as):
    """Cancelling reverses both books; the commune's treasurer cannot write the province's."""
    made = receipt(treasurer, fund="TOHIEU-THU", category="donation")
    assert len(made["entry_ids"]) == 2
    assert treasurer.post(f"/receipts/{made['id']}/cancel", json={"reason": "Sai"}).status_code == 403
    province = api_as(("SL", "treasurer"))
    assert province.post(f"/receipts/{made['id']}/cancel", json={"reason": "Sai"}).status_code == 200


def test_cancelling_a_payment_only_once_it_is_posted(community_tree, api_as, give, balance):
    give("SL-X01", 5000000, on=date(2026, 3, 1), fund="HOIPHI")
    maker, checker = api_as(("SL-X01", "treasurer")), api_as(("SL-X01", "approver"))
    made = maker.post("/units/SL-X01/disbursements", json={
        "date": "2026-03-15", "amount": 1500000, "method": "cash", "fund": "HOIPHI", "category": "scholarship",
        "payee": {"name": "Lò Thị Hoa"}}).json
    pending = maker.post(f"/disbursements/{made['id']}/cancel", json={"reason": "Nhầm"})
    assert pending.status_code == 422 and pending.json["code"] == "invalid_state"
    assert checker.post(f"/disbursements/{made['id']}/approve").status_code == 200
    r = maker.post(f"/disbursements/{made['id']}/cancel", json={"reason": "Người nhận trả lại tiền"})
    assert r.status_code == 200, r.json
    assert r.json["status"] == "posted" and r.json["cancelled"]["reason"] == "Người nhận trả lại tiền"
    assert balance(maker, "SL-X01", "111") == 5000000


def test_the_pdf_of_a_cancelled_receipt_carries_the_stamp(treasurer, tmp_path):
    made = receipt(treasurer)
    assert "ĐÃ HỦY" not in pdf_text(treasurer.get(f"/receipts/{made['id']}/pdf").data, tmp_path)
    done = treasurer.post(f"/receipts/{made['id']}/cancel", json={"reason": "Ghi nhầm", "date": "2026-03-12"})
    assert done.status_code == 200, done.json
    text = pdf_text(treasurer.get(f"/receipts/{made['id']}/pdf").data, tmp_path)
    assert "ĐÃ HỦY" in text and "Bút toán đảo BT-2026-000001 ngày 12/03/2026" in text
    assert "PT-2026-000001" in text  # still the same voucher underneath


def test_cancel_from_the_page_with_reason_and_tick(community_tree, page_as, api_as):
    page = page_as(("SL-X01", "treasurer"))
    made = receipt(api_as(("SL-X01", "treasurer")))
    shown = page.get(f"/receipts/{made['id']}").text
    assert f'action="/receipts/{made["id"]}/cancel"' in shown and "ĐÃ HỦY" not in shown
    untick = page.post(f"/receipts/{made['id']}/cancel", data={"reason": "Ghi nhầm", "idempotency_key": "k1"})
    assert untick.status_code == 422 and "xác nhận hủy phiếu" in untick.text
    done = page.post(f"/receipts/{made['id']}/cancel",
                     data={"reason": "Ghi nhầm", "confirm": "1", "idempotency_key": "k2"})
    assert done.status_code == 303
    shown = page.get(f"/receipts/{made['id']}").text
    today = vn_today().strftime("%d/%m/%Y")
    assert "ĐÃ HỦY" in shown and f"BT-{vn_today().year}-000001 ngày {today}" in shown and "Ghi nhầm" in shown
    assert f'action="/receipts/{made["id"]}/cancel"' not in shown  # no second cancel offered
    assert "Đã hủy" in page.get("/units/SL-X01/receipts").text
    assert "Đã hủy" in page.get("/units/SL-X01").text  # the unit page's treasury panel


def test_approver_sees_no_cancel_and_no_new_receipt(community_tree, page_as, api_as):
    made = receipt(api_as(("SL-X01", "treasurer")))
    approver = page_as(("SL-X01", "approver"))
    shown = approver.get(f"/receipts/{made['id']}").text
    assert "Hủy phiếu" not in shown and "Lập phiếu thu khác" not in shown
    assert "Lập phiếu thu" not in approver.get("/units/SL-X01/receipts").text
    assert "Lập phiếu chi" not in approver.get("/units/SL-X01/approvals").text


def test_a_higher_units_entry_is_linked_only_for_who_may_read_it(community_tree, page_as, api_as):
    """A receipt collected on behalf has an entry in the province's books: a commune treasurer gets no link."""
    made = receipt(api_as(("SL-X01", "treasurer")), fund="TOHIEU-THU")
    own, province = made["entry_ids"]
    commune = page_as(("SL-X01", "treasurer")).get(f"/receipts/{made['id']}").text
    assert f"/entries/{own}" in commune and f"/entries/{province}" not in commune
    above = page_as(("SL", "treasurer")).get(f"/receipts/{made['id']}").text
    assert f"/entries/{own}" in above and f"/entries/{province}" in above

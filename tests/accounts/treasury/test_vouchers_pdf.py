"""Voucher PDFs (phiếu thu, phiếu chi) rendered by WeasyPrint and read back with pdftotext:
Vietnamese intact, the familiar layout's parts present, fonts embedded, nothing fetched from outside.
"""
import subprocess
import unicodedata
from datetime import date

import pytest

DONOR = {"name": "Nguyễn Thị Ánh Tuyết", "kind": "individual", "address": "Tổ dân phố số 7, phường Bồ Đề",
         "publish": "initials"}


def pdf_text(data: bytes, tmp_path, *flags) -> str:
    path = tmp_path / "voucher.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", *flags, str(path), "-"], capture_output=True, text=True, check=True).stdout
    return unicodedata.normalize("NFC", text)


def pdf_tool(tool: str, data: bytes, tmp_path) -> str:
    path = tmp_path / "voucher.pdf"
    path.write_bytes(data)
    return subprocess.run([tool, str(path)], capture_output=True, text=True, check=True).stdout


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def treasurer(community_tree, api_as):
    return api_as(("SL", "treasurer"))


def test_receipt_voucher_reads_back_with_diacritics(treasurer, tmp_path):
    made = treasurer.post("/units/SL-X01/receipts", json={
        "date": "2026-03-10", "amount": 2015000, "method": "cash", "fund": "HOIPHI", "category": "donation",
        "donor": DONOR, "memo": "Ủng hộ Quỹ khuyến học nhân dịp khai giảng"}).json
    r = treasurer.get(f"/receipts/{made['id']}/pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert 'filename="PT-2026-000001.pdf"' in r.headers["Content-Disposition"]
    text = one_line(pdf_text(r.data, tmp_path))
    for expected in ("PHIẾU THU", "HỘI KHUYẾN HỌC PHƯỜNG TÔ HIỆU", "PT-2026-000001", "Ngày 10 tháng 03 năm 2026",
                     "Nguyễn Thị Ánh Tuyết", "Tổ dân phố số 7, phường Bồ Đề", "nhân dịp khai giảng",
                     "2.015.000 đ", "Hai triệu không trăm mười lăm nghìn đồng", "Nợ: 111", "Có: 511",
                     "Người lập phiếu", "Thủ quỹ", "Người nộp tiền", "Chủ tịch"):
        assert expected in text, expected
    info = pdf_tool("pdfinfo", r.data, tmp_path)
    assert "595.276 x 419.528" in info  # A5 landscape, one page
    assert "Pages:           1" in info


def test_fonts_are_embedded_dejavu(treasurer, tmp_path):
    made = treasurer.post("/units/SL-X01/receipts", json={
        "date": "2026-03-10", "amount": 150000, "method": "cash", "fund": "HOIPHI", "category": "donation",
        "donor": DONOR}).json
    fonts = pdf_tool("pdffonts", treasurer.get(f"/receipts/{made['id']}/pdf").data, tmp_path)
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all("DejaVu" in row and " yes yes " in row for row in rows), fonts


def test_piggy_bank_voucher_lists_the_contributors(treasurer, tmp_path):
    households = [{"name": "Lò Văn Hải", "amount": 215000}, {"name": "Tòng Thị Xuân", "amount": 300000}]
    made = treasurer.post("/units/SL-B1/receipts", json={
        "date": "2026-03-10", "amount": 515000, "method": "cash", "fund": "HOIPHI", "category": "donation",
        "channel": "piggy_bank", "donor": {"name": "Chi hội tổ 1", "kind": "organization", "publish": "full"},
        "contributors": households}).json
    text = one_line(pdf_text(treasurer.get(f"/receipts/{made['id']}/pdf").data, tmp_path))
    assert "danh sách 2 người đóng góp" in text
    assert "Lò Văn Hải" in text and "Tòng Thị Xuân" in text and "300.000 đ" in text


def test_payment_voucher_pending_then_posted(community_tree, api_as, give, tmp_path):
    give("SL-X01", 5000000, on=date(2026, 3, 1), fund="HOIPHI")
    maker = api_as(("SL-X01", "treasurer"))
    checker = api_as(("SL-X01", "approver"))
    made = maker.post("/units/SL-X01/disbursements", json={
        "date": "2026-03-15", "amount": 1500000, "method": "cash", "fund": "HOIPHI", "category": "scholarship",
        "payee": {"name": "Lò Thị Hoa", "address": "Bản Mé, xã Mường Bú"},
        "memo": "Học bổng học sinh nghèo vượt khó"}).json
    pending = one_line(pdf_text(maker.get(f"/disbursements/{made['id']}/pdf").data, tmp_path))
    assert "PHIẾU CHI" in pending and "CHƯA DUYỆT" in pending and "PC-" not in pending
    checker.post(f"/disbursements/{made['id']}/approve")
    text = one_line(pdf_text(maker.get(f"/disbursements/{made['id']}/pdf").data, tmp_path))
    for expected in ("PHIẾU CHI", "PC-2026-000001", "Ngày 15 tháng 03 năm 2026", "Họ và tên người nhận tiền",
                     "Lò Thị Hoa", "Bản Mé, xã Mường Bú", "Học bổng học sinh nghèo vượt khó", "1.500.000 đ",
                     "Một triệu năm trăm nghìn đồng", "Nợ: 611", "Có: 111", "Người nhận tiền", "Thủ quỹ",
                     checker.user.full_name):
        assert expected in text, expected
    assert "CHƯA DUYỆT" not in text


def test_pdf_needs_read_access(treasurer, api_as, anonymous_api):
    made = treasurer.post("/units/SL-B1/receipts", json={
        "date": "2026-03-10", "amount": 1000, "method": "cash", "fund": "HOIPHI", "category": "donation",
        "donor": DONOR}).json
    assert api_as(("SL-X02", "viewer")).get(f"/receipts/{made['id']}/pdf").status_code == 403
    assert anonymous_api.get(f"/receipts/{made['id']}/pdf").status_code == 401


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "https://ledger.invalid/static/../../../../etc/passwd",
    "https://ledger.invalid/static/%2e%2e/%2e%2e/pyproject.toml",
    "https://ledger.invalid/fonts/../../etc/passwd",
    "https://example.com/static/print.css",
])
def test_the_fetcher_serves_only_our_static_files(app, url):
    from ledger.core.pdf import static_only_fetcher

    with pytest.raises(ValueError):
        static_only_fetcher().fetch(url)


def test_the_fetcher_serves_print_css_and_the_fonts(app):
    from ledger.core.pdf import static_only_fetcher

    css = static_only_fetcher().fetch("https://ledger.invalid/static/print.css")
    assert b"@font-face" in css.read() and css.content_type == "text/css"
    font = static_only_fetcher().fetch("https://ledger.invalid/fonts/DejaVuSans.ttf")
    assert len(font.read()) > 100_000

"""Excel out from the book and reconciliation pages: the same rows as the page, as XLSX and CSV."""
import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook


@pytest.fixture
def signed_in(client, make_user, make_unit, make_fund, post):
    make_unit("BD", level="commune", name="Hội Khuyến học phường Bồ Đề")
    make_fund("QKH-BD", owner="BD")
    post("BD", [("111", "QKH-BD", 1_500_000, 0), ("511", "QKH-BD", 0, 1_500_000)], on=date(2026, 3, 2),
         memo="=HYPERLINK(\"http://evil\") Ủng hộ", voucher_type="PT")
    post("BD", [("614", "QKH-BD", 200_000, 0), ("111", "QKH-BD", 0, 200_000)], on=date(2026, 3, 5),
         memo="Chi văn phòng phẩm", voucher_type="PC")
    user = make_user(roles=[("BD", "viewer")])
    client.post("/login", data={"username": user.username, "password": "mat-khau-dai"})  # a server-side session
    return client


def test_cash_book_as_xlsx(signed_in):
    r = signed_in.get("/units/BD/books/cash?from=2026-03-01&to=2026-03-31&format=xlsx")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    assert "so-quy-tien-mat_BD_20260301-20260331.xlsx" in r.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(r.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "SỔ QUỸ TIỀN MẶT — Hội Khuyến học phường Bồ Đề"
    assert rows[2] == ["Ngày", "Số phiếu thu", "Số phiếu chi", "Diễn giải", "Thu", "Chi", "Tồn"]
    body = [row[1:] for row in rows[3:]]
    assert body == [
        [None, None, "Số dư đầu kỳ", None, None, 0],
        ["PT-2026-000001", None, "=HYPERLINK(\"http://evil\") Ủng hộ", 1_500_000, None, 1_500_000],
        [None, None, "Cộng ngày 02/03/2026", 1_500_000, 0, 1_500_000],
        [None, "PC-2026-000001", "Chi văn phòng phẩm", None, 200_000, 1_300_000],
        [None, None, "Cộng ngày 05/03/2026", 0, 200_000, 1_300_000],
        [None, None, "Cộng phát sinh trong kỳ", 1_500_000, 200_000, None],
        [None, None, "Số dư cuối kỳ", None, None, 1_300_000],
    ]
    assert sheet.cell(row=5, column=4).data_type == "s"  # the formula stays text


def test_cash_book_as_csv_is_neutralised(signed_in):
    r = signed_in.get("/units/BD/books/cash?from=2026-03-01&to=2026-03-31&format=csv")
    assert r.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig")), delimiter=";"))  # Vietnamese Excel's separator
    assert rows[2] == ["02/03/2026", "PT-2026-000001", "", "'=HYPERLINK(\"http://evil\") Ủng hộ",
                       "1500000", "", "1500000"]
    assert rows[-1] == ["31/03/2026", "", "", "Số dư cuối kỳ", "", "", "1300000"]


def test_statement_lines_as_xlsx(signed_in, api_as):
    api = api_as(("BD", "treasurer"))
    account = api.post("/units/BD/bank-accounts", json={"name": "Vietcombank", "account_number": "0011001932418"}).json
    text = "Ngày,Nội dung,Ghi có,Ghi nợ\n02/03/2026,@SUM(A1) ung ho QKH,500.000,\n03/03/2026,Phi SMS,,11.000\n"
    api.post(f"/bank-accounts/{account['id']}/statements", content_type="multipart/form-data",
             data={"file": (io.BytesIO(text.encode()), "vcb.csv")})
    r = signed_in.get(f"/bank-accounts/{account['id']}?format=xlsx")
    assert r.status_code == 200
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(r.data)).active.iter_rows()]
    assert rows[0] == ["Ngày", "Nội dung", "Ghi có", "Ghi nợ", "Số tham chiếu", "Trạng thái", "Phiếu thu"]
    assert [row[1:] for row in rows[1:]] == [["@SUM(A1) ung ho QKH", 500_000, None, None, "Chưa khớp", None],
                                             ["Phi SMS", None, 11_000, None, "Chưa khớp", None]]

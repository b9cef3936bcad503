"""Excel in: cells read as Vietnamese people type them, opening balances and donor lists imported
whole or not at all, merged cells and missing columns refused with a clear message."""
import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from ledger.accounts.banking.services import excel_import, sheets
from ledger.accounts.models import Entry
from ledger.accounts.treasury.models import Donor
from ledger.core import spreadsheets
from ledger.core.errors import Duplicate, ValidationFailed
from ledger.extensions import db

OPENING_HEADER = ["Đơn vị", "Quỹ", "Tài khoản", "Số dư", "Đơn vị đối ứng"]


def xlsx(rows, *, merge: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("value, amount", [
    ("1.000.000", 1000000), ("1,000,000", 1000000), ("1,000,000.00", 1000000), ("1.000.000,00", 1000000),
    ("2.015.000 đ", 2015000), ("2 015 000", 2015000), (2015000, 2015000), (2015000.0, 2015000),
    ("-500.000", -500000), ("(500,000)", -500000), ("+1.000", 1000), ("100.00", 100), ("", None), (None, None),
])
def test_amount_cells_in_both_separators(value, amount):
    assert sheets.cell_amount(value) == amount


@pytest.mark.parametrize("value", ["abc", "1,5", "1.000,5", "12.34.567", "1.0000", 1.5, True, "10^16",
                                  "1" + "0" * 16])
def test_bad_amount_cells_are_refused(value):
    with pytest.raises(sheets.RowError):
        sheets.cell_amount(value)


@pytest.mark.parametrize("value, day", [
    ("10/03/2026", date(2026, 3, 10)), ("1/3/2026", date(2026, 3, 1)), ("10-03-2026", date(2026, 3, 10)),
    ("10.03.26", date(2026, 3, 10)), ("2026-03-10", date(2026, 3, 10)), ("10/03/2026 14:22:01", date(2026, 3, 10)),
    (datetime(2026, 3, 10, 9, 30), date(2026, 3, 10)), (date(2026, 3, 10), date(2026, 3, 10)), ("", None),
])
def test_date_cells_read_day_first(value, day):
    assert sheets.cell_date(value) == day


@pytest.mark.parametrize("value", ["32/01/2026", "29/02/2026", "hôm qua", "2026/13/01"])
def test_bad_date_cells_are_refused(value):
    with pytest.raises(sheets.RowError):
        sheets.cell_date(value)


def test_csv_with_semicolons_and_windows_encoding_is_read():
    # Windows-1258 writes some letters as a base letter plus a combining tone mark.
    data = "Ho\u0323 tên;Điê\u0323n thoa\u0323i\r\nLo\u0300 Văn Thă\u0301ng;0912345678\r\n".encode("cp1258")
    assert spreadsheets.read_rows(data, "ds.csv") == [("Họ tên", "Điện thoại"), ("Lò Văn Thắng", "0912345678")]


@pytest.mark.parametrize("data, name, message", [
    (b"", "a.xlsx", "Tệp trống."),
    (b"PK\x03\x04 not really a workbook", "a.xlsx", "Không đọc được tệp Excel"),
    (b"\xd0\xcf\x11\xe0 old excel", "so-du.xls", "Tệp .xls (Excel 97-2003) chưa được hỗ trợ"),
])
def test_unreadable_files_get_a_clear_message(data, name, message):
    with pytest.raises(ValidationFailed) as caught:
        spreadsheets.read_rows(data, name)
    assert caught.value.detail.startswith(message)


@pytest.fixture
def tree(make_unit, make_fund):
    make_unit("SL", level="province", name="Hội Khuyến học tỉnh Sơn La")
    make_unit("SL-X01", level="commune", parent="SL", name="Hội Khuyến học xã Chiềng An")
    make_fund("QKH", owner="SL")
    make_fund("HB", owner="SL", kind="restricted")
    return {"SL": "SL", "X01": "SL-X01"}


def opening(data, scope="SL", on=date(2026, 1, 1)):
    from ledger.units.services import get_unit

    result = excel_import.import_opening_balances(get_unit(scope), data, "so-du.xlsx", on=on)
    db.session.commit()
    return result


def entries_count() -> int:
    return db.session.scalar(select(func.count(Entry.id)))


def test_opening_balances_post_one_entry_per_unit_against_421(tree, api_as):
    data = xlsx([["SỐ DƯ ĐẦU KỲ NĂM 2026"], [], OPENING_HEADER,
                 ["SL", "QKH", "111", "12.500.000", None], ["SL", "QKH", "112", "300,000,000", None],
                 ["SL", "HB", "112", 50000000, None], ["SL", "QKH", "331", "2.000.000", None],
                 ["SL-X01", "QKH", "111", "1.200.000", None], ["SL-X01", "QKH", "336", "200.000", "SL"],
                 [None, None, None, None, None]])
    result = opening(data)
    assert (result.rows, result.created) == (6, 2)
    assert result.entries == ["BT-2026-000001", "BT-2026-000001"]
    api = api_as(("SL", "auditor"))
    balances = {(r["account"], r["fund"]): r["balance"]
                for r in api.get("/units/SL/trial-balance?as_of=2026-01-01").json["rows"]}
    assert balances == {("111", "QKH"): 12500000, ("112", "QKH"): 300000000, ("112", "HB"): 50000000,
                        ("331", "QKH"): -2000000, ("421", "QKH"): -310500000, ("421", "HB"): -50000000}
    branch = {(r["account"], r["fund"]): r["balance"]
              for r in api.get("/units/SL-X01/trial-balance?as_of=2026-01-01").json["rows"]}
    assert branch == {("111", "QKH"): 1200000, ("336", "QKH"): -200000, ("421", "QKH"): -1000000}
    entry = db.session.scalar(select(Entry).where(Entry.number == "BT-2026-000001", Entry.unit.has(code="SL-X01")))
    assert entry.memo == "Số dư đầu kỳ"
    assert next(line for line in entry.lines if line.account.code == "336").counterparty_unit.code == "SL"


def test_row_errors_name_the_row_and_nothing_is_posted(tree):
    data = xlsx([OPENING_HEADER, ["SL", "QKH", "111", "1.000.000", None], ["SL", "QKH", "112", "2.000.000", None],
                 ["SL", "QKH", "111", "500", None], ["SL", "QKH", "112", "7", None], ["SL", "QKH", "111", "9", None],
                 ["SL", "QKH", "111", "abc", None], ["SL", "KHONGCO", "111", "5", None],
                 ["SL", "QKH", "511", "5", None], ["SL", "QKH", "336", "5", None], ["XA-LA", "QKH", "111", "5", None],
                 ["SL", "QKH", "111", "-5", None]])
    with pytest.raises(ValidationFailed) as caught:
        opening(data)
    rows = caught.value.errors["rows"]
    assert rows[0] == "Dòng 7: số tiền 'abc' không hợp lệ."
    assert ([message.split(":")[0] for message in rows]
            == ["Dòng 7", "Dòng 8", "Dòng 9", "Dòng 10", "Dòng 11", "Dòng 12"])
    assert "KHONGCO" in rows[1] and "511" in rows[2] and "đối ứng" in rows[3] and "XA-LA" in rows[4]
    assert "6 dòng lỗi" in caught.value.detail
    db.session.rollback()
    assert entries_count() == 0


def test_merged_cells_are_refused_with_their_range(tree):
    data = xlsx([["Số dư đầu kỳ", None, None, None], OPENING_HEADER[1:], ["QKH", "111", "1.000.000"],
                 ["QKH", "112", "2.000.000"]], merge="A1:D1")
    with pytest.raises(ValidationFailed) as caught:
        opening(data)
    assert "ô gộp (A1:D1)" in caught.value.detail and "Unmerge" in caught.value.detail
    assert entries_count() == 0


def test_missing_column_is_named(tree):
    data = xlsx([["Quỹ", "Tài khoản", "Ghi chú"], ["QKH", "111", "1.000.000"]])
    with pytest.raises(ValidationFailed) as caught:
        opening(data)
    assert caught.value.detail.startswith("Thiếu cột: Số dư.")
    assert entries_count() == 0


def test_opening_balances_go_in_once(tree):
    data = xlsx([OPENING_HEADER[1:4], ["QKH", "111", "1.000.000"]])
    opening(data)
    with pytest.raises(Duplicate) as caught:
        opening(data)
    assert "BT-2026-000001" in caught.value.detail
    db.session.rollback()
    assert entries_count() == 1


def test_units_outside_the_scope_are_refused(tree, make_unit):
    make_unit("HN", level="province")
    data = xlsx([OPENING_HEADER[:4], ["HN", "QKH", "111", "1.000"]])
    with pytest.raises(ValidationFailed) as caught:
        opening(data, scope="SL-X01")
    assert "HN" in caught.value.errors["rows"][0]


def test_donor_list_creates_new_donors_once(tree):
    from ledger.units.services import get_unit

    data = xlsx([["Họ và tên", "Loại", "Số điện thoại", "Địa chỉ", "Công khai"],
                 ["Nguyễn Văn An", "Cá nhân", "0912 345 678", "Bản Nà An", "Đầy đủ"],
                 ["Dòng họ Lò", "dòng họ", None, "Bình Lư", "viết tắt"],
                 ["Công ty Cổ phần Sông Đà", "Doanh nghiệp", "+84 214 3876 543", None, None],
                 [None, "Ẩn danh", None, None, None]])
    result = excel_import.import_donors(get_unit("SL-X01"), data, "nha-hao-tam.xlsx")
    db.session.commit()
    assert (result.rows, result.created, result.existing) == (4, 4, 0)
    donor = db.session.scalar(select(Donor).where(Donor.phone == "0912345678"))
    assert (donor.name, donor.kind, donor.publish) == ("Nguyễn Văn An", "individual", "full")
    assert db.session.scalar(select(Donor.publish).where(Donor.kind == "clan")) == "initials"
    again = excel_import.import_donors(get_unit("SL-X01"), data, "nha-hao-tam.xlsx")
    assert (again.created, again.existing) == (1, 3)  # the anonymous row has nothing to match on


def test_donor_rows_with_bad_values_stop_the_import(tree):
    from ledger.units.services import get_unit

    data = xlsx([["Họ tên", "Loại", "Điện thoại"], ["Lò Thị Mai", "Cá nhân", "0912345678"],
                 ["Cầm Văn Hùng", "người ngoài hành tinh", None], ["", "Cá nhân", None], ["Tòng Văn Ơn", None, "12ab"]])
    with pytest.raises(ValidationFailed) as caught:
        excel_import.import_donors(get_unit("SL"), data, "ds.xlsx")
    assert caught.value.errors["rows"] == [
        "Dòng 3: loại nhà hảo tâm 'người ngoài hành tinh' không hợp lệ.", "Dòng 4: thiếu họ tên.",
        "Dòng 5: số điện thoại '12ab' không hợp lệ."]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Donor.id))) == 0


def test_import_page_shows_row_errors_and_posts_nothing(tree, client, make_user):
    user = make_user(roles=[("SL", "treasurer")])
    client.post("/login", data={"username": user.username, "password": "mat-khau-dai"})  # a server-side session
    bad = xlsx([OPENING_HEADER[1:4], ["QKH", "111", "1.000.000"], ["QKH", "112", "abc"]])
    page = client.post("/units/SL/imports/opening-balances", data={
        "date": "2026-01-01", "idempotency_key": "form-k1", "file": (io.BytesIO(bad), "so-du.xlsx")},
        content_type="multipart/form-data")
    assert page.status_code == 422
    assert "Dòng 3: số tiền &#39;abc&#39; không hợp lệ." in page.get_data(as_text=True)
    assert entries_count() == 0
    good = xlsx([OPENING_HEADER[1:4], ["QKH", "111", "1.000.000"]])
    done = client.post("/units/SL/imports/opening-balances", data={
        "date": "2026-01-01", "idempotency_key": "form-k2", "file": (io.BytesIO(good), "so-du.xlsx")},
        content_type="multipart/form-data")
    assert done.status_code == 303
    assert "BT-2026-000001" in client.get(done.location).get_data(as_text=True)


def test_api_imports_and_cli_shows_progress(tree, api_as, app, tmp_path):
    api = api_as(("SL", "treasurer"))
    good = xlsx([OPENING_HEADER[1:4], ["QKH", "111", "1.000.000"]])
    r = api.post("/units/SL/imports/opening-balances",
                 data={"date": "2026-01-01", "file": (io.BytesIO(good), "a.xlsx")},
                 content_type="multipart/form-data", json=None)
    assert r.status_code == 201, r.json
    assert r.json["entries"] == ["BT-2026-000001"]
    path = tmp_path / "nha-hao-tam.xlsx"
    path.write_bytes(xlsx([["Họ tên"], *[[f"Nhà hảo tâm {i}"] for i in range(30)]]))
    result = app.test_cli_runner().invoke(args=["import-xlsx", str(path), "--unit", "SL", "--kind", "donors"])
    assert result.exit_code == 0, result.output
    assert "thêm 30 nhà hảo tâm" in result.output


def test_a_donor_list_past_the_row_limit_is_refused_by_api_and_page(tree, api_as, page_as):
    from ledger.core.spreadsheets import MAX_ROWS

    data = xlsx([["Họ tên"], *[[f"Nhà hảo tâm {i}"] for i in range(MAX_ROWS)]])
    r = api_as(("SL", "admin")).post("/units/SL/imports/donors", data={"file": (io.BytesIO(data), "ds.xlsx")},
                                     content_type="multipart/form-data")
    assert r.status_code == 422 and r.json["detail"].startswith("Tệp có hơn 20.000 dòng (giới hạn)"), r.json
    page = page_as(("SL", "admin")).post("/units/SL/imports/donors", data={"file": (io.BytesIO(data), "ds.xlsx")},
                                         content_type="multipart/form-data")
    assert page.status_code == 422 and "Tệp có hơn 20.000 dòng (giới hạn)" in page.text
    assert db.session.scalar(select(func.count(Donor.id))) == 0


def test_a_donor_csv_with_a_bare_cr_in_an_address_is_imported(tree):
    from ledger.units.services import get_unit

    data = 'Họ tên,Địa chỉ\r\nLò Văn Pọm,"Bản Mé\rxã Mường Bú"\r\n'.encode()
    result = excel_import.import_donors(get_unit("SL"), data, "ds.csv")
    assert (result.rows, result.created) == (1, 1)
    assert db.session.scalar(select(Donor.address)) == "Bản Mé xã Mường Bú"

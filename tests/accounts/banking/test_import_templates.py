"""Excel import templates: each downloads with the importer's own header row and a Vietnamese example that
the same importer takes; the import pages show progress, row errors and never send a volunteer to a command."""
import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from ledger.accounts.banking.services import excel_import
from ledger.accounts.community.models import Member
from ledger.accounts.models import Entry
from ledger.accounts.treasury.models import Donor
from ledger.extensions import db
from ledger.units.services import get_unit

HEADERS = {
    "opening-balances": ["Đơn vị", "Quỹ", "Tài khoản", "Số dư", "Đơn vị đối ứng"],
    "donors": ["Họ tên", "Loại", "Điện thoại", "Địa chỉ", "Công khai"],
    "members": ["Họ và tên", "Năm sinh", "Giới tính", "Điện thoại", "Chức vụ", "Ngày vào Hội"],
}


@pytest.fixture
def browser(community_tree, make_fund, page_as):
    make_fund("QKH", owner="SL")
    return page_as(("SL", "treasurer"), ("SL", "admin"))


def template(browser, kind: str, unit: str = "SL") -> bytes:
    response = browser.get(f"/units/{unit}/imports/templates/{kind}.xlsx")
    assert response.status_code == 200, response.text
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return response.data


def sheet_rows(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))


@pytest.mark.parametrize("kind", sorted(HEADERS))
def test_each_template_has_the_importer_header_and_one_example(browser, kind):
    title, header, *examples = sheet_rows(template(browser, kind))
    assert "xóa dòng ví dụ" in title[0]
    assert list(header) == HEADERS[kind]
    assert len(examples) == 1 and examples[0][0 if kind != "opening-balances" else 1]


def test_the_opening_balance_template_imports_as_it_is(browser):
    result = excel_import.import_opening_balances(get_unit("SL"), template(browser, "opening-balances"),
                                                  "mau.xlsx", on=date(2026, 1, 1))
    assert (result.rows, result.created) == (1, 1)
    entry = db.session.scalars(select(Entry).where(Entry.number == result.entries[0])).one()
    assert sorted((line.account.code, line.debit, line.credit) for line in entry.lines) == [
        ("111", 5_000_000, 0), ("421", 0, 5_000_000)]


def test_the_donor_template_imports_as_it_is(browser):
    result = excel_import.import_donors(get_unit("SL"), template(browser, "donors"), "mau.xlsx")
    assert (result.rows, result.created) == (1, 1)
    donor = db.session.scalars(select(Donor)).one()
    assert (donor.name, donor.kind, donor.publish) == ("Dòng họ Tẩn xã Bình Lư", "clan", "full")


def test_the_member_template_imports_from_the_page(browser):
    page = browser.post("/units/SL-B1/members/import", content_type="multipart/form-data",
                        data={"file": (io.BytesIO(template(browser, "members", "SL-B1")), "mau.xlsx")})
    assert page.status_code == 303, page.text
    member = db.session.scalars(select(Member)).one()
    assert (member.full_name, member.birth_year, member.gender) == ("Tẩn Thị Mẩy", 1985, "female")


def test_member_import_names_each_wrong_row_in_the_page(browser):
    rows = sheet_rows(template(browser, "members", "SL-B1"))
    bad = list(rows[2])
    bad[1] = "năm tám lăm"
    book = Workbook()
    for row in (rows[1], rows[2], bad):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    page = browser.post("/units/SL-B1/members/import", content_type="multipart/form-data",
                        data={"file": (io.BytesIO(buffer.getvalue()), "ds.xlsx")})
    assert page.status_code == 422
    assert "Dòng 3: Năm sinh &#34;năm tám lăm&#34; không hợp lệ." in page.text
    assert db.session.scalars(select(Member)).all() == []


def test_import_pages_offer_templates_and_progress_not_a_command(browser):
    imports = browser.get("/units/SL/imports").text
    members = browser.get("/units/SL-B1/members").text
    assert "ledger import-xlsx" not in imports and "chia thành nhiều tệp nhỏ" in imports
    for page, kinds in ((imports, ["opening-balances", "donors"]), (members, ["members"])):
        for kind in kinds:
            assert f"/imports/templates/{kind}.xlsx" in page
        assert "import_progress.js" in page and "Đang nhập…" in page


def test_an_unknown_template_is_not_found(browser):
    assert browser.get("/units/SL/imports/templates/ke-hoach.xlsx").status_code == 404

"""Members (hội viên): add, edit, leave, move, the XLSX roster, population and the share of members."""
import io
from datetime import datetime

import pytest
from openpyxl import Workbook


@pytest.fixture
def api(api_as, community_tree):
    return api_as(("SL", "treasurer"))


def roster(*rows, title=True) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append(["DANH SÁCH HỘI VIÊN CHI HỘI TỔ 1"])
        sheet.append([])
    sheet.append(["STT", "Họ và tên", "Năm sinh", "Giới tính", "Điện thoại", "Chức vụ", "Ngày vào Hội"])
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return data


def upload(api, unit, data):
    return api.client.post(f"/api/v1/units/{unit}/members/import", headers=api._headers(None),
                           data={"file": (data, "hoi-vien.xlsx")}, content_type="multipart/form-data")


def test_add_edit_leave_and_move(api):
    r = api.post("/units/SL-B1/members", json={"full_name": " Lò Văn Pọm ", "birth_year": 1968, "gender": "male",
                                              "joined_on": "2010-05-01"})
    assert r.status_code == 201, r.json
    member = r.json["id"]
    assert api.get(f"/members/{member}").json["full_name"] == "Lò Văn Pọm"
    r = api.put(f"/members/{member}", json={"position": "Chi hội trưởng", "phone": "0912345678"})
    assert r.json["position"] == "Chi hội trưởng" and r.json["birth_year"] == 1968
    r = api.post(f"/members/{member}/move", json={"unit": "SL-B2"})
    assert r.json["unit"] == "SL-B2"
    assert api.get("/units/SL-B1/members").json["total"] == 0
    r = api.post(f"/members/{member}/leave", json={"on": "2026-02-01"})
    assert r.json["left_on"] == "2026-02-01"
    assert api.get("/units/SL-X01/members").json["total"] == 0
    assert api.get("/units/SL-X01/members?include_left=true").json["total"] == 1
    # Still on the 2026 roll (left during the year), not on the 2027 one.
    assert api.get("/units/SL-X01/members?year=2026").json["total"] == 1
    assert api.get("/units/SL-X01/members?year=2027").json["total"] == 0
    again = api.post(f"/members/{member}/leave", json={"on": "2026-03-01"})
    assert again.status_code == 422 and again.json["code"] == "invalid_state"


def test_members_belong_to_branches(api):
    r = api.post("/units/SL-X01/members", json={"full_name": "Cầm Thị Xuân"})
    assert r.status_code == 422 and "chi hội" in r.json["detail"]
    member = api.post("/units/SL-B1/members", json={"full_name": "Cầm Thị Xuân"}).json["id"]
    assert api.post(f"/members/{member}/move", json={"unit": "SL-X02"}).status_code == 422


def test_leaving_before_joining_is_refused(api):
    member = api.post("/units/SL-B1/members", json={"full_name": "A", "joined_on": "2024-01-01"}).json["id"]
    assert api.post(f"/members/{member}/leave", json={"on": "2023-12-31"}).status_code == 422


@pytest.mark.parametrize("roles, status", [
    ((("SL-X01", "treasurer"),), 201),
    ((("SL-X01", "viewer"),), 403),
    ((("SL-X02", "treasurer"),), 403),
])
def test_who_may_add_members(api, api_as, roles, status):
    assert api_as(*roles).post("/units/SL-B1/members", json={"full_name": "A"}).status_code == status


def test_roster_import_after_a_title_row_and_again(api):
    rows = [("Lò Văn Pọm", 1968, "Nam", "0912 345 678", "Chi hội trưởng", "01/05/2010"),
            ("Cầm Thị Xuân", 1975, "Nữ", None, None, datetime(2015, 3, 8)),
            ("Quàng Văn Tâm", None, None, None, None, None)]
    r = upload(api, "SL-B1", roster(*rows))
    assert r.status_code == 201, r.json
    assert (r.json["added"], r.json["skipped"]) == (3, 0)
    first = {m["full_name"]: m for m in r.json["members"]}
    assert first["Lò Văn Pọm"]["gender"] == "male" and first["Lò Văn Pọm"]["joined_on"] == "2010-05-01"
    assert first["Cầm Thị Xuân"]["gender"] == "female" and first["Cầm Thị Xuân"]["joined_on"] == "2015-03-08"
    again = upload(api, "SL-B1", roster(*rows, ("Lường Thị Hoa", 1990, "nữ", None, None, None)))
    assert (again.json["added"], again.json["skipped"]) == (1, 3)
    assert api.get("/units/SL-B1/members").json["total"] == 4


def test_roster_with_bad_rows_adds_nobody_and_names_the_rows(api):
    rows = [("Lò Văn Pọm", 1968, "Nam", None, None, None), ("Cầm Thị Xuân", "năm bảy lăm", "X", None, None, None),
            (None, 1980, None, None, None, None), ("Quàng Văn Tâm", None, None, None, None, "32/13/2020")]
    r = upload(api, "SL-B1", roster(*rows, title=False))
    assert r.status_code == 422, r.json
    assert set(r.json["errors"]) == {"Dòng 3", "Dòng 4", "Dòng 5"}
    assert api.get("/units/SL-B1/members").json["total"] == 0


def test_a_file_that_is_not_a_roster(api):
    assert upload(api, "SL-B1", io.BytesIO(b"not a spreadsheet")).status_code == 422
    assert api.client.post("/api/v1/units/SL-B1/members/import", headers=api._headers(None)).status_code == 422


def test_membership_against_population(api):
    for name in ("A", "B", "C"):
        api.post("/units/SL-B1/members", json={"full_name": name})
    api.post("/units/SL-B3/members", json={"full_name": "D"})
    r = api.put("/units/SL-X01/population", json={"population": 15})
    assert r.json == {"unit": "SL-X01", "members": 3, "population": 15, "percent": 20.0, "households": None}
    api.put("/units/SL-X02/population", json={"population": 25})
    # The province counts its people in its communes: 4 members of 40 people.
    assert api.get("/units/SL/membership").json == {"unit": "SL", "members": 4, "population": 40, "percent": 10.0}
    assert api.get("/units/SL-B2/membership").json["percent"] is None


def test_roster_pages_add_import_and_population(api, page_as):
    browser = page_as(("SL-X01", "treasurer"))
    added = browser.post("/units/SL-B1/members", data={"full_name": "Lò Văn Pọm", "birth_year": "1968",
                                                       "gender": "male", "position": "Chi hội trưởng"})
    assert added.status_code == 303
    refused = browser.post("/units/SL-B1/members", data={"full_name": "  "})
    assert refused.status_code == 422 and "Cần nhập họ và tên" in refused.text
    imported = browser.post("/units/SL-B1/members/import", content_type="multipart/form-data",
                            data={"file": (roster(("Cầm Thị Xuân", 1975, "Nữ", None, None, None)), "ds.xlsx")})
    assert imported.status_code == 303
    browser.post("/units/SL-X01/population", data={"population": "10"})
    page = browser.get("/units/SL-X01/members").text
    assert "Lò Văn Pọm" in page and "Cầm Thị Xuân" in page and "Hội viên đạt 20,0% dân số" in page
    member = api.get("/units/SL-B1/members").json["items"][0]["id"]
    moved = browser.post(f"/members/{member}", data={"action": "move", "unit": "SL-B2"})
    assert moved.status_code == 303 and api.get(f"/members/{member}").json["unit"] == "SL-B2"
    assert page_as(("SL-X02", "treasurer")).post(f"/members/{member}",
                                                 data={"action": "leave", "left_on": "2026-01-01"}).status_code == 403


def test_a_roster_past_the_row_limit_or_not_an_xlsx_adds_nobody(api):
    from ledger.core.spreadsheets import MAX_ROWS

    r = upload(api, "SL-B1", roster(*[[f"Hội viên {i}", 1970] for i in range(MAX_ROWS)]))
    assert r.status_code == 422 and r.json["detail"].startswith("Tệp có hơn 20.000 dòng (giới hạn)"), r.json
    r = upload(api, "SL-B1", io.BytesIO(b"\x00\x01 garbage, not a workbook" * 50))
    assert r.status_code == 422 and r.json["detail"].startswith("Không đọc được tệp Excel (.xlsx)"), r.json
    assert api.get("/units/SL-B1/members").json["total"] == 0


def test_a_roster_whose_title_is_merged_is_still_read(api):
    book = Workbook()
    book.active.append(["DANH SÁCH HỘI VIÊN CHI HỘI TỔ 1"])
    book.active.append(["Họ và tên", "Năm sinh"])
    book.active.append(["Lò Văn Pọm", 1968])
    book.active.merge_cells("A1:B1")
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    r = upload(api, "SL-B1", data)
    assert r.status_code == 201 and r.json["added"] == 1, r.json

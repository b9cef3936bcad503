"""Excel in and out: the template per model round trip, all-or-nothing imports with row and column named in
Vietnamese, "1.500" counts, clans by name, export that imports again, population rows through set_population."""
import io

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from ledger.core.dates import vn_today
from ledger.extensions import db
from ledger.learning.models import LearningSubject, Registration
from ledger.learning.registry import importer
from ledger.units.services import get_unit
from tests.learning.registry.conftest import base, tally

YEAR = vn_today().year


def workbook(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(api, path, data: bytes, **fields):
    return api.client.post("/api/v1" + path, headers=api._headers(None), content_type="multipart/form-data",
                           data={"file": (io.BytesIO(data), "danh-sach.xlsx"), **fields})


def count_subjects() -> int:
    return db.session.scalar(select(func.count()).select_from(LearningSubject))


def test_template_round_trip(api_as, tree):
    """The downloaded template, its example overwritten by two households, imports as they were written."""
    api = api_as(("RP-X", "reviewer"))
    book = load_workbook(io.BytesIO(importer.template_bytes("family")))
    sheet = book.active
    assert [c.value for c in sheet[2]] == ["Tên hộ", "Chủ hộ", "Địa chỉ", "Số nhân khẩu", "Dòng họ",
                                          "Đồng ý công khai (có/không)", "Mã đơn vị"]
    sheet.delete_rows(3)
    sheet.append(["Hộ ông Lò Văn Xuân", "Lò Văn Xuân", "Bản Nà Lừa", "1.500", None, "có", "RP-X-1"])
    sheet.append(["Hộ bà Cầm Thị Hoa", "Cầm Thị Hoa", "Bản Co Mạ", 4, None, "không", "RP-X-2"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(api, "/units/RP-X/learning/subjects/import", buffer.getvalue(), model="family")
    assert response.status_code == 200, response.json
    assert response.json == {"created": 2, "skipped": 0, "errors": []}
    made = {s.name: s for s in db.session.scalars(select(LearningSubject))}
    assert made["Hộ ông Lò Văn Xuân"].members == 1500 and made["Hộ ông Lò Văn Xuân"].is_publish_consented
    assert made["Hộ bà Cầm Thị Hoa"].unit.code == "RP-X-2" and not made["Hộ bà Cầm Thị Hoa"].is_publish_consented
    assert tally("RP-X-1", YEAR) == (1, 0, 0, 0) and tally("RP-X", YEAR) == (2, 0, 0, 0)
    again = upload(api, "/units/RP-X/learning/subjects/import", buffer.getvalue(), model="family")
    assert again.json == {"created": 0, "skipped": 2, "errors": []} and count_subjects() == 2


def test_a_bad_row_changes_nothing_and_names_row_and_column(api_as, tree):
    api = api_as(("RP-X", "reviewer"))
    data = workbook([["Danh sách gia đình học tập"],
                     ["Tên hộ", "Chủ hộ", "Số nhân khẩu", "Đồng ý công khai", "Mã đơn vị", "Dòng họ"],
                     ["Hộ A", "Lò Văn A", 5, "có", "RP-X-1", None],
                     ["Hộ B", "Lò Văn B", "năm", "có", "RP-X-1", None],
                     ["", "Lò Văn C", 3, "có", "RP-X-1", None],
                     ["Hộ D", "Lò Văn D", 3, "chắc", "RP-Y-1", None],
                     ["Hộ E", "Lò Văn E", 3, "có", "RP-X-2", "Dòng họ Không Có"]])
    response = upload(api, "/units/RP-X/learning/subjects/import", data, model="family")
    assert response.status_code == 200
    assert response.json["created"] == 0
    errors = [(e["row"], e["column"]) for e in response.json["errors"]]
    assert errors == [(4, "Số nhân khẩu"), (5, "Tên hộ"), (6, "Mã đơn vị"), (6, "Đồng ý công khai (có/không)"),
                      (7, "Dòng họ")]
    assert response.json["errors"][0]["message"].startswith("Dòng 4, cột «Số nhân khẩu»: ")
    assert count_subjects() == 0 and tally("RP-X", YEAR) is None
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_clan_by_name_and_export_imports_again(api_as, tree):
    api = api_as(("RP", "admin"))
    api.post("/units/RP-X-2/learning/subjects", {"model": "clan", "name": "Dòng họ Lò"})
    data = workbook([["Tên hộ", "Chủ hộ", "Dòng họ", "Mã đơn vị"], ["Hộ A", "Lò Văn A", "dong ho lo", "RP-X-1"]])
    assert upload(api, "/units/RP-X/learning/subjects/import", data, model="family").json["created"] == 1
    family = db.session.scalar(select(LearningSubject).where(LearningSubject.model == "family"))
    assert family.clan.name == "Dòng họ Lò"
    exported = load_workbook(io.BytesIO(importer.export_bytes(get_unit("RP"), "family", YEAR))).active
    rows = [[c.value for c in row] for row in exported.iter_rows()]
    assert rows[1][-1] == f"Đăng ký năm {YEAR}"
    assert rows[2] == ["Hộ A", "Lò Văn A", None, None, "Dòng họ Lò", "không", "RP-X-1", "có"]
    # the export read back into another province: its columns are the template's (clan and unit emptied here)
    result = importer.import_subjects(get_unit("RQ"), "family", workbook([rows[1], rows[2][:4] + [None, "không"]]))
    assert result == {"created": 1, "skipped": 0, "errors": []}
    assert db.session.scalar(select(LearningSubject).where(LearningSubject.unit_id == get_unit("RQ").id)).name == \
        "Hộ A"


def test_import_refuses_a_bad_model_and_a_missing_file(api_as, tree):
    api = api_as(("RP-X", "reviewer"))
    assert upload(api, "/units/RP-X/learning/subjects/import", workbook([["Tên hộ"]]), model="x").status_code == 422
    missing = api.client.post("/api/v1/units/RP-X/learning/subjects/import", headers=api._headers(None),
                              content_type="multipart/form-data", data={"model": "family"})
    assert missing.status_code == 422 and "file" in missing.json["errors"]
    assert upload(api_as(("RP-X", "viewer")), "/units/RP-X/learning/subjects/import", workbook([["Tên hộ"]]),
                  model="family").status_code == 403


def test_population_import_all_or_nothing_then_the_sums(api_as, tree):
    api = api_as(("RP", "treasurer"))
    bad = workbook([["Mã đơn vị", "Dân số", "Số hộ"], ["RP-X-1", "1.200", 300], ["RQ", 10, 1],
                    ["RP-X-2", "nhiều", 5]])
    refused = upload(api, "/units/RP/population/import", bad)
    assert refused.status_code == 200 and refused.json["updated"] == 0
    assert [(e["row"], e["column"]) for e in refused.json["errors"]] == [(3, "Mã đơn vị"), (4, "Dân số")]
    assert base("RP") is None and get_unit("RP-X-1").population is None
    good = workbook([["Mã đơn vị", "Dân số", "Số hộ"], ["RP-X-1", "1.200", 300], ["RP-X-2", 800, 200],
                     ["RP-Y", 2000, "500"]])
    assert upload(api, "/units/RP/population/import", good).json == {"updated": 3, "errors": []}
    assert base("RP-X") == (2000, 500) and base("RP-Y") == (2000, 500) and base("RP") == (4000, 1000)
    assert base("VN") == (4000, 1000)
    template = load_workbook(io.BytesIO(importer.population_template_bytes(get_unit("RP-X")))).active
    assert [[c.value for c in row][:3] for row in template.iter_rows(min_row=3)] == [
        ["RP-X", None, None], ["RP-X-1", 1200, 300], ["RP-X-2", 800, 200]]

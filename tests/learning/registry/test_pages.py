"""The registry's pages: the list with its tabs, counts and forms, adding ("1.500" people, consent), a refused
form changing nothing, the Excel import refused by row, template and export downloads, a subject's history and
move, the population page; personal data only behind login."""
import io

from openpyxl import Workbook
from sqlalchemy import func, select

from ledger.core.dates import vn_today
from ledger.extensions import db
from ledger.learning.models import LearningSubject
from ledger.learning.registry import services
from ledger.units.services import get_unit
from tests.learning.registry.conftest import base, tally

YEAR = vn_today().year
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_list_add_and_refusal(page_as, tree):
    client = page_as(("RP-X", "reviewer"))
    page = client.get("/units/RP-X-1/learning/subjects")
    assert page.status_code == 200
    for text in ("Gia đình học tập", "Dòng họ học tập", "Công dân học tập", "Đăng ký mới", "Tải tệp mẫu"):
        assert text in page.text
    added = client.post("/units/RP-X-1/learning/subjects", data={
        "model": "family", "name": "Hộ ông Lò Văn Xuân", "head_name": "Lò Văn Xuân", "members": "1.500",
        "publish_consent": "1"})
    assert added.status_code == 303
    subject = db.session.scalar(select(LearningSubject))
    assert (subject.members, subject.is_publish_consented, subject.unit.code) == (1500, True, "RP-X-1")
    assert tally("RP-X", YEAR) == (1, 0, 0, 0)
    listed = client.get("/units/RP-X/learning/subjects?model=family&q=lo van")
    assert "Hộ ông Lò Văn Xuân" in listed.text and "1.500" in listed.text
    refused = client.post("/units/RP-X-1/learning/subjects", data={"model": "family", "name": " ", "members": "x"})
    assert refused.status_code == 422 and "Cần nhập tên." in refused.text
    assert db.session.scalar(select(func.count()).select_from(LearningSubject)) == 1


def test_viewer_reads_without_forms_and_strangers_see_nothing(page_as, client, tree):
    services.create_subject(get_unit("RP-X-1"), {"model": "family", "name": "Hộ bà Cầm Thị Hoa"}, by=None)
    db.session.commit()
    viewer = page_as(("RP-X", "viewer")).get("/units/RP-X/learning/subjects")
    assert viewer.status_code == 200 and "Hộ bà Cầm Thị Hoa" in viewer.text and "Đăng ký mới" not in viewer.text
    assert page_as(("RP-Y", "treasurer")).get("/units/RP-X/learning/subjects").status_code == 403
    anonymous = client.get("/units/RP-X/learning/subjects")
    assert anonymous.status_code in (302, 401) and "Cầm Thị Hoa" not in anonymous.text


def test_import_form_refused_by_row_and_downloads(page_as, tree):
    client = page_as(("RP-X", "treasurer"))
    book = Workbook()
    for row in (["Tên hộ", "Số nhân khẩu"], ["Hộ A", 4], ["Hộ B", "bốn"]):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    refused = client.post("/units/RP-X/learning/subjects/import", content_type="multipart/form-data",
                          data={"model": "family", "file": (io.BytesIO(buffer.getvalue()), "ds.xlsx")})
    assert refused.status_code == 422 and "Dòng 3, cột «Số nhân khẩu»" in refused.text
    assert db.session.scalar(select(func.count()).select_from(LearningSubject)) == 0
    template = client.get("/units/RP-X/learning/subjects/template?model=clan")
    assert template.status_code == 200 and template.mimetype == XLSX
    assert "private" in template.headers["Cache-Control"]
    exported = client.get("/units/RP-X/learning/subjects/export?model=family")
    assert exported.status_code == 200 and exported.mimetype == XLSX


def test_subject_page_history_and_move(page_as, tree):
    subject = services.create_subject(get_unit("RP-X-1"), {"model": "family", "name": "Hộ Lò Văn A"}, by=None)
    services.register(subject, YEAR - 1)
    db.session.commit()
    client = page_as(("RP", "reviewer"))
    page = client.get(f"/learning/subjects/{subject.id}")
    assert page.status_code == 200 and str(YEAR - 1) in page.text and "Chuyển đến đơn vị khác" in page.text
    moved = client.post(f"/learning/subjects/{subject.id}/move", data={"unit": "RP-Y-1"})
    assert moved.status_code == 303
    db.session.expire_all()
    assert db.session.get(LearningSubject, subject.id).unit.code == "RP-Y-1"
    assert tally("RP-Y", YEAR) == (1, 0, 0, 0) and tally("RP-X", YEAR - 1) == (1, 0, 0, 0)
    after = client.get(f"/learning/subjects/{subject.id}")
    assert "chuyển từ RP-X-1 sang RP-Y-1" in after.text
    refused = client.post(f"/learning/subjects/{subject.id}/move", data={"unit": "RQ"})
    assert refused.status_code == 403


def test_population_page(page_as, tree):
    client = page_as(("RP", "treasurer"))
    assert client.post("/units/RP-X-1/learning/population",
                       data={"population": "1.200", "households": "300"}).status_code == 303
    assert client.post("/units/RP-X-2/learning/population", data={"population": "800", "households": ""}).status_code \
        == 303
    assert base("RP-X") == (2000, 300) and base("RP") == (2000, 300)
    page = client.get("/units/RP-X/learning/population")
    assert page.status_code == 200 and "1.200" in page.text and "2.000" in page.text
    refused = client.post("/units/RP-X-1/learning/population", data={"population": "nhiều"})
    assert refused.status_code == 422 and base("RP-X") == (2000, 300)
    members_form = client.post("/units/RP-X-2/population", data={"population": "900", "households": "210"})
    assert members_form.status_code in (302, 303) and base("RP-X") == (2100, 510)

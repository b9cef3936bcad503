"""A three-level tree for the yearly cycle: province LP → commune LP-X → branches LP-X-1, LP-X-2, and a
second commune LP-Y with its branch LP-Y-1 (outside LP-X). The province owns its own sets, so the tests
know every criterion: a scored family set (two criteria of 10 points, pass at 15, `hoc` at least 5) and
an all-of clan set with the computed share of recognised families (≥ 50%)."""
import pytest

from ledger.extensions import db
from ledger.learning.criteria.services import create_set
from ledger.learning.models import LearningSubject
from ledger.units.services import get_unit

YEAR = 2026
FAMILY_SET = {"code": "LP-GDHT", "model": "family", "name": "Gia đình học tập (Lạng Phong)", "owner_unit": "LP",
              "year_from": 2024, "pass_mark": 15,
              "criteria": [{"code": "hoc", "name": "Con em đi học đầy đủ", "points": 10, "min_points": 5},
                           {"code": "sach", "name": "Có góc học tập, tủ sách", "points": 10}]}
CLAN_SET = {"code": "LP-DHHT", "model": "clan", "name": "Dòng họ học tập (Lạng Phong)", "owner_unit": "LP",
            "year_from": 2024, "pass_mark": None,
            "criteria": [{"code": "ty_le", "name": "Một nửa số gia đình trong họ đạt Gia đình học tập",
                          "computed": {"measure": "family_share", "percent": 50}},
                         {"code": "quy", "name": "Dòng họ có quỹ khuyến học"}]}
PASS = {"hoc": 8, "sach": 9}      # 17 ≥ 15, hoc 8 ≥ 5: đạt
FAIL = {"hoc": 4, "sach": 10}     # 14 < 15 and hoc 4 < 5: không đạt


@pytest.fixture
def tree(make_unit):
    make_unit("LP", level="province", name="Hội Khuyến học tỉnh Lạng Phong")
    make_unit("LP-X", level="commune", parent="LP", name="Hội Khuyến học xã Tân Xuân")
    make_unit("LP-X-1", level="branch", parent="LP-X", name="Chi hội bản Nà Lừa")
    make_unit("LP-X-2", level="branch", parent="LP-X", name="Chi hội bản Co Mạ")
    make_unit("LP-Y", level="commune", parent="LP", name="Hội Khuyến học xã Yên Bình")
    make_unit("LP-Y-1", level="branch", parent="LP-Y", name="Chi hội bản Pá Khoang")
    create_set(FAMILY_SET)
    create_set(CLAN_SET)
    db.session.commit()
    return "LP"


@pytest.fixture
def subject(tree):
    """subject("LP-X-1", "Hộ ông Lò Văn Xuân", model="family", clan=None) → its id (not yet registered)."""
    def make(unit_code, name, *, model="family", clan=None, head_name=""):
        found = LearningSubject(unit=get_unit(unit_code), model=model, name=name, head_name=head_name,
                                address=f"Bản {unit_code}", clan_id=clan)
        db.session.add(found)
        db.session.commit()
        return found.id
    return make


@pytest.fixture
def people(api_as, tree):
    """The branch heads who assess (reviewer on the commune), the commune's approvers, a branch approver."""
    return {"assessor": api_as(("LP-X", "reviewer")), "assessor2": api_as(("LP-X", "treasurer")),
            "approver": api_as(("LP-X", "approver")), "approver2": api_as(("LP-X", "approver")),
            "branch_approver": api_as(("LP-X-1", "approver")), "viewer": api_as(("LP-X", "viewer")),
            "province_admin": api_as(("LP", "admin"))}


@pytest.fixture
def assess(people):
    def send(subject_id, answers, *, who="assessor", year=YEAR, **extra):
        return people[who].post(f"/learning/subjects/{subject_id}/assessments",
                                json={"year": year, "answers": answers, "assessed_on": f"{year}-11-02", **extra})
    return send


@pytest.fixture
def recognise(people):
    def send(subjects, *, who="approver", unit="LP-X", model="family", year=YEAR, number="12/QĐ-KH"):
        return people[who].post(f"/units/{unit}/learning/recognitions",
                                json={"year": year, "model": model, "decision_number": number,
                                      "decided_on": f"{year}-11-20", "subjects": subjects})
    return send

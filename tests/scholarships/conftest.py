"""A province with two communes and a school branch, a funded fund, a committee and API clients."""
import itertools
import subprocess
from datetime import timedelta

import pytest

from ledger.core.dates import vn_today

FUNDED = 50_000_000
_codes = itertools.count(1)


def _student(code=None, **changes) -> dict:
    """A near-poor grade-9 pupil with good results; `changes` override any field."""
    data = {"full_name": "Lò Thị Mai", "date_of_birth": "2011-04-02", "gender": "female",
            "student_code": code or f"HS{next(_codes):06d}", "school": "Trường THCS Chiềng Sinh", "grade": 9,
            "household_status": "near_poor", "household_certificate": "123/2025", "orphan": "none",
            "disability": False, "ethnic_minority": True, "academic_result": "kha", "conduct": "tot", "prizes": [],
            "publish_consent": False}
    data.update(changes)
    return data


POOR_RULES = {"all": [{"field": "household_status", "in": ["poor", "near_poor"]},
                      {"field": "academic_result", "gte": "kha"}]}
POOR_SCORING = {"household_status": {"poor": 30, "near_poor": 20}, "academic_result": {"tot": 20, "kha": 10},
                "orphan": {"one_parent": 15, "both_parents": 30}}


@pytest.fixture
def place(app, make_unit, make_fund, post):
    """SL (province) → SL-C1 (commune) → SL-C1-THCS (school branch); SL-C2; LC elsewhere. QKH-SL funded."""
    make_unit("SL", level="province", name="Hội Khuyến học tỉnh Sơn La")
    make_unit("SL-C1", level="commune", parent="SL", name="Hội Khuyến học xã Chiềng Sinh")
    make_unit("SL-C1-THCS", level="branch", parent="SL-C1", name="Ban khuyến học Trường THCS Chiềng Sinh")
    make_unit("SL-C2", level="commune", parent="SL", name="Hội Khuyến học xã Mường Bú")
    make_unit("LC", level="province", name="Hội Khuyến học tỉnh Lai Châu")
    make_fund("QKH-SL", owner="SL", name="Quỹ khuyến học tỉnh Sơn La")
    make_fund("QKH-C1", owner="SL-C1", name="Quỹ khuyến học xã Chiềng Sinh")
    post("SL", [("111", "QKH-SL", FUNDED, 0), ("511", "QKH-SL", 0, FUNDED)], on=vn_today() - timedelta(days=30))
    post("SL-C1", [("111", "QKH-C1", 10_000_000, 0), ("511", "QKH-C1", 0, 10_000_000)],
         on=vn_today() - timedelta(days=30))
    return "SL"


@pytest.fixture
def people(place, api_as):
    """API clients: treasurer, approver, three reviewers at SL, a school's treasurer, a stranger."""
    return {
        "treasurer": api_as(("SL", "treasurer"), username="thuquy"),
        "approver": api_as(("SL", "approver"), username="chutich"),
        "r1": api_as(("SL", "reviewer"), username="hoidong1"),
        "r2": api_as(("SL", "reviewer"), username="hoidong2"),
        "r3": api_as(("SL", "reviewer"), username="hoidong3"),
        "school": api_as(("SL-C1-THCS", "treasurer"), username="thuquy.truong"),
        "stranger": api_as(("LC", "treasurer"), username="nguoingoai"),
    }


def _program_body(code="HB-SL", **changes) -> dict:
    body = {"code": code, "name": "Học bổng học sinh nghèo vượt khó", "owner_unit": "SL", "fund": "QKH-SL",
            "award_amount": 2_000_000, "rules": POOR_RULES, "scoring": POOR_SCORING}
    body.update(changes)
    return body


def _round_body(**changes) -> dict:
    body = {"school_year": "2025-2026", "budget": 10_000_000, "quota": 10,
            "nominations_close_on": (vn_today() + timedelta(days=10)).isoformat()}
    body.update(changes)
    return body


@pytest.fixture
def program(people):
    r = people["treasurer"].post("/scholarships/programs", json=_program_body())
    assert r.status_code == 201, r.json
    return r.json


@pytest.fixture
def open_round(people, program):
    """A round with the three reviewers assigned; returns its id."""
    r = people["treasurer"].post(f"/scholarships/programs/{program['code']}/rounds", json=_round_body())
    assert r.status_code == 201, r.json
    round_id = r.json["id"]
    assigned = people["treasurer"].post(f"/scholarships/rounds/{round_id}/reviewers",
                                        json={"usernames": ["hoidong1", "hoidong2", "hoidong3"]})
    assert assigned.status_code == 200, assigned.json
    return round_id


@pytest.fixture
def nominate(people):
    def submit(round_id, by="SL-C1-THCS", who="treasurer", **student_changes):
        r = people[who].post(f"/scholarships/rounds/{round_id}/candidates",
                                json={"nominated_by": by, "student": _student(**student_changes)})
        assert r.status_code == 201, r.json
        return r.json
    return submit


@pytest.fixture
def decide(people):
    def run(round_id, number="15/QĐ-KH", on=None, who="approver"):
        return people[who].post(f"/scholarships/rounds/{round_id}/decide",
                                   json={"decision_number": number, "decided_on": (on or vn_today()).isoformat()})
    return run


@pytest.fixture
def student():
    """student(code=None, **changes) → a nomination's student body."""
    return _student


@pytest.fixture
def program_body():
    return _program_body


@pytest.fixture
def round_body():
    return _round_body


@pytest.fixture
def pdf_text():
    """The text of a PDF response, read back with poppler's pdftotext."""
    def read(response) -> str:
        assert response.status_code == 200 and response.mimetype == "application/pdf", response.data[:300]
        assert response.data.startswith(b"%PDF")
        return subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.data, capture_output=True,
                              check=True).stdout.decode()
    return read


@pytest.fixture
def decided(open_round, nominate, decide):
    """The open round with three eligible children nominated and decided: {round, candidates, awards}."""
    candidates = [nominate(open_round, full_name="Lò Thị Mai", household_status="poor", orphan="both_parents",
                           publish_consent=True),
                  nominate(open_round, full_name="Cầm Văn Tú", household_status="poor"),
                  nominate(open_round, full_name="Quàng Thị Hoa")]
    r = decide(open_round)
    assert r.status_code == 200, r.json
    return {"round": open_round, "candidates": candidates, "awards": r.json["awards"]}


@pytest.fixture
def sponsorship(people, nominate, decide):
    """A con nuôi program (3.600.000 đ a year, monthly, at most 2 years) and its first decided award."""
    people["treasurer"].post("/scholarships/programs", json=_program_body(
        code="CON-NUOI", kind="sponsorship", schedule="monthly", award_amount=3_600_000, sponsorship_years=2))
    round_id = people["treasurer"].post("/scholarships/programs/CON-NUOI/rounds", json=_round_body()).json["id"]
    nominate(round_id, full_name="Tòng Văn Sơn", household_status="poor", grade=6)
    [award] = decide(round_id).json["awards"]
    return award

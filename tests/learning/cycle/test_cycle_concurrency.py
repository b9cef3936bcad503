"""Requests at the same moment on PostgreSQL, each thread with its own client and session: two approvers
recognising the same subjects give one decision and one 409, and two assessors leave one current row."""

import pytest
from sqlalchemy import func, select

from ledger.extensions import db
from ledger.learning import tallies
from ledger.learning.models import Assessment, Recognition, RecognitionItem
from ledger.units.services import get_unit
from tests.learning.cycle.conftest import FAIL, PASS, YEAR
from tests.racing import post_at_once

pytestmark = pytest.mark.postgres


def kept(code: str) -> dict:
    unit = get_unit(code)
    return tallies.tallies_of([unit.id], YEAR)[unit.id]["family"]


@pytest.mark.parametrize("attempt", range(3))
def test_two_approvers_at_once_recognise_each_subject_once(app, assess, people, subject, attempt):
    ids = [subject("LP-X-1", f"Hộ số {n}") for n in range(4)]
    for subject_id in ids:
        assess(subject_id, PASS)
    body = {"year": YEAR, "model": "family", "decision_number": "5/QĐ", "decided_on": f"{YEAR}-11-20",
            "subjects": ids}
    results = post_at_once(app, [(people[who], "/units/LP-X/learning/recognitions", body)
                            for who in ("approver", "approver2")])
    assert sorted((status, reply.get("code")) for status, reply in results) == [(201, None), (409, "invalid_state")]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Recognition.id))) == 1
    assert db.session.scalar(select(func.count(RecognitionItem.id))) == 4
    assert kept("LP-X")["recognized"] == 4 and kept("LP")["recognized"] == 4


@pytest.mark.parametrize("attempt", range(3))
def test_two_assessors_at_once_leave_one_current_assessment(app, people, subject, attempt):
    family = subject("LP-X-1", "Hộ ông Lò Văn Xuân")
    path = f"/learning/subjects/{family}/assessments"
    results = post_at_once(app, [(people["assessor"], path, {"year": YEAR, "answers": PASS}),
                            (people["assessor2"], path, {"year": YEAR, "answers": FAIL})])
    assert [status for status, _reply in results] == [201, 201], results
    db.session.rollback()
    statuses = sorted(db.session.scalars(select(Assessment.status)))
    assert statuses == ["current", "replaced"]
    current = db.session.scalar(select(Assessment).where(Assessment.status == "current"))
    assert kept("LP-X") == {"registered": 1, "assessed": 1, "passed": int(current.is_passed), "recognized": 0}


def test_an_assessment_racing_a_recognition_never_unfreezes_it(app, assess, people, subject):
    family = subject("LP-X-1", "Hộ ông Lò Văn Xuân")
    assess(family, PASS)
    results = post_at_once(app, [
        (people["approver"], "/units/LP-X/learning/recognitions",
         {"year": YEAR, "model": "family", "decision_number": "6/QĐ", "decided_on": f"{YEAR}-11-20",
          "subjects": [family]}),
        (people["assessor2"], f"/learning/subjects/{family}/assessments", {"year": YEAR, "answers": FAIL})])
    db.session.rollback()
    recognised, assessed = results
    current = db.session.scalar(select(Assessment).where(Assessment.status == "current"))
    if recognised[0] == 201:  # the recognition went first: the late assessment is refused, the pass is kept
        assert assessed[0] == 409 and current.is_passed and current.is_recognized
    else:                     # the new assessment went first: nothing is recognised on a result that changed
        assert assessed[0] == 201 and recognised[0] in (409, 422) and not current.is_recognized
    assert kept("LP-X")["recognized"] == (1 if recognised[0] == 201 else 0)

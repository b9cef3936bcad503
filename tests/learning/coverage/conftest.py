"""Builders for coverage tests: registry rows written directly, with the kept tallies bumped the way the
registry and the cycle do it (registration +1 registered; an assessment +1 assessed the first time and ±passed;
a recognition +1 recognized), so the tests do not depend on the other parts' services."""
from datetime import date

import pytest
from sqlalchemy import select

from ledger.extensions import db
from ledger.learning import tallies
from ledger.learning.models import Assessment, CriteriaSet, LearningSubject, Recognition, RecognitionItem, Registration


class Registry:
    def subject(self, unit, model="family", name=None, *, head="", address="", members=None, consent=False):
        found = LearningSubject(unit_id=unit.id, model=model, name=name or f"Hộ {model} {unit.code}", head_name=head,
                                address=address, members=members, is_publish_consented=consent)
        db.session.add(found)
        db.session.flush()
        return found

    def register(self, subject, year):
        db.session.add(Registration(subject_id=subject.id, year=year, unit_id=subject.unit_id,
                                    registered_on=date(year, 1, 15)))
        tallies.bump(subject.unit, year, subject.model, registered=1)
        db.session.flush()

    def assess(self, subject, year, passed):
        current = db.session.scalar(select(Assessment).where(Assessment.subject_id == subject.id,
                                                             Assessment.year == year, Assessment.status == "current"))
        if current is not None:
            current.status = "replaced"
            db.session.flush()
        criteria = db.session.scalar(select(CriteriaSet).where(CriteriaSet.model == subject.model).limit(1))
        db.session.add(Assessment(subject_id=subject.id, year=year, unit_id=subject.unit_id,
                                  criteria_set_id=criteria.id, answers={}, is_passed=passed, reasons=[],
                                  assessed_on=date(year, 6, 1)))
        was = current.is_passed if current is not None else False
        tallies.bump(subject.unit, year, subject.model, assessed=0 if current is not None else 1,
                     passed=int(passed) - int(was))
        db.session.flush()

    def recognize(self, unit, year, model, subjects):
        recognition = Recognition(unit_id=unit.id, year=year, model=model, decision_number=f"QĐ-{year}",
                                  decided_on=date(year, 10, 1))
        db.session.add(recognition)
        db.session.flush()
        for position, subject in enumerate(subjects, 1):
            assessment = db.session.scalar(select(Assessment).where(
                Assessment.subject_id == subject.id, Assessment.year == year, Assessment.status == "current"))
            assessment.is_recognized = True
            db.session.add(RecognitionItem(recognition_id=recognition.id, subject_id=subject.id,
                                           assessment_id=assessment.id, unit_id=subject.unit_id, year=year,
                                           position=position))
            tallies.bump(subject.unit, year, model, recognized=1)
        db.session.flush()
        return recognition

    def households(self, unit, *, population=0, households=0):
        """Record the unit's own counts (what PUT /units/{code}/population does) and their kept sums."""
        tallies.bump_base(unit, population=population - (unit.population or 0),
                          households=households - (unit.households or 0))
        unit.population, unit.households = population, households
        db.session.flush()

    def full(self, unit, year, model="family", name=None, *, passed=True, **details):
        """A subject registered and assessed in `year`."""
        found = self.subject(unit, model, name, **details)
        self.register(found, year)
        self.assess(found, year, passed)
        return found


@pytest.fixture
def registry(app):
    return Registry()


@pytest.fixture
def three_levels(make_unit):
    """A province with two communes, the first with two branches, the second with one."""
    province = make_unit("TSL", level="province", name="Tỉnh Sơn La thử")
    first = make_unit("TSL-C1", level="commune", parent="TSL", name="Xã Một")
    second = make_unit("TSL-C2", level="commune", parent="TSL", name="Xã Hai")
    branches = [make_unit("TSL-C1-B1", parent="TSL-C1", name="Bản Một"),
                make_unit("TSL-C1-B2", parent="TSL-C1", name="Bản Hai"),
                make_unit("TSL-C2-B1", parent="TSL-C2", name="Tổ dân phố Một")]
    return {"province": province, "communes": [first, second], "branches": branches}

"""Assessments: the subject's self-assessment (tự đánh giá) and the branch's bình xét, judged against the set
that applies to the subject's unit in the year, computed criteria read from the registry.

A year has one current assessment per subject: a new one replaces it (kept as `replaced`) until the subject
is recognised for that year, then the year is frozen (409). The subject's row is locked first, so two
assessors at once queue and the second replaces the first; the kept tallies follow the current result.
"""
from datetime import date

from sqlalchemy import exists, func, select

from ledger.core import audit
from ledger.core.dates import vn_today
from ledger.core.errors import InvalidState, NotFound, StateChanged
from ledger.core.i18n import _
from ledger.core.inputs import get_by_id
from ledger.core.state import claim
from ledger.extensions import db
from ledger.learning import tallies
from ledger.learning.criteria import rules
from ledger.learning.criteria import services as criteria
from ledger.learning.cycle import figures
from ledger.learning.models import Assessment, LearningSubject, RecognitionItem
from ledger.learning.registry import services as registry


def get_assessment(assessment_id) -> Assessment:
    found = get_by_id(Assessment, assessment_id)
    if found is None:
        raise NotFound(_("Không có lượt đánh giá số %(id)s.", id=assessment_id))
    return found


def current_assessment(subject: LearningSubject, year: int) -> Assessment | None:
    return db.session.scalar(select(Assessment).where(Assessment.subject_id == subject.id, Assessment.year == year,
                                                      Assessment.status == "current"))


def is_recognized(subject: LearningSubject, year: int) -> bool:
    return bool(db.session.scalar(select(exists().where(RecognitionItem.subject_id == subject.id,
                                                        RecognitionItem.year == year))))


def assessments_of(subject: LearningSubject, year: int | None = None, *, limit: int = 50, offset: int = 0):
    """The subject's assessments, the latest year first and the newest first within it; with the total."""
    stmt = select(Assessment).where(Assessment.subject_id == subject.id)
    if year is not None:
        stmt = stmt.where(Assessment.year == year)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = db.session.scalars(stmt.order_by(Assessment.year.desc(), Assessment.id.desc())
                               .limit(limit).offset(offset)).all()
    return items, total


def frozen_message(year: int) -> str:
    return _("Đối tượng này đã được công nhận năm %(year)s; kết quả đánh giá năm đó đã khóa, không đánh giá lại "
             "được.", year=year)


def judged(subject: LearningSubject, year: int, answers) -> tuple:
    """(criteria set, judgement, reasons with the registry's figures shown) for these answers."""
    criteria_set = criteria.applicable_set(subject.unit, subject.model, year)
    definition = criteria.definition(criteria_set)
    shown = figures.computed_figures(subject, year, definition)
    judgement = rules.judge(definition, answers, {code: figure.percent for code, figure in shown.items()})
    reasons = [{**reason, "text": f"{reason['text']} ({shown[reason['criterion']].text})"}
               if reason["criterion"] in shown else reason for reason in judgement.reasons]
    return criteria_set, judgement, reasons


def assess(subject: LearningSubject, data: dict, *, by=None) -> Assessment:
    """Record an assessment (API.md `POST /learning/subjects/{id}/assessments`); it becomes the year's current
    one. 422 naming a missing or out-of-range answer; 409 once the subject is recognised for the year."""
    year, is_self = data["year"], bool(data.get("is_self"))
    assessed_on: date = data.get("assessed_on") or vn_today()
    claim(subject, lambda _subject: True)  # one assessor of a subject at a time: the second sees the first
    if is_recognized(subject, year):
        raise StateChanged(frozen_message(year))
    criteria_set, judgement, reasons = judged(subject, year, data["answers"])
    current = current_assessment(subject, year)
    if current is not None:
        claim(current, lambda found: found.status == "current" and not found.is_recognized)
        if is_self and not current.is_self:
            raise InvalidState(_("Chi hội đã bình xét năm %(year)s; bản tự đánh giá không thay được kết quả bình "
                                 "xét.", year=year), field="self")
        current.status = "replaced"
        db.session.flush()  # one current row per (subject, year): the old one steps aside first
    registry.register(subject, year, on=assessed_on, by=by)
    made = Assessment(subject_id=subject.id, year=year, unit_id=subject.unit_id, criteria_set_id=criteria_set.id,
                      answers=dict(data["answers"]), score=judgement.score, is_passed=judgement.is_passed,
                      grade=judgement.grade, reasons=reasons, is_self=is_self, status="current",
                      assessed_on=assessed_on, note=(data.get("note") or "").strip(),
                      created_by_id=getattr(by, "id", None))
    db.session.add(made)
    db.session.flush()
    was_passed = bool(current is not None and current.is_passed)
    tallies.bump(subject.unit, year, subject.model, assessed=0 if current is not None else 1,
                 passed=int(made.is_passed) - int(was_passed))
    audit.record("learning.assessment.create", "learning_assessment", made.id, by=by,
                 before=summary(current) if current is not None else None, after=summary(made))
    return made


def summary(assessment: Assessment) -> dict:
    """What the audit log keeps of an assessment."""
    return {"id": assessment.id, "subject": assessment.subject_id, "year": assessment.year,
            "criteria_set": assessment.criteria_set_id, "score": assessment.score, "passed": assessment.is_passed,
            "self": assessment.is_self, "status": assessment.status, "answers": assessment.answers}

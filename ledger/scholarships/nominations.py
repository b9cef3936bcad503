"""Nominations: branches and schools put a child forward before the deadline; the program's rules
judge the facts as nominated, one reason per condition, and the score ranks them.
"""
from sqlalchemy import select

from ledger.core import audit
from ledger.core.dates import vn_today
from ledger.core.errors import Duplicate, InvalidState, ValidationFailed
from ledger.core.i18n import _
from ledger.extensions import db
from ledger.scholarships import rules
from ledger.scholarships.models import Candidate, Round
from ledger.scholarships.programs import get_row
from ledger.scholarships.reviews import check_open
from ledger.scholarships.students import facts_of, find_student, identity, save_student
from ledger.units.services import get_unit


def judge(rule_set, scoring, facts: dict) -> dict:
    """{is_eligible, score, reasons: [{field, passed, text, needed}]} for one set of facts (Candidate's attributes);
    `needed` is false for a condition of an alternative the candidate did not need (pages leave it out)."""
    evaluation = rules.evaluate(rule_set, facts)
    return {"is_eligible": evaluation.eligible, "score": rules.score(scoring, facts),
            "reasons": [{"field": r.field, "passed": r.passed, "text": r.text, "needed": needed}
                        for r, needed in zip(evaluation.reasons, evaluation.needed, strict=True)]}


def get_candidate(candidate_id) -> Candidate:
    return get_row(Candidate, candidate_id, _("Không có hồ sơ đề nghị %(id)s.", id=candidate_id))


def check_open_for_nominations(found: Round) -> None:
    check_open(found)
    if vn_today() > found.nominations_close_on:
        raise InvalidState(_("Đã hết hạn nhận hồ sơ đề nghị (ngày %(date)s).",
                             date=found.nominations_close_on.strftime("%d/%m/%Y")))


def check_not_nominated(found: Round, student_data: dict) -> None:
    student = find_student(*identity(student_data))
    if student is not None and db.session.scalar(
            select(Candidate.id).where(Candidate.round_id == found.id, Candidate.student_id == student.id)):
        raise Duplicate(_("Em %(name)s đã có hồ sơ trong đợt xét này.", name=student.full_name),
                        field="student")


def check_level(program, student_data: dict) -> None:
    """A program is given only to the levels it names (pupils, students, teachers, workers…)."""
    level = student_data.get("level", "school")
    if level not in program.levels:
        served = ", ".join(rules.label("level", value) for value in program.levels)
        raise ValidationFailed(_("Chương trình %(program)s dành cho %(levels)s, không dành cho %(level)s.",
                                 program=program.name, levels=served, level=rules.label("level", level)),
                               field="student.level")


def nominate(found: Round, data: dict, *, by=None) -> Candidate:
    """Refused after the deadline, from a unit outside the program owner's subtree, or twice per child."""
    unit = get_unit(data["nominated_by"])
    check_open_for_nominations(found)
    if not unit.is_within(found.program.owner_unit):
        raise ValidationFailed(_("%(unit)s không thuộc %(owner)s nên không đề cử vào chương trình này.",
                                 unit=unit.name, owner=found.program.owner_unit.name), field="nominated_by")
    check_level(found.program, data["student"])
    check_not_nominated(found, data["student"])
    student = save_student(data["student"], unit=unit, school_year=found.school_year, by=by)
    facts = facts_of(data["student"])
    program = found.program
    candidate = Candidate(round=found, student=student, nominated_by=unit, nominated_by_user_id=getattr(by, "id", None),
                          facts=facts, evidence=list(data.get("evidence") or []), note=(data.get("note") or "").strip(),
                          rules_version=program.version, **judge(program.rules, program.scoring, facts))
    db.session.add(candidate)
    db.session.flush()
    audit.record("candidate.nominate", "scholarship_candidate", candidate.id, by=by,
                 after={"round": found.id, "student": student.id, "nominated_by": unit.code,
                        "eligible": candidate.is_eligible, "score": candidate.score})
    return candidate


def reevaluate(found: Round) -> None:
    """Judge again every candidate nominated under an older version of the program's rules."""
    program = found.program
    for candidate in found.candidates:
        if candidate.rules_version != program.version:
            for key, value in judge(program.rules, program.scoring, candidate.facts).items():
                setattr(candidate, key, value)
            candidate.rules_version = program.version
    db.session.flush()


def preview(found_rounds: list[Round], rule_set, scoring) -> list[dict]:
    """What proposed rules would say of the current candidates, beside what the saved rules say."""
    rows = []
    for found in found_rounds:
        for candidate in found.candidates:
            rows.append({"candidate": candidate,
                         "now": {"is_eligible": candidate.is_eligible, "score": candidate.score},
                         **judge(rule_set, scoring, candidate.facts)})
    return rows

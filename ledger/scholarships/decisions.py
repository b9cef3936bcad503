"""The committee's decision: re-judge on the program's current rules, check the quorum and the money,
then award down the ranking (selection.py) within budget, quota and per-unit quotas, once per child
per school year along the owner's branch of the tree.
"""
from datetime import UTC

from sqlalchemy import or_, select

from ledger.core import audit
from ledger.core.db import utcnow
from ledger.core.errors import InvalidState, OverBudget
from ledger.core.i18n import _
from ledger.core.money import format_vnd
from ledger.extensions import db
from ledger.scholarships import selection
from ledger.scholarships.models import Award, Program, Round
from ledger.scholarships.nominations import reevaluate
from ledger.scholarships.payouts import available_for
from ledger.scholarships.programs import amount_for
from ledger.scholarships.reviews import check_open, tallies
from ledger.scholarships.sponsorships import add_installments
from ledger.units.models import Unit
from ledger.units.services import get_unit, subtree_filter


def decide(found: Round, data: dict, *, by) -> tuple[selection.Selection, list[Award]]:
    check_open(found)  # one decision per round, even when two arrive at once: the second waits, then gets 409
    program = found.program
    reevaluate(found)
    votes = tallies(found)
    check_quorum(found, votes)
    check_budget(found)
    quota_units = [get_unit(code) for code in found.unit_quotas or {}]
    chosen = selection.select_awards(
        [contender(c, program, votes[c.id].vetoed, quota_units) for c in found.candidates],
        budget=found.budget, quota=found.quota, award_amount=program.award_amount,
        unit_quotas=found.unit_quotas or {}, already_awarded=already_awarded(found))
    by_id = {c.id: c for c in found.candidates}
    awards = [record_award(found, by_id[a.candidate_id], a, data, by) for a in chosen.awards]
    found.status, found.decision_number, found.decided_on = ("decided", data["decision_number"].strip(),
                                                             data["decided_on"])
    found.decided_by_id, found.decided_at, found.rules_version = by.id, utcnow(), program.version
    db.session.flush()
    audit.record("round.decide", "scholarship_round", found.id, by=by, before={"status": "open"},
                 after={"status": "decided", "decision_number": found.decision_number, "rules_version": program.version,
                        "awards": [[a.candidate_id, a.amount, a.rank] for a in chosen.awards], "total": chosen.total})
    return chosen, awards


def check_quorum(found: Round, votes) -> None:
    """With a quorum set, every eligible candidate needs that many votes from reviewers not recused."""
    if not found.quorum:
        return
    short = [c.student.full_name for c in found.candidates
             if c.is_eligible and votes[c.id].yes + votes[c.id].no < found.quorum]
    if short:
        raise InvalidState(_("Chưa đủ %(quorum)s ý kiến hội đồng cho: %(names)s.", quorum=found.quorum,
                             names=", ".join(short)))


def check_budget(found: Round) -> None:
    """The round may not promise more than the fund has free (balance less earlier commitments)."""
    db.session.refresh(found.program.fund, with_for_update=True)  # decisions on one fund take turns
    available = available_for(found.program)
    if found.budget > available:
        raise OverBudget(_("Ngân sách đợt xét %(budget)s vượt số quỹ %(fund)s còn dùng được %(available)s.",
                           budget=format_vnd(found.budget), fund=found.program.fund.code,
                           available=format_vnd(max(available, 0))), field="budget")


def quota_unit(unit: Unit, quota_units: list[Unit]) -> str:
    """A unit quota covers its subtree: a school's nomination counts against its commune's places."""
    inside = [quota for quota in quota_units if unit.is_within(quota)]
    return max(inside, key=lambda quota: quota.depth).code if inside else unit.code


def contender(candidate, program: Program, vetoed: bool, quota_units: list[Unit]) -> selection.Contender:
    nominated_at = candidate.nominated_at
    if nominated_at.tzinfo is None:  # SQLite hands back naive UTC
        nominated_at = nominated_at.replace(tzinfo=UTC)
    return selection.Contender(id=candidate.id, student_key=str(candidate.student_id),
                               unit=quota_unit(candidate.nominated_by, quota_units),
                               eligible=candidate.is_eligible, vetoed=vetoed, score=candidate.score,
                               nominated_at=nominated_at, amount=amount_for(program, candidate.score))


def already_awarded(found: Round) -> set[str]:
    """Students awarded this school year by a program of the owner, of a unit below it or above it,
    unless this program allows more than one award."""
    program = found.program
    if program.is_multiple_awards_allowed:
        return set()
    owner = program.owner_unit
    related = select(Unit.id).where(or_(subtree_filter(owner.path), Unit.code.in_(owner.ancestor_codes)))
    students = [c.student_id for c in found.candidates]
    rows = db.session.scalars(select(Award.student_id).join(Program, Award.program_id == Program.id).where(
        Award.school_year == found.school_year, Award.student_id.in_(students),
        Program.owner_unit_id.in_(related)))
    return {str(student_id) for student_id in rows}


def record_award(found: Round, candidate, chosen: selection.Award, data: dict, by) -> Award:
    award = Award(candidate=candidate, round=found, program=found.program, student_id=candidate.student_id,
                  school_year=found.school_year, amount=chosen.amount, rank=chosen.rank,
                  decision_number=data["decision_number"].strip(), decided_on=data["decided_on"], decided_by_id=by.id)
    db.session.add(award)
    add_installments(award)
    return award

"""Payment schedules and multi-year sponsorship (con nuôi khuyến học).

Every award has installments: one for a plain scholarship, nine monthly ones (September to May)
or two by term (September, January) for a sponsorship. A sponsorship is renewed for the next
school year only if the child is still eligible on the new results.
"""
from datetime import date

from sqlalchemy import select

from ledger.core import audit
from ledger.core.errors import Duplicate, InvalidState, NotEligible, OverBudget
from ledger.core.i18n import _
from ledger.core.money import format_vnd
from ledger.extensions import db
from ledger.scholarships.models import Award, Installment
from ledger.scholarships.nominations import judge
from ledger.scholarships.payouts import available_for
from ledger.scholarships.programs import amount_for
from ledger.scholarships.students import attribute_of, next_school_year, record_result

SCHOOL_MONTHS = (9, 10, 11, 12, 1, 2, 3, 4, 5)
TERM_MONTHS = (9, 1)
PAY_DAY = 5
# What a renewal may bring up to date besides the new results.
RENEWAL_FACTS = ("household_status", "household_certificate", "orphan", "disability", "ethnic_minority")


def due_dates(schedule: str, school_year: str, decided_on: date) -> list[date]:
    if schedule == "once":
        return [decided_on]
    first = int(school_year[:4])
    months = SCHOOL_MONTHS if schedule == "monthly" else TERM_MONTHS
    return [date(first if month >= 9 else first + 1, month, PAY_DAY) for month in months]


def split(amount: int, parts: int) -> list[int]:
    """Whole đồng that add up exactly: the remainder goes one đồng at a time to the first parts."""
    parts = max(1, min(parts, amount))
    base, remainder = divmod(amount, parts)
    return [base + (1 if i < remainder else 0) for i in range(parts)]


def add_installments(award: Award) -> list[Installment]:
    dates = due_dates(award.program.schedule, award.school_year, award.decided_on)
    rows = [Installment(award=award, seq=seq, due_on=due, amount=amount)
            for seq, (due, amount) in enumerate(zip(dates, split(award.amount, len(dates))), start=1)]
    db.session.add_all(rows)
    return rows


def years_supported(award: Award) -> int:
    count = 1
    while award.renewal_of is not None:
        award, count = award.renewal_of, count + 1
    return count


def renew_award(award: Award, data: dict, *, by) -> Award:
    """Next school year's award of a sponsorship, judged on the child's new results (else not_eligible)."""
    program, student = award.program, award.student
    db.session.refresh(program.fund, with_for_update=True)  # commitments on one fund take turns
    check_renewable(award, data["school_year"])
    facts = {**award.candidate.facts, **renewed_facts(data),
             "grade": data["grade"], "academic_result": data["academic_result"], "conduct": data["conduct"]}
    verdict = judge(program.rules, program.scoring, facts)
    if not verdict["is_eligible"]:
        failed = [reason["text"] for reason in verdict["reasons"] if not reason["passed"] and reason["needed"]]
        raise NotEligible(_("Em %(name)s không còn đủ điều kiện năm học %(year)s: %(reasons)s.",
                            name=student.full_name, year=data["school_year"], reasons="; ".join(failed)),
                          errors={"reasons": failed})
    amount = amount_for(program, verdict["score"])
    available = available_for(program)
    if amount > available:
        raise OverBudget(_("Quỹ %(fund)s chỉ còn dùng được %(available)s, không đủ %(amount)s.",
                           fund=program.fund.code, available=format_vnd(max(available, 0)),
                           amount=format_vnd(amount)))
    update_student(student, data, facts)
    renewal = Award(candidate=award.candidate, round=award.round, program=program, student=student,
                    school_year=data["school_year"], amount=amount, rank=award.rank,
                    decision_number=(data.get("decision_number") or award.decision_number).strip(),
                    decided_on=data["decided_on"], decided_by_id=by.id, renewal_of=award, reasons=verdict["reasons"])
    db.session.add(renewal)
    add_installments(renewal)
    db.session.flush()
    audit.record("award.renew", "scholarship_award", award.id, by=by,
                 after={"renewal": renewal.id, "school_year": renewal.school_year, "amount": amount})
    return renewal


def renewal_defaults(award: Award) -> dict:
    """What the renewal form proposes: the next school year, a pupil one grade up (12 at most)."""
    grade = award.student.grade
    return {"school_year": next_school_year(award.school_year), "grade": min(grade + 1, 12) if grade else ""}


def check_renewable(award: Award, school_year: str) -> None:
    program = award.program
    if program.kind != "sponsorship":
        raise InvalidState(_("Chỉ con nuôi khuyến học mới được gia hạn theo năm học."))
    if school_year != next_school_year(award.school_year):
        raise InvalidState(_("Gia hạn cho năm học kế tiếp %(year)s.", year=next_school_year(award.school_year)),
                           field="school_year")
    if db.session.scalar(select(Award.id).where(Award.renewal_of_id == award.id)):
        raise Duplicate(_("Suất đỡ đầu này đã được gia hạn cho năm học %(year)s.", year=school_year))
    if program.sponsorship_years and years_supported(award) >= program.sponsorship_years:
        raise InvalidState(_("Chương trình đỡ đầu tối đa %(years)s năm học; suất này đã đủ.",
                             years=program.sponsorship_years))


def renewed_facts(data: dict) -> dict:
    """The RENEWAL_FACTS a renewal brings, by rule field."""
    return {field: data[attribute_of(field)] for field in RENEWAL_FACTS if attribute_of(field) in data}


def update_student(student, data: dict, facts: dict) -> None:
    record_result(student, data["school_year"], {"school": data.get("school") or student.school, **facts})
    for field, value in renewed_facts(data).items():
        setattr(student, attribute_of(field), value)
    student.grade = data["grade"]
    student.school = data.get("school") or student.school

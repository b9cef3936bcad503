"""Scholarship recipients paid in a statement's period, as the public may see them.

An award counts in the statement of the unit that paid it, for the installments paid in the
period (a payment reversed on or before the period end is left out). Only the name (or initials),
school level, grade, program and amount leave this module.
"""
from datetime import date

from sqlalchemy import func, select

from ledger.accounts.balances import scope_condition
from ledger.accounts.queries import reversed_by
from ledger.accounts.treasury.models import Disbursement
from ledger.extensions import db
from ledger.reports import privacy
from ledger.scholarships.models import Award, Candidate, Installment, Program, Student
from ledger.units.models import Unit


def recipients(unit: Unit, start: date, end: date, consolidated: bool) -> list[dict]:
    paid = (select(Installment.award_id, func.sum(Installment.amount).label("amount"))
            .join(Disbursement, Installment.disbursement_id == Disbursement.id)
            .where(scope_condition(unit, consolidated, Disbursement.unit_id, end),
                   Installment.paid_on >= start, Installment.paid_on <= end,
                   ~reversed_by(Disbursement.transaction_id, end))
            .group_by(Installment.award_id).subquery())
    rows = db.session.execute(
        select(Student.full_name, Student.school, Student.grade, Student.is_publish_consented, Candidate.facts,
               Program.name, paid.c.amount)
        .join(Award, Award.id == paid.c.award_id)
        .join(Student, Award.student_id == Student.id)
        .join(Candidate, Award.candidate_id == Candidate.id)
        .join(Program, Award.program_id == Program.id)).all()
    lines = [privacy.recipient_entry(full_name=name, school=school, grade=(facts or {}).get("grade") or grade,
                                     consent=consent, program=program, amount=int(amount))
             for name, school, grade, consent, facts, program, amount in rows]
    return sorted(lines, key=lambda line: (line["program"], line["display_name"], -line["amount"]))

"""Paying awards: one posted disbursement (phiếu chi, category scholarship) per payment, from the
program's fund in its owner's books, approved by whoever decided the award. Unpaid installments of
decided awards are the fund's commitments.
"""
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ledger.accounts.balances import fund_position
from ledger.accounts.models import Fund
from ledger.accounts.treasury.services.disbursements import record_approved_disbursement
from ledger.core import audit
from ledger.core.errors import InvalidState, StateChanged
from ledger.core.i18n import _, _l
from ledger.core.state import claim
from ledger.extensions import db
from ledger.scholarships.models import Award, Installment, Program, Round
from ledger.scholarships.programs import get_row
from ledger.units.models import Unit

# What a payment that lost the race finds: every installment paid, or the one it meant to pay.
AWARD_STATES = {"paid": _l("đã chi đủ"), "decided": _l("đã chi một phần")}


def get_award(award_id) -> Award:
    return get_row(Award, award_id, _("Không có suất học bổng %(id)s.", id=award_id))


def committed_in(fund: Fund, unit: Unit) -> int:
    """What decided awards of the unit's programs still owe from its part of the fund."""
    return int(db.session.scalar(
        select(func.coalesce(func.sum(Installment.amount), 0))
        .join(Award, Installment.award_id == Award.id).join(Program, Award.program_id == Program.id)
        .where(Program.fund_id == fund.id, Program.owner_unit_id == unit.id,
               Installment.disbursement_id.is_(None))) or 0)


def committed(fund: Fund) -> int:
    """The commitments in the fund owner's books (registered in balances.commitment_sources, which
    asks per fund: a program of a lower unit spending its own part of a shared fund is not in it)."""
    return committed_in(fund, fund.owner_unit)


def available_for(program: Program) -> int:
    """What the program's owner may still promise from its part of the fund."""
    owner = program.owner_unit
    return fund_position(program.fund, owner)["balance"] - committed_in(program.fund, owner)


def next_installment(award: Award) -> Installment | None:
    return next((i for i in award.installments if i.disbursement_id is None), None)


def claim_installment(award: Award, seq: int | None = None) -> Installment:
    """Payments of one award take turns: lock its row, read its installments afresh, and go on only
    if the one to pay (the next, or installment `seq`) is still unpaid; else 409 invalid_state."""
    def owed(found: Award) -> bool:
        db.session.scalars(select(Installment).where(Installment.award_id == found.id)
                           .execution_options(populate_existing=True)).all()
        wanted = next_installment(found) if seq is None else found.installments[seq - 1]
        return wanted is not None and wanted.disbursement_id is None
    claim(award, owed, label=AWARD_STATES.get)
    return next_installment(award)


def pay_award(award: Award, data: dict, *, by, seq: int | None = None):
    """Pay the award's next installment (the whole award when it has one); the ceremony names the first."""
    installment = claim_installment(award, seq)
    program, student = award.program, award.student
    memo = _("Chi %(program)s năm học %(year)s cho em %(name)s (QĐ số %(number)s)",
             program=program.name, year=award.school_year, name=student.full_name, number=award.decision_number)
    if len(award.installments) > 1:
        memo += _(", kỳ %(seq)s/%(count)s", seq=installment.seq, count=len(award.installments))
    payee = {"name": student.full_name}
    if student.guardian_name:
        payee["representative"] = student.guardian_name
    disbursement = record_approved_disbursement(
        program.owner_unit, {"date": data["date"], "amount": installment.amount, "method": data["method"],
                             "fund": program.fund.code, "category": "scholarship", "payee": payee, "memo": memo},
        by=by, approved_by=award.decided_by)
    # Ids, not relationships: next_installment() must see this payment before the next flush.
    installment.disbursement_id, installment.paid_on = disbursement.id, data["date"]
    award.disbursement_id = disbursement.id
    if next_installment(award) is None:
        award.status = "paid"
    db.session.flush()
    audit.record("award.pay", "scholarship_award", award.id, by=by,
                 after={"installment": installment.seq, "disbursement": disbursement.id, "number": disbursement.number})
    return disbursement


def round_awards(found: Round) -> list[Award]:
    """The awards the round's decision made (renewals in later years are paid on their own)."""
    return db.session.scalars(
        select(Award).where(Award.round_id == found.id, Award.school_year == found.school_year)
        .options(selectinload(Award.student), selectinload(Award.candidate),
                 selectinload(Award.installments).selectinload(Installment.disbursement))
        .order_by(Award.rank)).all()


def round_figures(found: Round) -> dict:
    """What the round page shows: its awards by candidate, their total and how many candidates qualify."""
    awards = {award.candidate_id: award for award in round_awards(found)}
    return {"awards": awards, "awarded_total": sum(award.amount for award in awards.values()),
            "eligible_count": sum(candidate.is_eligible for candidate in found.candidates)}


def pay_ceremony(found: Round, data: dict, *, by) -> list:
    """At the ceremony: one disbursement per recipient not paid yet (a sponsorship's first installment);
    all of them or none."""
    if found.status != "decided":
        raise InvalidState(_("Đợt xét chưa có quyết định; chưa chi được."))
    waiting = [award for award in round_awards(found) if award.installments[0].disbursement_id is None]
    if not waiting:  # a second ceremony, or the loser of two at once
        raise StateChanged(_("Mọi suất học bổng của đợt này đã được chi."))
    return [pay_award(award, data, by=by, seq=1) for award in waiting]


def signoff_rows(found: Round) -> list[dict]:
    """The sign-off list: each recipient with what the ceremony pays (the first installment)."""
    rows = []
    for award in round_awards(found):
        first = award.installments[0]
        rows.append({"award": award, "student": award.student, "candidate": award.candidate, "amount": first.amount,
                     "number": first.disbursement.number if first.disbursement else None})
    return rows

"""What waits for the signed-in user ("Việc cần làm"): for each kind of task the user may act on, how many there
are per unit of their subtrees. One GROUP BY query per kind whatever the tree size, never one per unit."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Date, Integer, and_, case, distinct, exists, func, literal, or_, select, true, union_all

from ledger.accounts.banking.models import BankAccount, BankStatementLine
from ledger.accounts.campaigns.models import Campaign, Pledge
from ledger.accounts.models import Entry, Fund, MonthlyBalance
from ledger.accounts.treasury.models import Disbursement, Receipt
from ledger.core import permissions
from ledger.core.dates import VN, vn_today
from ledger.extensions import db
from ledger.inspection.services import findings_by_unit
from ledger.learning.models import Assessment, Registration
from ledger.reports import disclosure, rollup
from ledger.reports.models import FundStatement, PeriodicReport
from ledger.scholarships.models import Candidate, Program, Review, ReviewerAssignment, Round
from ledger.units.models import Unit
from ledger.units.services import subtree_filter

ROWS_PER_KIND = 30  # a province's approver sees the first units by path; the link lists the rest


@dataclass(frozen=True)
class Task:
    """`count` things of one `kind` waiting in `unit` (or in one round), and where to act on them."""
    kind: str
    count: int
    unit: Unit | None = None
    subject: object = None  # the round, the campaign, the bank account… when the link goes to one
    late: bool = False


def tasks_for(user, today: date | None = None) -> list[Task]:
    today = today or vn_today()
    found: list[Task] = []
    for action, counters in COUNTERS:
        paths = subtree_paths(user, action)
        if paths:
            for counter in counters:
                found += counter(paths, user, today)[:ROWS_PER_KIND]
    return found


def subtree_paths(user, action: str) -> list[str]:
    """The paths of the units at the top of where the user may do `action` (every root for a global grant)."""
    granted = [unit for unit, role in user.unit_roles if role in permissions.ACTIONS[action]]
    if None in granted:
        return [root.path for root in permissions.unit_tree["roots"]()]
    tops: list[Unit] = []
    for unit in sorted(granted, key=lambda unit: unit.path):
        if not any(unit.is_within(top) for top in tops):
            tops.append(unit)
    return [unit.path for unit in tops]


def within(paths: list[str]):
    return or_(*(subtree_filter(path) for path in paths))


def per_unit(kind: str, counted) -> list[Task]:
    """(Unit, count) rows of a grouped query → tasks."""
    return [Task(kind, count, unit=unit) for unit, count in db.session.execute(counted)]


# ---- one counter per kind of task --------------------------------------------------------------

def payments_to_approve(paths, user, today) -> list[Task]:
    """Payment vouchers waiting for approval that this user did not make (maker-checker)."""
    counted = (select(Unit, func.count(Disbursement.id)).join(Disbursement, Disbursement.unit_id == Unit.id)
               .where(Disbursement.status == "pending_approval", Disbursement.created_by_id.is_distinct_from(user.id),
                      within(paths)).group_by(Unit.id).order_by(Unit.path))
    return per_unit("approve_payments", counted)


def rounds_to_decide(paths, user, today) -> list[Task]:
    """Open rounds whose nominations have closed, of programs owned in the subtree."""
    counted = (select(Round, func.count(Candidate.id)).join(Program, Round.program_id == Program.id)
               .join(Unit, Program.owner_unit_id == Unit.id).outerjoin(Candidate, Candidate.round_id == Round.id)
               .where(Round.status == "open", Round.nominations_close_on < today, within(paths))
               .group_by(Round.id).order_by(Round.nominations_close_on))
    return [Task("decide_rounds", count, unit=round_.program.owner_unit, subject=round_)
            for round_, count in db.session.execute(counted)]


def candidates_to_review(paths, user, today) -> list[Task]:
    """Candidates of open rounds the user sits on as a reviewer and has not yet given a word on."""
    reviewed = exists().where(Review.candidate_id == Candidate.id, Review.reviewer_id == user.id)
    counted = (select(Round, func.count(Candidate.id)).join(Candidate, Candidate.round_id == Round.id)
               .join(ReviewerAssignment, and_(ReviewerAssignment.round_id == Round.id,
                                              ReviewerAssignment.user_id == user.id))
               .where(Round.status == "open", ~reviewed).group_by(Round.id).order_by(Round.id))
    return [Task("review_candidates", count, unit=round_.program.owner_unit, subject=round_)
            for round_, count in db.session.execute(counted)]


def months_not_closed(paths, user, today) -> list[Task]:
    """Units with books whose last month (or more) is not closed: the count is the months left open."""
    last_month_end = today.replace(day=1) - timedelta(days=1)
    rows = db.session.execute(select(Unit, func.min(Entry.dated_on)).join(Entry, Entry.unit_id == Unit.id)
                              .where(or_(Unit.closed_through.is_(None),
                                                    Unit.closed_through < last_month_end), within(paths))
                              .group_by(Unit.id).order_by(Unit.path))
    return [Task("close_months", months_between(unit.closed_through or first, last_month_end), unit=unit)
            for unit, first in rows]


def months_between(closed: date, last_month_end: date) -> int:
    """Months after the one `closed` falls in, through last month (at least 1: there is something to close)."""
    return max(1, (last_month_end.year - closed.year) * 12 + last_month_end.month - closed.month)


def reports_due(paths, user, today) -> list[Task]:
    """Units (not roots) that have not sent up the report of the last ended quarter; late once past the deadline."""
    period = rollup.last_closed_period("quarterly", today)
    start, end = rollup.period_bounds("quarterly", period)
    sent = exists().where(PeriodicReport.unit_id == Unit.id, PeriodicReport.kind == "quarterly",
                          PeriodicReport.period_start == start)
    due = rollup.deadline("quarterly", end)
    units = db.session.scalars(select(Unit).where(Unit.parent_id.is_not(None), Unit.status == "active", ~sent,
                                                  exists().where(Entry.unit_id == Unit.id), within(paths))
                               .order_by(Unit.path))
    return [Task("send_reports", 1, unit=unit, subject=period, late=today > due) for unit in units]


def disclosures_due(paths, user, today) -> list[Task]:
    """Units owing the charity-fund regime a public statement (reports.disclosure's calendar): per unit, the ended
    quarters and years of the last two years with no published statement; late once one is past its due day.
    A fund counts from its creation or first movement, as on the unit's calendar."""
    periods = periods_owed(today)
    published = exists().where(FundStatement.unit_id == Unit.id, FundStatement.status == "published",
                               FundStatement.period_start == periods.c.starts,
                               FundStatement.period_end == periods.c.ends)
    moved = exists().where(MonthlyBalance.fund_id == Fund.id, MonthlyBalance.month <= periods.c.ends)
    counted = (select(Unit, func.count(distinct(periods.c.n)), func.max(case((periods.c.due_on < today, 1), else_=0)))
               .join(Fund, and_(Fund.owner_unit_id == Unit.id, Fund.regime == "charity_fund")).join(periods, true())
               .where(or_(Fund.created_at < periods.c.ends_at, moved), ~published, within(paths))
               .group_by(Unit.id).order_by(Unit.path))
    return [Task("publish_disclosures", count, unit=unit, late=bool(late))
            for unit, count, late in db.session.execute(counted)]


def periods_owed(today: date):
    """The regime's ended periods as a small table of literals (n, starts, ends, due_on, ends_at), joined in SQL
    rather than queried once per period; ends_at is the first moment after the period in Vietnam."""
    rows = [select(literal(n, Integer).label("n"), literal(start, Date).label("starts"),
                   literal(end, Date).label("ends"),
                   literal(end + timedelta(days=disclosure.due_days(kind)), Date).label("due_on"),
                   literal(datetime.combine(end + timedelta(days=1), time(), VN),
                           Fund.created_at.type).label("ends_at"))
            for n, (kind, start, end) in enumerate(disclosure.periods_due(date(today.year - 2, 1, 1), today))]
    return union_all(*rows).subquery("periods")


def bank_lines_unmatched(paths, user, today) -> list[Task]:
    counted = (select(BankAccount, func.count(BankStatementLine.id))
               .join(BankStatementLine, BankStatementLine.bank_account_id == BankAccount.id)
               .join(Unit, BankAccount.unit_id == Unit.id)
               .where(BankStatementLine.status != "matched", within(paths)).group_by(BankAccount.id)
               .order_by(BankAccount.id))
    return [Task("match_bank_lines", count, unit=account.unit, subject=account)
            for account, count in db.session.execute(counted)]


def pledges_due(paths, user, today) -> list[Task]:
    """Pledges due by today that receipts have not yet fulfilled, per campaign and unit."""
    paid = (select(func.coalesce(func.sum(Receipt.amount), 0)).where(Receipt.pledge_id == Pledge.id)
            .correlate(Pledge).scalar_subquery())
    counted = (select(Campaign, Unit, func.count(Pledge.id)).join(Pledge, Pledge.campaign_id == Campaign.id)
               .join(Unit, Pledge.unit_id == Unit.id)
               .where(Pledge.due_on <= today, Pledge.amount > paid, within(paths))
               .group_by(Campaign.id, Unit.id).order_by(Unit.path))
    return [Task("collect_pledges", count, unit=unit, subject=campaign)
            for campaign, unit, count in db.session.execute(counted)]


def assessments_pending(paths, user, today) -> list[Task]:
    """Subjects registered for this year's learning titles and not yet assessed (bình xét)."""
    assessed = exists().where(Assessment.subject_id == Registration.subject_id, Assessment.year == Registration.year)
    counted = (select(Unit, func.count(Registration.id)).join(Registration, Registration.unit_id == Unit.id)
               .where(Registration.year == today.year, ~assessed, within(paths)).group_by(Unit.id)
               .order_by(Unit.path))
    return per_unit("assess_subjects", counted)


def findings_to_answer(paths, user, today) -> list[Task]:
    return [Task("answer_findings", count, unit=unit) for unit, count in findings_by_unit(paths, ("open",))]


def findings_to_close(paths, user, today) -> list[Task]:
    return [Task("close_findings", count, unit=unit) for unit, count in findings_by_unit(paths, ("answered",))]


# (the action the user needs somewhere, the counters it opens), in the order the page lists them
COUNTERS = (
    ("approve", (payments_to_approve, rounds_to_decide)),
    ("review", (candidates_to_review,)),
    ("answer", (findings_to_answer,)),
    ("inspect", (findings_to_close,)),
    ("close", (months_not_closed,)),
    ("post", (reports_due, disclosures_due, bank_lines_unmatched, pledges_due)),
    ("assess", (assessments_pending,)),
)

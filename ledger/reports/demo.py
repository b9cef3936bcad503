"""Demo step: close the books of Sơn La, Bình Lư and Bồ Đề through yesterday, publish their
consolidated statements for the year so far, send some quarterly reports up the tree, and the Sơn La
communes' 2025 emulation reports (báo cáo thi đua, due 15/11/2025 by seed 004's plan); the Tô Hiệu fund's
bank account for the portal's gift QR.

Idempotent: a period already published or reported is left as it is.
"""
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from ledger.accounts.banking.services.bank_accounts import set_fund_payment_details
from ledger.accounts.services import close_books, get_fund
from ledger.core.dates import vn_today
from ledger.extensions import db
from ledger.reports import rollup, services
from ledger.reports.emulation import EMULATION
from ledger.reports.models import FundStatement
from ledger.units.models import Unit
from ledger.units.services import subtree_filter

PUBLISHERS = {"SL": ("thuquy.sonla", "chutich.sonla"), "Xã Bình Lư": ("thuquy.binhlu", "chutich.binhlu"),
              "Phường Bồ Đề": ("thuquy.bode", "chutich.bode")}


def demo_period(today: date) -> tuple[date, date]:
    """From 1 January to yesterday: the treasury demo posts over the last month (in January, from last year)."""
    end = today - timedelta(days=1)
    return date(end.year if end.month > 1 else end.year - 1, 1, 1), end


# A sample account, not a real one: the province's Tô Hiệu fund takes transfers, so the portal's campaign
# page offers a VietQR for the amount a citizen types.
TOHIEU_TRANSFERS = {"bank_bin": "970405", "bank_account": "7900201012345", "memo_code": "TOHIEU",
                    "bank_account_name": "HOI KHUYEN HOC TINH SON LA"}


def load(ctx: dict) -> None:
    tohieu = get_fund("TOHIEU")
    if tohieu.bank_account is None:
        set_fund_payment_details(tohieu, TOHIEU_TRANSFERS)
    start, end = demo_period(vn_today())
    for place, (maker, checker) in PUBLISHERS.items():
        unit = ctx["units"][place]
        close_subtree(unit, end, by=ctx["users"][maker])
        publish_once(unit, start, end, maker=ctx["users"][maker], checker=ctx["users"][checker])
    report_quarter(ctx["units"]["Phường Bồ Đề"], ctx["users"]["thuquy.bode"])
    report_quarter(ctx["units"]["Xã Bình Lư"], ctx["users"]["thuquy.binhlu"])
    report_emulation(ctx["users"]["thuquy.sonla"])


# Sơn La's 2025 emulation reports: commune → when it was sent (UTC; 9:00–16:00 in Vietnam). Three on time, xã
# Mường La five days late; xã Chiềng La (SL-03754) and xã Mai Sơn (SL-04105) have not reported.
EMULATION_SENT = {"SL-03646": datetime(2025, 11, 10, 2, 30, tzinfo=UTC),   # phường Tô Hiệu
                  "SL-03667": datetime(2025, 11, 13, 8, 15, tzinfo=UTC),   # phường Chiềng An
                  "SL-03980": datetime(2025, 11, 14, 3, 0, tzinfo=UTC),    # phường Mộc Châu
                  "SL-03808": datetime(2025, 11, 20, 7, 45, tzinfo=UTC)}   # xã Mường La (late)


def report_emulation(treasurer) -> None:
    """The reports are sent now (the year's registry and plan are in the database now), then dated back to
    the days they were sent: a demo of history, the only place where a report's sending time is set by hand."""
    for code, sent in EMULATION_SENT.items():
        unit = db.session.scalar(select(Unit).where(Unit.code == code))
        if unit is not None and rollup.own_report(unit, EMULATION, "2025") is None:
            report = rollup.submit_report(unit, {"kind": EMULATION, "period": "2025"}, by=treasurer)
            report.submitted_at = sent
    db.session.flush()


def close_subtree(unit: Unit, through: date, *, by) -> None:
    """Khóa sổ in every active unit of the subtree that is not closed that far yet."""
    pending = db.session.scalars(select(Unit).where(subtree_filter(unit.path), Unit.status == "active")
                                 .order_by(Unit.path)).all()
    for member in pending:
        if member.closed_through is None or member.closed_through < through:
            close_books(member, through, by=by)


def publish_once(unit: Unit, start: date, end: date, *, maker, checker) -> None:
    published = db.session.scalar(select(FundStatement.id).where(
        FundStatement.unit_id == unit.id, FundStatement.period_start == start, FundStatement.period_end == end,
        FundStatement.is_consolidated.is_(True), FundStatement.status == "published"))
    if published is None:
        draft = services.create_statement(unit, {"period_start": start, "period_end": end, "consolidated": True},
                                          by=maker)
        services.publish_statement(draft, {}, by=checker)


def report_quarter(commune: Unit, treasurer) -> None:
    """The commune and half of its branches report the last quarter; the others are shown as late."""
    period = rollup.last_closed_period("quarterly")
    branches = db.session.scalars(select(Unit).where(Unit.parent_id == commune.id).order_by(Unit.code)).all()
    for unit in [commune, *branches[: len(branches) // 2]]:
        if rollup.own_report(unit, "quarterly", period) is None:
            rollup.submit_report(unit, {"kind": "quarterly", "period": period}, by=treasurer)

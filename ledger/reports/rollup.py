"""Reports up the tree (báo cáo định kỳ): each unit sends its consolidated figures for a month,
quarter or year to its parent; the parent marks them received and sees who is late.

The reporting year is the association's emulation year (by default 1/11 to 31/10, due 15/11);
deadlines are days after the period's end, all configurable. The emulation report (kind "emulation",
emulation.py) covers a plan's calendar year, may be sent before it ends and is due on the plan's report_due.
"""
import re
from datetime import date, timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from ledger.accounts.posting import lock_units, post_anchor
from ledger.core import audit
from ledger.core.dates import next_month, vn_today
from ledger.core.db import utcnow
from ledger.core.errors import Duplicate, InvalidState, NotFound, ValidationFailed
from ledger.core.i18n import _
from ledger.core.inputs import get_by_id
from ledger.core.schemas import YEAR_PATTERN
from ledger.core.state import claim
from ledger.extensions import db
from ledger.reports import emulation
from ledger.reports.emulation import EMULATION
from ledger.reports.figures import period_figures
from ledger.reports.models import ChainAnchor, PeriodicReport
from ledger.units.models import Unit

PERIOD_PATTERN = rf"^{YEAR_PATTERN}(-(0[1-9]|1[0-2]|Q[1-4]))?$"  # years MIN_YEAR..MAX_YEAR
DEFAULT_DUE_DAYS = {"monthly": 10, "quarterly": 15, "yearly": 15}
DEFAULT_YEAR_END_MONTH = 10  # the emulation year closes on 31/10: the yearly report is due 15/11


def period_bounds(kind: str, period: str) -> tuple[date, date]:
    """"2026-03" (monthly), "2026-Q1" (quarterly), "2026" (yearly; emulation: 1/1–31/12) → first and last day."""
    match = re.fullmatch(PERIOD_PATTERN, period or "")
    expected = {"monthly": r"\d{4}-\d{2}", "quarterly": r"\d{4}-Q\d", "yearly": r"\d{4}", EMULATION: r"\d{4}"}[kind]
    if not match or not re.fullmatch(expected, period):
        raise ValidationFailed(field="period", message=_(
            "Kỳ báo cáo không hợp lệ: tháng viết 2026-03, quý viết 2026-Q1, năm viết 2026."))
    year = int(period[:4])
    if kind == EMULATION:  # the plan's calendar year
        return emulation.year_bounds(year)
    if kind == "monthly":
        start = date(year, int(period[5:]), 1)
        return start, next_month(start) - timedelta(days=1)
    if kind == "quarterly":
        start = date(year, 3 * int(period[6]) - 2, 1)
        return start, next_month(next_month(next_month(start))) - timedelta(days=1)
    end_month = current_app.config.get("LEDGER_REPORT_YEAR_END_MONTH", DEFAULT_YEAR_END_MONTH)
    end = next_month(date(year, end_month, 1)) - timedelta(days=1)
    after = end + timedelta(days=1)
    return after.replace(year=after.year - 1), end


def deadline(kind: str, period_end: date, parent: Unit | None = None) -> date:
    """When a period's reports are due at `parent`: days after the period's end; the emulation report on the
    parent's plan's report_due, else 15/12."""
    if kind == EMULATION:
        return emulation.due_on(parent, period_end.year)
    days = {**DEFAULT_DUE_DAYS, **current_app.config.get("LEDGER_REPORT_DUE_DAYS", {})}[kind]
    return period_end + timedelta(days=days)


def submit_report(unit: Unit, data: dict, *, by=None) -> PeriodicReport:
    """The unit's figures, consolidated over its subtree with inter-unit pairs eliminated, sent up; the
    parent's books record the unit's chain head (see anchor_in_parent). The emulation report may be sent
    before its year ends: it carries the plan's progress so far, frozen (emulation.content)."""
    if unit.parent is None:
        raise InvalidState(_("Đơn vị cấp cao nhất không có cấp trên để gửi báo cáo."))
    start, end = period_bounds(data["kind"], data["period"])
    today = vn_today()
    if data["kind"] == EMULATION and start > today:
        raise InvalidState(_("Năm thi đua %(year)s chưa bắt đầu.", year=start.year))
    if data["kind"] != EMULATION and end >= today:
        raise InvalidState(_("Kỳ báo cáo chưa kết thúc (đến hết ngày %(date)s).", date=end.strftime("%d/%m/%Y")))
    # Both chains locked in the posting service's order: two submitters of one period queue here and the
    # second finds the first's report; the head read is the one the figures below come from.
    heads = lock_units(sorted({unit.id, unit.parent_id}))
    if own_report(unit, data["kind"], data["period"]) is not None:
        raise Duplicate(_("Đơn vị đã gửi báo cáo kỳ này."), field="period")
    through = min(end, today)
    figures = emulation.content(unit, start.year, today) if data["kind"] == EMULATION else period_figures(
        unit, start, end, True)
    content = {**figures, "books_closed": bool(unit.closed_through and unit.closed_through >= through)}
    report = PeriodicReport(unit=unit, parent=unit.parent, kind=data["kind"], period_start=start, period_end=end,
                            content=content, note=(data.get("note") or "").strip(),
                            submitted_by_id=getattr(by, "id", None))
    db.session.add(report)
    db.session.flush()
    anchor_in_parent(report, heads[unit.id], by=by)
    audit.record("report.submit", "periodic_report", report.id, by=by,
                 after={"unit": unit.code, "kind": report.kind, "period_start": start.isoformat()})
    return report


def anchor_in_parent(report: PeriodicReport, head: dict, *, by=None) -> None:
    """An entry in the parent's chain names the unit's head (ChainAnchor): rewriting the unit's history up
    to this report then means rewriting the parent's books too. A unit with no entries has nothing to anchor."""
    if not head["length"]:
        return
    with force_locale("vi"):  # the memo is hashed into the parent's books: one language for ever
        memo = _("Mốc sổ của %(unit)s khi gửi báo cáo %(period)s: bút toán thứ %(index)s",
                 unit=report.unit.name, period=period_name(report.kind, report.period_start), index=head["length"])
    entry_id = post_anchor(report.parent, (report.unit.code, head["length"], head["head"]), memo=memo, by=by)
    db.session.add(ChainAnchor(unit_id=report.unit_id, chain_index=head["length"], hash=head["head"],
                               entry_id=entry_id, report_id=report.id))
    db.session.flush()


def get_report(report_id) -> PeriodicReport:
    report = get_by_id(PeriodicReport, report_id)
    if report is None:
        raise NotFound(_("Không có báo cáo định kỳ %(id)s.", id=report_id))
    return report


def receive_report(report: PeriodicReport, *, by=None) -> PeriodicReport:
    claim(report, ("submitted",), label=lambda status: _("đã nhận") if status == "received" else status)
    report.status, report.received_at, report.received_by_id = "received", utcnow(), getattr(by, "id", None)
    db.session.flush()
    audit.record("report.receive", "periodic_report", report.id, by=by, after={"status": "received"})
    return report


def own_report(unit: Unit, kind: str, period: str) -> PeriodicReport | None:
    start, _end = period_bounds(kind, period)
    return db.session.scalar(select(PeriodicReport).where(PeriodicReport.unit_id == unit.id,
                                                          PeriodicReport.kind == kind,
                                                          PeriodicReport.period_start == start))


def period_name(kind: str, start: date) -> str:
    """The inverse of period_bounds: the first day of a period → "2026-03", "2026-Q1" or "2026"."""
    if kind == "monthly":
        return f"{start.year}-{start.month:02d}"
    if kind == "quarterly":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str((start.replace(year=start.year + 1) - timedelta(days=1)).year)


def children_status(parent: Unit, kind: str, period: str) -> dict:
    """Each active child unit: submitted, received, or missing (overdue once the deadline has passed)."""
    start, end = period_bounds(kind, period)
    due = deadline(kind, end, parent)
    late = vn_today() > due
    children = db.session.scalars(select(Unit).where(Unit.parent_id == parent.id, Unit.status == "active")
                                  .order_by(Unit.code)).all()
    reports = {r.unit_id: r for r in db.session.scalars(select(PeriodicReport).where(
        PeriodicReport.parent_id == parent.id, PeriodicReport.kind == kind, PeriodicReport.period_start == start))}
    rows = []
    for child in children:
        report = reports.get(child.id)
        rows.append({"unit": child.code, "name": child.name, "status": report.status if report else "missing",
                     "report_id": report.id if report else None,
                     "submitted_at": report.submitted_at if report else None, "overdue": report is None and late,
                     "late": emulation.is_late(report, due)})
    return {"unit": parent.code, "kind": kind, "period_start": start, "period_end": end, "deadline": due,
            "children": rows, "missing": [row["unit"] for row in rows if row["overdue"]]}


def last_closed_period(kind: str, today: date | None = None) -> str:
    """The most recent period of this kind that has ended: what is being reported now."""
    today = today or vn_today()
    if kind == EMULATION:  # reported during its own year
        return str(today.year)
    last_month = today.replace(day=1) - timedelta(days=1)
    if kind == "monthly":
        return f"{last_month.year}-{last_month.month:02d}"
    if kind == "quarterly":
        quarter_end = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1) - timedelta(days=1)
        return f"{quarter_end.year}-Q{(quarter_end.month - 1) // 3 + 1}"
    end_month = current_app.config.get("LEDGER_REPORT_YEAR_END_MONTH", DEFAULT_YEAR_END_MONTH)
    return str(today.year if today.month > end_month else today.year - 1)

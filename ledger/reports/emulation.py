"""The emulation report (báo cáo thi đua): a unit's plan progress for a calendar year, frozen when it is sent up
together with its money figures; the parent compares its children side by side, ranks them and sends the
consolidated report on (A4 PDF, XLSX).

Ranking: most targets met first, then the share of the targets reached (the mean of each indicator's percent,
each capped at 100 so one target far exceeded does not hide another missed), then the unit's code.
"""
import io
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from ledger.core.dates import VN, vn_today
from ledger.core.export import xlsx_cells
from ledger.core.i18n import _
from ledger.core.pdf import render_pdf
from ledger.extensions import db
from ledger.learning.plans.services import plan_for, progress
from ledger.reports.figures import period_figures
from ledger.reports.models import PeriodicReport
from ledger.units.models import Unit

EMULATION = "emulation"
DEFAULT_DUE = (12, 15)  # without a plan's report_due the emulation report is due 15/12
NOT_RAISED = ("transfer_in", "fund_balance")  # receipts that are not money raised in the year


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def due_on(parent: Unit, year: int) -> date:
    """When the children's reports are due at `parent`: its plan's report_due, else 15/12 of the year."""
    plan = plan_for(parent, year)
    return plan.report_due if plan is not None and plan.report_due else date(year, *DEFAULT_DUE)


def plain(value):
    """Progress as JSON keeps it: Decimal → int when whole else float, dates → ISO, recursively."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def indicator_rows(plan, measured: dict | None) -> list[dict]:
    """The progress's indicators with the plan's names (progress may not carry them)."""
    if plan is None or measured is None:
        return []
    names = {indicator.code: indicator.name for indicator in plan.indicators}
    return [{**plain(row), "name": row.get("name") or names.get(row["code"], row["code"])}
            for row in measured["indicators"]]


def summary(indicators: list[dict]) -> dict:
    """Targets met and the share of targets reached (mean percent, each capped at 100, one decimal)."""
    shares = [min(float(row["percent"]), 100.0) if row.get("percent") is not None else (100.0 if row["met"] else 0.0)
              for row in indicators]
    return {"met_count": sum(1 for row in indicators if row["met"]), "indicator_count": len(indicators),
            "reached": round(sum(shares) / len(shares), 1) if shares else 0.0}


def raised(figures: dict) -> int:
    return sum(amount for key, amount in figures["receipts_by_category"].items() if key not in NOT_RAISED)


def content(unit: Unit, year: int, today: date | None = None, *, plan=None) -> dict:
    """What a unit's emulation report carries: the progress of the plan it answers to (the parent's, or the
    nearest above) measured at the unit with its own targets, and its consolidated money of the year so far."""
    start, end = year_bounds(year)
    through = min(today or vn_today(), end)
    plan = plan if plan is not None else plan_for(unit.parent or unit, year)
    measured = progress(plan, unit) if plan is not None else None
    indicators = indicator_rows(plan, measured)
    figures = period_figures(unit, start, through, True)
    return {"year": year, "through": through.isoformat(), "unit": unit.code, "unit_name": unit.name,
            "plan": {"id": plan.id, "name": plan.name, "unit": plan.unit.code,
                     "report_due": plain(plan.report_due)} if plan is not None else None,
            "indicators": indicators, **summary(indicators),
            "by_unit": plain(measured.get("by_unit", [])) if measured else [],
            **figures, "raised": raised(figures)}


def vn_date(moment: datetime) -> date:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(VN).date()


def is_late(report: PeriodicReport | None, due: date) -> bool:
    return report is not None and vn_date(report.submitted_at) > due


def rank_key(row: dict):
    return (-row["met_count"], -row["reached"], row["unit"])


def ranked(rows: list[dict]) -> list[dict]:
    """Reported children ranked (1, 2, …); the ones that have not reported follow, unranked, by code."""
    reported = sorted((row for row in rows if row["reported"]), key=rank_key)
    for position, row in enumerate(reported, start=1):
        row["rank"] = position
    return reported + sorted((row for row in rows if not row["reported"]), key=lambda row: row["unit"])


def child_row(child: Unit, report: PeriodicReport | None, due: date, today: date) -> dict:
    frozen = report.content if report is not None else {}
    return {"unit": child.code, "name": child.name, "reported": report is not None, "rank": None,
            "status": report.status if report else "missing", "report_id": report.id if report else None,
            "submitted_at": report.submitted_at if report else None, "late": is_late(report, due),
            "overdue": report is None and today > due,
            "met_count": frozen.get("met_count", 0), "indicator_count": frozen.get("indicator_count", 0),
            "reached": frozen.get("reached", 0.0), "raised": frozen.get("raised", 0),
            "indicators": {row["code"]: row for row in frozen.get("indicators", [])}}


def columns_of(plan, rows: list[dict]) -> list[dict]:
    """The table's indicator columns: the plan's, then any a frozen report carries that the plan no longer has."""
    columns = {indicator.code: {"code": indicator.code, "name": indicator.name, "measure": indicator.measure}
               for indicator in (plan.indicators if plan is not None else [])}
    for row in rows:
        for code, item in row["indicators"].items():
            columns.setdefault(code, {"code": code, "name": item.get("name", code), "measure": item.get("measure")})
    return list(columns.values())


def board(parent: Unit, year: int, today: date | None = None) -> dict:
    """Every active child's frozen report side by side, ranked; who has not reported; the parent's whole."""
    today = today or vn_today()
    start, _end = year_bounds(year)
    due, plan = due_on(parent, year), plan_for(parent, year)
    children = db.session.scalars(select(Unit).where(Unit.parent_id == parent.id, Unit.status == "active")
                                  .order_by(Unit.code)).all()
    reports = {r.unit_id: r for r in db.session.scalars(select(PeriodicReport).where(
        PeriodicReport.parent_id == parent.id, PeriodicReport.kind == EMULATION, PeriodicReport.period_start == start))}
    rows = ranked([child_row(child, reports.get(child.id), due, today) for child in children])
    return {"unit": parent.code, "name": parent.name, "year": year, "deadline": due, "today": today,
            "plan": {"id": plan.id, "name": plan.name, "unit": plan.unit.code} if plan is not None else None,
            "columns": columns_of(plan, rows), "children": rows,
            "not_reported": [row["unit"] for row in rows if not row["reported"]],
            "missing": [row["unit"] for row in rows if row["overdue"]],
            "late": [row["unit"] for row in rows if row["late"]],
            "whole": content(parent, year, today, plan=plan)}


# ---- the consolidated report sent to the centre --------------------------------------------------

def title(year: int) -> str:
    return _("BÁO CÁO KẾT QUẢ THI ĐUA KHUYẾN HỌC, KHUYẾN TÀI, XÂY DỰNG XÃ HỘI HỌC TẬP NĂM %(year)s", year=year)


def number_text(value) -> str:
    """1234567 → "1.234.567", 63.5 → "63,5" (Vietnamese separators), None → "—"."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        whole, _dot, decimals = f"{value:,.1f}".partition(".")
        return whole.replace(",", ".") + "," + decimals
    return f"{int(value):,}".replace(",", ".")


def board_pdf(data: dict, unit: Unit) -> bytes:
    return render_pdf("reports/emulation_print.html", data=data, unit_obj=unit, title=title(data["year"]),
                      num=number_text, cell=cell_text, submitted=submitted_text)


def board_xlsx(data: dict) -> bytes:
    """One sheet in the order of the PDF: title, the whole's indicators, the ranked children, money, missing."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Thi đua %(year)s", year=data["year"]))
    for column, width in zip("ABCDEFGH", (8, 40, 16, 16, 12, 10, 16, 16), strict=True):
        sheet.column_dimensions[column].width = width

    to_cell = xlsx_cells(sheet)

    def line(*values, bold=False):
        sheet.append([to_cell(value, bold=bold) for value in values])

    line(title(data["year"]), bold=True)
    line(_("Đơn vị: %(name)s (%(code)s)", name=data["name"], code=data["unit"]), bold=True)
    line(_("Số liệu tính đến ngày %(date)s; hạn báo cáo %(due)s", date=date.fromisoformat(
        data["whole"]["through"]).strftime("%d/%m/%Y"), due=data["deadline"].strftime("%d/%m/%Y")))
    line()
    line(_("I. KẾT QUẢ THỰC HIỆN CHỈ TIÊU TOÀN ĐƠN VỊ"), bold=True)
    line(_("STT"), _("Chỉ tiêu"), _("Chỉ tiêu giao"), _("Thực hiện"), _("Tỷ lệ (%)"), _("Đạt"), bold=True)
    for index, row in enumerate(data["whole"]["indicators"], start=1):
        line(index, row["name"], row["target"], row["actual"], row.get("percent"), _("Đạt") if row["met"] else None)
    line()
    line(_("II. KẾT QUẢ CỦA CÁC ĐƠN VỊ TRỰC THUỘC VÀ XẾP HẠNG"), bold=True)
    line(_("Hạng"), _("Đơn vị"), _("Số chỉ tiêu đạt"), _("Tỷ lệ hoàn thành (%)"), _("Thu trong năm (đồng)"),
         _("Gửi báo cáo"), *[column["name"] for column in data["columns"]], bold=True)
    for row in data["children"]:
        cells = [row["indicators"].get(column["code"]) for column in data["columns"]]
        line(row["rank"], f"{row['name']} ({row['unit']})",
             f"{row['met_count']}/{row['indicator_count']}" if row["reported"] else _("chưa báo cáo"),
             row["reached"] if row["reported"] else None, row["raised"] if row["reported"] else None,
             submitted_text(row), *[cell_text(cell) for cell in cells])
    line()
    line(_("III. THU TRONG NĂM (HỢP NHẤT, ĐÃ LOẠI TRỪ NỘI BỘ)"), bold=True)
    line(_("Quỹ"), _("Tên quỹ"), _("Thu trong năm"), _("Chi trong năm"), bold=True)
    for fund in data["whole"]["funds"]:
        line(fund["fund"], fund["name"], fund["receipts"], fund["disbursements"])
    line(_("Tổng số tiền vận động được trong năm"), None, data["whole"]["raised"], bold=True)
    line()
    line(_("IV. ĐƠN VỊ CHƯA GỬI BÁO CÁO ĐÚNG HẠN (%(due)s)", due=data["deadline"].strftime("%d/%m/%Y")), bold=True)
    for row in data["children"]:
        if row["overdue"] or row["late"]:
            line(None, f"{row['name']} ({row['unit']})", submitted_text(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def submitted_text(row: dict) -> str:
    if not row["reported"]:
        return _("quá hạn, chưa báo cáo") if row["overdue"] else _("chưa báo cáo")
    day = vn_date(row["submitted_at"]).strftime("%d/%m/%Y")
    return _("%(date)s (muộn)", date=day) if row["late"] else day


def cell_text(cell: dict | None) -> str:
    """One child's indicator in a cell: "65/63 ✓" (actual/target, ✓ when met)."""
    if cell is None:
        return "—"
    return f"{number_text(cell['actual'])}/{number_text(cell['target'])}" + (" ✓" if cell["met"] else "")

"""A published statement in the forms people use: labels for its categories, the QR code to its
verification page, CSV rows for spreadsheets (UTF-8 BOM, formula-safe via core.export) and the A4 PDF.
"""
import functools
import re
from datetime import UTC, datetime

import segno
from flask import current_app, request, url_for

from ledger.core import export
from ledger.core.dates import VN
from ledger.core.i18n import _, _l
from ledger.core.pdf import render_pdf

RECEIPT_LABELS = {"donation": _l("Ủng hộ, tài trợ"), "dues": _l("Hội phí"), "interest": _l("Lãi tiền gửi"),
                  "other": _l("Thu khác"), "transfer_in": _l("Nhận hỗ trợ từ đơn vị khác"),
                  "fund_balance": _l("Điều chỉnh số dư quỹ")}
DISBURSEMENT_LABELS = {"scholarship": _l("Học bổng"), "award": _l("Khen thưởng, tặng quà"),
                       "operations": _l("Hoạt động, quản lý"), "allowance": _l("Phụ cấp"), "other": _l("Chi khác"),
                       "transfer_out": _l("Chuyển quỹ cho đơn vị khác")}
PERIOD_CODE = re.compile(r"(\d{4})(?:-(?:Q([1-4])|(\d{2})))?")
QUARTERS = ("I", "II", "III", "IV")
PRINTED_ROWS = 200  # donors or recipients on the A4 sheet; the rest are in CSV/JSON (and on the page)
PAGE_ROWS = 500


def label_of(labels: dict, key: str) -> str:
    return str(labels.get(key, key))


def iso_vi(value: str | None) -> str:
    """An ISO date or moment from frozen content, the Vietnamese way: "23/11/2026" or "23/11/2026 08:05"."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    return moment.strftime("%d/%m/%Y %H:%M") if "T" in value else moment.strftime("%d/%m/%Y")


def period_words(period: str) -> str:
    """A period code as people say it: "2026-Q3" → "Quý III/2026", "2026-03" → "Tháng 3/2026", "2026" → "Năm 2026";
    anything else as it is."""
    match = PERIOD_CODE.fullmatch(str(period or "").strip())
    if match is None:
        return str(period or "")
    year, quarter, month = match.groups()
    if quarter:
        return _("Quý %(q)s/%(year)s", q=QUARTERS[int(quarter) - 1], year=year)
    if month and 1 <= int(month) <= 12:
        return _("Tháng %(m)s/%(year)s", m=int(month), year=year)
    return _("Năm %(year)s", year=year) if not month else str(period)


def vn_time(moment: datetime | None) -> str:
    """A stored moment (UTC; SQLite hands it back naive) as Vietnam's wall clock: "23/11/2026 08:54"."""
    if moment is None:
        return ""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(VN).strftime("%d/%m/%Y %H:%M")


def percent_text(part: int, whole: int) -> str:
    """part/whole as a Vietnamese percentage with one decimal, in integers: 42, 1000 → "4,2 %"."""
    if not whole:
        return "—"
    tenths = (part * 2000 + whole) // (2 * whole)  # rounded half up
    return f"{tenths // 10},{tenths % 10} %"


def external_url(endpoint: str, **values) -> str:
    """An absolute URL: LEDGER_PUBLIC_BASE_URL when set (behind a proxy), else the request's host."""
    base = current_app.config.get("LEDGER_PUBLIC_BASE_URL") or request.host_url
    return base.rstrip("/") + url_for(endpoint, **values)


def verify_url(digest: str) -> str:
    return external_url("public.verify", digest=digest)


@functools.lru_cache(maxsize=4096)
def qr_svg(url: str, *, for_print: bool = False) -> str:
    """Inline SVG of a QR code: pixels on screen, millimetres (about 3 cm) on the A4 sheet.

    Kept per address: choosing the mask costs tens of milliseconds, the page budget's biggest share."""
    code = segno.make(url, error="m", micro=False)
    if for_print:
        return code.svg_inline(scale=0.7, unit="mm", svgclass="qr")
    return code.svg_inline(scale=4, svgclass="qr")


def csv_rows(content: dict) -> list[tuple]:
    """(section, item, detail, amount) rows: the whole statement in one sheet."""
    rows = [(_("Báo cáo"), _("Đơn vị"), f"{content['unit_name']} ({content['unit']})", None),
            (_("Báo cáo"), _("Kỳ báo cáo"), f"{content['period_start']} → {content['period_end']}", None),
            (_("Báo cáo"), _("Hợp nhất đơn vị trực thuộc"), _("Đúng") if content["consolidated"] else _("Không"), None),
            (_("Báo cáo"), _("Phiên bản"), str(content["version"]), None),
            (_("Báo cáo"), _("Công bố lúc"), content["published_at"], None),
            (_("Báo cáo"), _("Mã băm SHA-256"), content.get("hash"), None),
            (_("Báo cáo"), _("Đầu chuỗi sổ"), content["chain_head"], None)]
    for fund in content["funds"]:
        name = f"{fund['name']} ({fund['fund']})"
        rows += [(_("Quỹ"), name, _("Số dư đầu kỳ"), fund["opening"]),
                 (_("Quỹ"), name, _("Thu trong kỳ"), fund["receipts"]),
                 (_("Quỹ"), name, _("Chi trong kỳ"), fund["disbursements"]),
                 (_("Quỹ"), name, _("Số dư cuối kỳ"), fund["closing"])]
    rows += [(_("Thu theo nguồn"), label_of(RECEIPT_LABELS, key), "", amount)
             for key, amount in content["receipts_by_category"].items()]
    rows += [(_("Chi theo mục đích"), label_of(DISBURSEMENT_LABELS, key), "", amount)
             for key, amount in content["disbursements_by_category"].items()]
    for campaign in content.get("campaigns", []):
        rows += [(_("Vận động"), campaign["name"], _("Chỉ tiêu"), campaign["target"]),
                 (_("Vận động"), campaign["name"], _("Đã vận động"), campaign["raised"])]
    for cost in content.get("management_costs", []):
        rows += [(_("Chi phí quản lý"), cost["fund"], _("Tổng thu trong kỳ"), cost["revenue"]),
                 (_("Chi phí quản lý"), cost["fund"], _("Chi hoạt động, quản lý"), cost["operations"]),
                 (_("Chi phí quản lý"), cost["fund"], _("Mức trần (%)"), cost["cap_percent"])]
    rows += [(_("Nhà hảo tâm"), donor["display_name"], "", donor["amount"]) for donor in content["donors"]]
    rows += [(_("Học sinh nhận học bổng"), r["display_name"],
              _("%(school)s, lớp %(grade)s — %(program)s", school=r["school"], grade=r["grade"], program=r["program"]),
              r["amount"]) for r in content["recipients"]]
    return rows


def statement_csv(content: dict) -> bytes:
    return export.csv_bytes(csv_rows(content), [_("Phần"), _("Nội dung"), _("Chi tiết"), _("Số tiền (đồng)")])


def statement_pdf(**context) -> bytes:
    return render_pdf("reports/statement_print.html", max_rows=PRINTED_ROWS, **context)

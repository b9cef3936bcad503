"""Tables out as files for Excel habits: CSV (UTF-8 with a BOM so Excel reads Vietnamese) and XLSX.

A CSV meant for people opens in columns in an Excel set to Vietnamese, whose list separator is ";"
(a comma there is the decimal mark): it is written with ";" and dd/mm/yyyy dates. Open data keeps ",".

A text cell that a spreadsheet would run as a formula (it starts with = + - @, a tab or a CR)
is neutralised: CSV gets a leading apostrophe, XLSX stores it as plain text marked quote-prefixed.

openpyxl is imported where an XLSX is written, not with this module: CSV answers and every start-up
(each `ledger` command, each gunicorn worker) would otherwise pay its ~0.2 s.
"""
import csv
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime

from flask import Response, request, send_file

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("xlsx", "csv")  # the order offered: XLSX first, it opens the same in every locale
EXCEL_SEPARATOR = ";"


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise(value):
    """The CSV rule: a formula-like text gets an apostrophe in front; other values pass through."""
    return "'" + value if is_formula_like(value) else value


def csv_cell(value, *, for_excel: bool = False):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y") if for_excel and not isinstance(value, datetime) else value.isoformat()
    return neutralise(value) if isinstance(value, str) else value


def csv_bytes(rows: Iterable[Sequence], headers: Sequence[str], *, for_excel: bool = False) -> bytes:
    """UTF-8 with a BOM; `for_excel` writes ";" and dd/mm/yyyy for an Excel in Vietnamese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", delimiter=EXCEL_SEPARATOR if for_excel else ",")
    writer.writerow([csv_cell(str(h)) for h in headers])
    for row in rows:
        writer.writerow([csv_cell(value, for_excel=for_excel) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_cells(sheet) -> Callable:
    """The function turning a value into a cell of the write-only `sheet`: typed, formula-like text kept as text.

    openpyxl's names are imported here once per sheet rather than once per cell."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    def xlsx_cell(value, *, bold: bool = False) -> WriteOnlyCell:
        if isinstance(value, bool):
            value = "x" if value else ""
        cell = WriteOnlyCell(sheet, value=value)
        if is_formula_like(value):
            cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
            cell.quotePrefix = True
        elif isinstance(value, datetime):
            cell.number_format = "dd/mm/yyyy hh:mm"
        elif isinstance(value, date):
            cell.number_format = "dd/mm/yyyy"
        elif isinstance(value, int):
            cell.number_format = "#,##0"
        if bold:
            cell.font = Font(bold=True)
        return cell

    return xlsx_cell


def xlsx_bytes(rows: Iterable[Sequence], headers: Sequence[str], *, sheet_title: str = "Dữ liệu",
               title_lines: Sequence[str] = (), widths: Sequence[int] | None = None) -> bytes:
    """One sheet: optional title lines, a bold header row, then the rows (streamed, write-only)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(safe_sheet_title(sheet_title))
    for index, width in enumerate(widths or [max(12, min(45, len(str(h)) + 4)) for h in headers]):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    cell = xlsx_cells(sheet)
    for line in title_lines:
        sheet.append([cell(str(line), bold=True)])
    sheet.append([cell(str(h), bold=True) for h in headers])
    for row in rows:
        sheet.append([cell(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def safe_sheet_title(title: str) -> str:
    """Excel refuses []:*?/\\ in sheet names and more than 31 characters."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return (cleaned or "Sheet")[:31]


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def csv_response(rows: Iterable[Sequence], headers: Sequence[str], filename: str, *,
                 for_excel: bool = False) -> Response:
    return _download(csv_bytes(rows, headers, for_excel=for_excel), CSV_MIMETYPE, with_extension(filename, "csv"))


def xlsx_response(rows: Iterable[Sequence], headers: Sequence[str], filename: str, **options) -> Response:
    return _download(xlsx_bytes(rows, headers, **options), XLSX_MIMETYPE, with_extension(filename, "xlsx"))


def with_extension(filename: str, extension: str) -> str:
    return filename if filename.lower().endswith("." + extension) else f"{filename}.{extension}"


def requested_format() -> str | None:
    """`?format=csv` or `?format=xlsx` on a list page; None means render the page."""
    fmt = request.args.get("format", "").lower()
    return fmt if fmt in FORMATS else None


def table_response(fmt: str, rows: Iterable[Sequence], headers: Sequence[str], filename: str,
                   **xlsx_options) -> Response:
    """The download a list page answers for `?format=`: XLSX, or a CSV for an Excel in Vietnamese, of the same rows."""
    if fmt == "csv":
        return csv_response(rows, headers, filename, for_excel=True)
    return xlsx_response(rows, headers, filename, **xlsx_options)

"""The one reader of uploaded tables (XLSX and CSV), bounded whatever the file says about itself.

Every import that reads a spreadsheet or CSV goes through here: opening balances, donor lists,
member rosters, bank statements and the journal bundle. An XLSX is a zip: its members' sizes are
summed before anything is unpacked, then the first sheet is streamed ignoring its declared
dimension (openpyxl pads each row to it: `A1:XFD150000` made a 750 KB file cost gigabytes).
Rows, columns, cells and time are capped while reading; a file past a limit is refused with a
Vietnamese message naming the limit — 413 `too_large` for size, 422 for rows, columns and cells.
"""
import codecs
import csv
import io
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError, iterparse

from ledger.core.errors import TooLarge, ValidationFailed
from ledger.core.i18n import _
from ledger.core.money import format_number

# The limits, in one place (README, "Design notes"). A treasurer's file is far below each of them.
MAX_FILE_BYTES = 20 * 1024 * 1024           # an upload as sent (XLSX packed, CSV as is)
MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024  # all members of the XLSX zip together, unpacked
MAX_XLSX_WHOLE_BYTES = 3 * 1024 * 1024      # its XML parts openpyxl parses whole (shared strings, styles)
MAX_XLSX_RATIO = 100                        # unpacked ÷ packed; a zip bomb reaches 1000
MAX_ROWS = 20_000
MAX_COLUMNS = 100
MAX_CELLS = 400_000
MAX_SECONDS = 60
JOURNAL_MAX_ROWS = 5_000_000                # `ledger import-journal`: bench/ runs 2.2 million lines
XLSX_MAGIC = b"PK\x03\x04"
MAX_XLSX_COLUMN = 18_278                    # ZZZ, the last column openpyxl can name
CSV_FIELD_CHARS = 131_072                   # the csv module's own limit on one cell


@dataclass(frozen=True)
class Limits:
    rows: int = MAX_ROWS
    columns: int = MAX_COLUMNS
    cells: int | None = MAX_CELLS
    seconds: float | None = MAX_SECONDS


UPLOAD = Limits()
JOURNAL = Limits(rows=JOURNAL_MAX_ROWS, cells=None, seconds=None)  # an operator's command, streamed


def read_rows(data: bytes, filename: str = "", *, limits: Limits = UPLOAD, allow_merged=False) -> list[tuple]:
    """All rows of the first sheet (XLSX) or of the CSV, as tuples of cell values."""
    if not data:
        raise ValidationFailed(field="file", message=_("Tệp trống."))
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm")):
        return xlsx_rows(data, limits=limits, allow_merged=allow_merged)
    if filename.lower().endswith(".xls"):
        raise ValidationFailed(field="file", message=_(
            "Tệp .xls (Excel 97-2003) chưa được hỗ trợ; xin lưu lại dưới dạng .xlsx hoặc .csv."))
    return csv_rows(data, limits=limits)


# ---- XLSX -------------------------------------------------------------------------------------

def xlsx_rows(data: bytes, *, limits: Limits = UPLOAD, allow_merged=False) -> list[tuple]:
    """Rows of the first sheet; merged cells are refused unless the caller reads around them."""
    started = time.monotonic()
    check_size(len(data))
    check_archive(data)
    book = open_workbook(data)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # the declared dimension is a claim; rows end at their last cell
        rows = list(bounded(sheet.iter_rows(values_only=True), limits, started))
        if not allow_merged:
            refuse_merged(sheet)  # a second pass over the sheet, once it is known to be within the limits
        return rows
    except (zipfile.BadZipFile, zlib.error, ParseError, KeyError, OSError, ValueError, TypeError, IndexError,
            EOFError):
        raise unreadable_xlsx() from None  # a member cut short, a CRC that fails, XML that breaks off
    finally:
        book.close()


def open_workbook(data: bytes):
    """openpyxl's read-only workbook. openpyxl is imported here, on the first XLSX read, rather than with
    this module: CSV imports and every start-up would otherwise pay its ~0.2 s."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, zlib.error, ParseError, KeyError, OSError, ValueError,
            TypeError, IndexError, EOFError):
        raise unreadable_xlsx() from None


def check_archive(data: bytes) -> None:
    """A zip whose members unpack to a bounded size: summed from its directory, nothing unpacked.

    Python's zipfile stops each member at the size its directory declares, so the sum is a real bound.
    Sheets are streamed; the other XML parts are parsed whole into memory, so they get a smaller cap.
    """
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise unreadable_xlsx() from None
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    read_whole = sum(member.file_size for member in members if member.filename.endswith((".xml", ".rels"))
                     and not member.filename.startswith("xl/worksheets/"))
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise TooLarge(field="file", message=_(
            "Tệp Excel khi giải nén lớn hơn %(limit)s MB (giới hạn); xin chia nhỏ rồi nhập từng phần.",
            limit=MAX_XLSX_UNPACKED_BYTES // (1024 * 1024)))
    if read_whole > MAX_XLSX_WHOLE_BYTES:
        raise TooLarge(field="file", message=_(
            "Bảng chữ dùng chung và định dạng của tệp Excel lớn hơn %(limit)s MB khi giải nén (giới hạn); "
            "xin chia nhỏ tệp hoặc lưu lại dưới dạng CSV.", limit=MAX_XLSX_WHOLE_BYTES // (1024 * 1024)))
    if unpacked > MAX_XLSX_RATIO * max(packed, 1):
        raise TooLarge(field="file", message=_(
            "Tệp Excel bị nén bất thường (giải nén lớn gấp hơn %(ratio)s lần, giới hạn); chưa đọc tệp này.",
            ratio=MAX_XLSX_RATIO))


def unreadable_xlsx() -> ValidationFailed:
    return ValidationFailed(field="file", message=_("Không đọc được tệp Excel (.xlsx); tệp hỏng hoặc sai định dạng."))


def refuse_merged(sheet) -> None:
    merged = merged_ranges(sheet)
    if merged:
        shown = ", ".join(merged[:5]) + (" …" if len(merged) > 5 else "")
        raise ValidationFailed(field="file", message=_(
            "Trang tính có ô gộp (%(ranges)s). Xin bỏ gộp ô (Merge & Center → Unmerge Cells) để mỗi dòng "
            "có đủ giá trị, rồi tải lên lại; chưa có gì được ghi.", ranges=shown))


def merged_ranges(sheet) -> list[str]:
    """Merged ranges of a read-only sheet, read from its XML (read-only sheets do not expose them)."""
    found = []
    with sheet._get_source() as source:  # openpyxl's handle on the sheet's XML inside the archive
        for _event, element in iterparse(source):
            if element.tag.endswith("}mergeCell"):
                found.append(element.get("ref", ""))
            elif element.tag.endswith("}row"):
                element.clear()  # keep memory flat on large sheets
    return found


# ---- CSV --------------------------------------------------------------------------------------

def csv_rows(data: bytes, *, limits: Limits = UPLOAD) -> list[tuple]:
    """Rows of an uploaded CSV: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1258."""
    started = time.monotonic()
    check_size(len(data))
    text = unicodedata.normalize("NFC", decode(data))
    if "\x00" in text:
        raise ValidationFailed(field="file", message=_(
            "Dòng %(row)s chứa ký tự NUL; tệp không phải CSV văn bản. Xin lưu lại dưới dạng CSV UTF-8.",
            row=text.count("\n", 0, text.index("\x00")) + 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(text))
    return list(bounded(csv_records(reader), limits, started))


def decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")  # Excel's "Unicode Text"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1258", errors="replace")  # Vietnamese Windows exports


def delimiter_of(text: str) -> str:
    """Excel writes ";" where the decimal mark is ",", tabs when pasted: the header line tells."""
    first = next((line for line in io.StringIO(text) if line.strip()), "")
    return max((",", ";", "\t"), key=first.count)


def csv_records(reader) -> Iterator[list[str]]:
    """The csv reader's records; a record it cannot parse is a 422 naming its row, never a 500.

    The text must be read with newline="" so that a CR inside a quoted cell stays in the cell and
    a bare CR between cells ends the row (old Mac exports), as the csv module expects.
    """
    number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise bad_csv_row(number + 1, exc) from None
        except UnicodeDecodeError:
            raise ValidationFailed(field="file", message=_(
                "Dòng %(row)s không đọc được: tệp không phải UTF-8. Xin lưu lại dưới dạng CSV UTF-8.",
                row=number + 1)) from None
        number += 1
        yield record


def bad_csv_row(number: int, exc: csv.Error) -> ValidationFailed:
    if "field larger than field limit" in str(exc):
        return ValidationFailed(field="file", message=_(
            "Dòng %(row)s có ô dài hơn %(limit)s ký tự (giới hạn); có thể thiếu dấu ngoặc kép đóng.",
            row=number, limit=format_number(CSV_FIELD_CHARS)))
    return ValidationFailed(field="file", message=_(
        "Dòng %(row)s không đọc được: dấu ngoặc kép hoặc xuống dòng đặt sai chỗ.", row=number))


# ---- limits while reading ---------------------------------------------------------------------

def check_size(size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise TooLarge(field="file", message=_(
            "Tệp lớn hơn %(limit)s MB (giới hạn); xin chia nhỏ rồi nhập từng phần.",
            limit=MAX_FILE_BYTES // (1024 * 1024)))


def bounded(rows: Iterable[tuple], limits: Limits, started: float | None = None) -> Iterator[tuple]:
    """Rows as read, refused as soon as one limit is passed; blank cells past the last column dropped."""
    deadline = (started or time.monotonic()) + limits.seconds if limits.seconds is not None else None
    cells = 0
    for number, values in enumerate(rows, start=1):
        if number > limits.rows:
            raise too_many(_("Tệp có hơn %(limit)s dòng (giới hạn); xin chia nhỏ rồi nhập từng phần.",
                             limit=format_number(limits.rows)))
        cells += len(values)
        if limits.cells is not None and cells > limits.cells:
            raise too_many(_("Tệp có hơn %(limit)s ô (giới hạn); xin bỏ các cột không cần rồi tải lên lại.",
                             limit=format_number(limits.cells)))
        if deadline is not None and time.monotonic() > deadline:
            raise too_many(_("Đọc tệp quá %(limit)s giây (giới hạn) mới đến dòng %(row)s; xin chia nhỏ tệp.",
                             limit=limits.seconds, row=number))
        yield within_columns(number, tuple(values), limits.columns)


def within_columns(number: int, values: tuple, columns: int) -> tuple:
    if len(values) <= columns:
        return values
    beyond = next((index for index in range(columns, len(values)) if not blank(values[index])), None)
    if beyond is not None:
        raise too_many(_("Dòng %(row)s có dữ liệu ở cột %(column)s; chỉ đọc %(limit)s cột đầu (giới hạn). "
                         "Xin xóa các cột thừa rồi tải lên lại.",
                         row=number, column=column_name(beyond + 1), limit=columns))
    return values[:columns]


def column_name(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index) if index <= MAX_XLSX_COLUMN else str(index)


def blank(value) -> bool:
    return value is None or value == ""


def too_many(message: str) -> ValidationFailed:
    return ValidationFailed(field="file", message=message)

"""CSV and XLSX out: UTF-8 BOM, Vietnamese intact, formula-like cells neutralised, typed XLSX cells."""
import csv
import io
from datetime import date

import pytest
from flask import Flask
from openpyxl import load_workbook

from ledger.core import export

HEADERS = ["Ngày", "Nhà hảo tâm", "Số tiền"]


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def read_xlsx(data: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [tuple(cell for cell in row) for row in sheet.iter_rows()]


def test_csv_starts_with_bom_and_keeps_vietnamese():
    data = export.csv_bytes([[date(2026, 3, 10), "Nguyễn Thị Hạnh", 2015000]], HEADERS)
    assert data.startswith(b"\xef\xbb\xbf")
    assert read_csv(data) == [HEADERS, ["2026-03-10", "Nguyễn Thị Hạnh", "2015000"]]


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_csv_neutralises_formula_like_text(text):
    rows = read_csv(export.csv_bytes([[text]], ["Ghi chú"]))
    assert rows[1] == ["'" + text]


@pytest.mark.parametrize("value, shown", [("Bình thường", "Bình thường"), ("a=b", "a=b"), (-500, "-500"),
                                          (None, ""), (True, "x")])
def test_csv_leaves_ordinary_values_alone(value, shown):
    assert read_csv(export.csv_bytes([[value]], ["Cột"]))[1] == [shown]


def test_xlsx_cells_are_typed_and_formulas_stay_text():
    data = export.xlsx_bytes([[date(2026, 3, 10), "=1+1", 2015000, "Lò Thị Mai"]],
                             ["Ngày", "Ghi chú", "Số tiền", "Tên"], title_lines=["SỔ QUỸ TIỀN MẶT"])
    title, header, row = read_xlsx(data)
    assert title[0].value == "SỔ QUỸ TIỀN MẶT"
    assert [c.value for c in header] == ["Ngày", "Ghi chú", "Số tiền", "Tên"]
    assert row[0].value.date() == date(2026, 3, 10) and row[0].number_format == "dd/mm/yyyy"
    assert (row[1].value, row[1].data_type, row[1].quotePrefix) == ("=1+1", "s", True)
    assert (row[2].value, row[2].data_type, row[2].number_format) == (2015000, "n", "#,##0")
    assert row[3].value == "Lò Thị Mai" and not row[3].quotePrefix


def test_sheet_title_is_made_acceptable_to_excel():
    assert export.safe_sheet_title("Sổ [quỹ]: 2026/03 rất dài quá mức cho phép") == "Sổ  quỹ   2026 03 rất dài quá m"
    assert export.safe_sheet_title("") == "Sheet"


@pytest.mark.parametrize("fmt, mimetype, name", [
    ("csv", "text/csv; charset=utf-8", "so-quy.csv"),
    ("xlsx", export.XLSX_MIMETYPE, "so-quy.xlsx"),
])
def test_responses_are_downloads_with_utf8_names(fmt, mimetype, name):
    app = Flask(__name__)
    with app.test_request_context(f"/?format={fmt}"):
        assert export.requested_format() == fmt
        response = export.table_response(fmt, [[1]], ["Số"], "so-quy")
        response.direct_passthrough = False
        assert response.mimetype + ("; charset=utf-8" if fmt == "csv" else "") == mimetype
        assert f'filename={name}' in response.headers["Content-Disposition"]
        assert response.headers["Content-Disposition"].startswith("attachment")
        body = response.get_data()
        assert body.startswith(b"\xef\xbb\xbf" if fmt == "csv" else b"PK")


def test_unknown_format_renders_the_page():
    with Flask(__name__).test_request_context("/?format=exe"):
        assert export.requested_format() is None

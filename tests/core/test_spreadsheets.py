"""The one reader of uploaded tables stays bounded whatever the file says about itself: the crafted
XLSX whose dimension claims A1:XFD150000 (openpyxl pads every row to 16,384 cells), zip bombs, too
many rows, columns or cells, bare CRs and garbage — each refused with the limit named, never a 500,
and every import that reads a spreadsheet stays under 200 MB of RSS on the crafted file."""
import io
import json
import subprocess
import sys
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from ledger.core import spreadsheets
from ledger.core.errors import TooLarge, ValidationFailed

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PARTS = {
    "[Content_Types].xml":
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{TYPES}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{TYPES}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{TYPES}.sharedStrings+xml"/></Types>',
    "_rels/.rels": f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" '
                   'Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="Sheet1" sheetId="1" '
                       'r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/worksheet" '
                                  'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
                                  f'Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
}
RSS_LIMIT_KB = 200 * 1024


def workbook(rows, *, dimension: str, strings=b"") -> bytes:
    """An XLSX written by hand, so that its <dimension> says whatever the test needs."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, xml in PARTS.items():
            archive.writestr(name, xml)
        with archive.open("xl/sharedStrings.xml", "w") as part:
            part.write(f'<sst xmlns="{MAIN}">'.encode() + strings + b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/><sheetData>'.encode())
            for chunk in rows:
                part.write(chunk)
            part.write(b"</sheetData></worksheet>")
    return out.getvalue()


def crafted(rows=150_000, column="XFD") -> bytes:
    """The file of the report: the dimension says A1:XFD<rows>, each row has one number in `column`."""
    return workbook((f'<row r="{r}"><c r="{column}{r}"><v>{r}</v></c></row>'.encode() for r in range(1, rows + 1)),
                    dimension=f"A1:XFD{rows}")


def refused(data, filename="ds.xlsx", **kwargs) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        spreadsheets.read_rows(data, filename, **kwargs)
    return caught.value


def test_the_crafted_file_makes_openpyxl_pad_every_row_to_the_declared_dimension():
    """Why the old reader (read-only, declared dimension trusted) needed gigabytes: 16,384 values a row."""
    for column in ("XFD", "A"):
        sheet = load_workbook(io.BytesIO(crafted(5, column)), read_only=True, data_only=True).worksheets[0]
        assert [len(row) for row in sheet.iter_rows(values_only=True)] == [16_384] * 5


OLD_AND_NEW = """
import io, resource, sys
from openpyxl import load_workbook
from ledger.core import spreadsheets
from ledger.core.errors import LedgerError
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # 1 GB of address space
data = sys.stdin.buffer.read()
try:
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)  # the reader before this change
    list(book.worksheets[0].iter_rows(values_only=True))
    print("old: read")
except MemoryError:
    print("old: MemoryError")
try:
    spreadsheets.read_rows(data, "ds.xlsx")
except LedgerError as exc:
    print("new:", exc.status)
"""


def test_the_crafted_file_exhausts_the_old_reader_but_not_the_new_one():
    result = subprocess.run([sys.executable, "-c", OLD_AND_NEW], input=crafted(), capture_output=True, timeout=300,
                            check=True)
    assert result.stdout.decode().split("\n")[:2] == ["old: MemoryError", "new: 422"], result.stderr.decode()[-2000:]


def test_the_crafted_file_is_refused_at_its_first_row_naming_the_column_limit():
    data = crafted()
    assert len(data) < 1_500_000  # a small upload: 1.1 MB here, 750 KB in the report
    error = refused(data)
    assert error.status == 422
    assert error.detail.startswith("Dòng 1 có dữ liệu ở cột XFD; chỉ đọc 100 cột đầu (giới hạn).")


def test_a_declared_dimension_is_ignored_and_rows_are_as_wide_as_their_cells():
    data = crafted(30, "C")
    rows = spreadsheets.read_rows(data, "ds.xlsx")
    assert rows == [(None, None, r) for r in range(1, 31)]


def test_too_many_rows_are_refused_with_the_limit_named():
    error = refused(crafted(spreadsheets.MAX_ROWS + 1, "A"))
    assert error.status == 422 and error.detail.startswith("Tệp có hơn 20.000 dòng (giới hạn)")
    assert len(spreadsheets.read_rows(crafted(spreadsheets.MAX_ROWS, "A"), "ds.xlsx")) == spreadsheets.MAX_ROWS


def test_too_many_cells_are_refused_with_the_limit_named():
    count = spreadsheets.MAX_CELLS // 100 + 1
    rows = (f'<row r="{r}"><c r="CV{r}"><v>1</v></c></row>'.encode() for r in range(1, count + 1))  # CV: column 100
    error = refused(workbook(rows, dimension="A1"))
    assert error.detail.startswith("Tệp có hơn 400.000 ô (giới hạn)")


def test_blank_cells_past_the_column_limit_are_dropped():
    rows = [b'<row r="1"><c r="A1"><v>7</v></c><c r="XFD1"/></row>']
    assert spreadsheets.read_rows(workbook(rows, dimension="A1:XFD1"), "ds.xlsx") == [(7, *[None] * 99)]


def test_reading_stops_at_the_time_limit():
    error = refused(crafted(10, "A"), limits=spreadsheets.Limits(seconds=0))
    assert error.detail.startswith("Đọc tệp quá 0 giây (giới hạn)")


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(monkeypatch):
    opened = []
    monkeypatch.setattr(spreadsheets, "open_workbook", lambda *a, **k: opened.append(a))
    blank_rows = (b" " * (1 << 20) for _ in range(40))  # 40 MB of nothing packs into ~40 KB
    bomb = workbook(blank_rows, dimension="A1")
    assert len(bomb) < 100_000
    with pytest.raises(TooLarge) as caught:
        spreadsheets.read_rows(bomb, "bom.xlsx")
    assert caught.value.status == 413 and caught.value.code == "too_large"
    assert "giải nén lớn gấp hơn 100 lần" in caught.value.detail
    monkeypatch.setattr(spreadsheets, "MAX_XLSX_UNPACKED_BYTES", 4 * 1024 * 1024)
    with pytest.raises(TooLarge) as caught:  # 8 MB unpacked, an ordinary ratio: the size cap alone
        spreadsheets.read_rows(crafted(), "ds.xlsx")
    assert "lớn hơn 4 MB (giới hạn)" in caught.value.detail
    assert opened == []


def test_shared_strings_past_their_cap_are_refused_before_parsing():
    strings = b"".join(b"<si><t>%08d</t></si>" % n for n in range(160_000))  # 3.2 MB of distinct strings
    with pytest.raises(TooLarge) as caught:
        spreadsheets.read_rows(workbook([], dimension="A1", strings=strings), "ds.xlsx")
    assert "lớn hơn 3 MB khi giải nén (giới hạn)" in caught.value.detail


def test_files_larger_than_the_upload_limit_are_refused():
    with pytest.raises(TooLarge) as caught:
        spreadsheets.read_rows(b"a,b\n" * (spreadsheets.MAX_FILE_BYTES // 4 + 1), "sao-ke.csv")
    assert caught.value.detail.startswith("Tệp lớn hơn 20 MB (giới hạn)")


@pytest.mark.parametrize("data", [b"\x00\x01garbage" * 100, b"PK\x03\x04" + b"\xff" * 500, b"PK\x05\x06" + b"\0" * 18])
def test_garbage_named_xlsx_is_a_clear_422(data):
    assert refused(data).detail.startswith("Không đọc được tệp Excel (.xlsx)")


def test_a_member_cut_short_is_a_clear_422():
    data = bytearray(crafted(2000, "A"))
    sheet = data.find(b"xl/worksheets/sheet1.xml") + 200  # inside the sheet's packed bytes
    data[sheet:sheet + 50] = b"\xff" * 50
    assert refused(bytes(data)).detail.startswith("Không đọc được tệp Excel (.xlsx)")


def test_merged_cells_are_refused_unless_allowed():
    book = Workbook()
    book.active.append(["DANH SÁCH", None])
    book.active.append(["Họ tên", "Điện thoại"])
    book.active.merge_cells("A1:B1")
    data = io.BytesIO()
    book.save(data)
    assert "Trang tính có ô gộp (A1:B1)" in refused(data.getvalue()).detail
    assert spreadsheets.read_rows(data.getvalue(), "ds.xlsx", allow_merged=True)[1] == ("Họ tên", "Điện thoại")


# ---- CSV ----------------------------------------------------------------------------------------

def test_a_bare_cr_inside_a_quoted_csv_cell_stays_in_the_cell():
    data = 'Họ tên,Địa chỉ\r\nLò Văn Pọm,"Bản Mé\rxã Mường Bú"\r\n'.encode()
    assert spreadsheets.read_rows(data, "ds.csv") == [("Họ tên", "Địa chỉ"), ("Lò Văn Pọm", "Bản Mé\rxã Mường Bú")]


def test_a_bare_cr_between_cells_ends_the_row_as_old_mac_exports_do():
    data = "Họ tên,Địa chỉ\rLò Văn Pọm,Bản Mé\rLò Thị Mai,Bản Mé\r".encode()
    assert spreadsheets.read_rows(data, "ds.csv") == [("Họ tên", "Địa chỉ"), ("Lò Văn Pọm", "Bản Mé"),
                                                      ("Lò Thị Mai", "Bản Mé")]


def test_a_csv_row_the_csv_module_cannot_read_is_a_422_naming_the_row():
    data = ("Họ tên,Địa chỉ\n" + "Lò Văn Pọm,Bản Mé\n" * 3 + '"' + "x" * 200_000 + "\n").encode()
    error = refused(data, "ds.csv")
    assert error.status == 422 and error.detail.startswith("Dòng 5 có ô dài hơn 131.072 ký tự (giới hạn)")


def test_csv_limits_are_the_same_as_xlsx():
    assert refused(b"a\n" * (spreadsheets.MAX_ROWS + 1), "ds.csv").detail.startswith("Tệp có hơn 20.000 dòng")
    wide = ("," * 150 + "x\n").encode()
    assert refused(wide, "ds.csv").detail.startswith("Dòng 1 có dữ liệu ở cột EU; chỉ đọc 100 cột đầu")


def test_csv_with_nul_or_in_utf16_is_read_or_refused_by_row():
    assert refused(b"a,b\nc,d\ne\x00,f\n", "ds.csv").detail.startswith("Dòng 3 chứa ký tự NUL")
    utf16 = "Họ tên\tĐiện thoại\r\nLò Văn Pọm\t0912345678\r\n".encode("utf-16")
    assert spreadsheets.read_rows(utf16, "ds.csv") == [("Họ tên", "Điện thoại"), ("Lò Văn Pọm", "0912345678")]


# ---- every import, in a worker of its own, on the crafted file ------------------------------------

# Peak RSS is the worker's VmHWM: getrusage's ru_maxrss would include the RSS pytest had when it forked.
WORKER = """
import json, sys
from ledger import create_app
def peak_kb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
url, token, path, fields, upload_path = sys.argv[1:6]
app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test", "SERVER_NAME": None,
                  "LEDGER_PASSWORD_PROFILE": "CHEAPEST", "SQLALCHEMY_DATABASE_URI": url})
client, headers = app.test_client(), {"Authorization": f"Bearer {token}"}
assert client.get("/api/v1/units/SL", headers=headers).status_code == 200  # a worker that has served a request
warm_kb = peak_kb()
with open(upload_path, "rb") as handle:
    data = {**json.loads(fields), "file": (handle, "crafted.xlsx")}
    response = client.post(path, data=data, content_type="multipart/form-data", headers=headers)
print(json.dumps({"status": response.status_code, "body": response.get_json(silent=True),
                  "content_type": response.content_type, "warm_kb": warm_kb,
                  "maxrss_kb": peak_kb()}))
"""


def run_worker(database_url, token, path, data: bytes, tmp_path, **fields) -> dict:
    """The import as a fresh worker process runs it; its own peak RSS (KB) comes back with the answer."""
    from ledger.extensions import db

    db.session.rollback()  # hold no lock while the worker runs (SQLite transactions begin IMMEDIATE)
    upload = tmp_path / "crafted.xlsx"
    upload.write_bytes(data)
    result = subprocess.run([sys.executable, "-c", WORKER, database_url, token, path, json.dumps(fields),
                             str(upload)], capture_output=True, text=True, timeout=300, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def importer(app, make_unit, make_fund, api_as, database_url):
    make_unit("SL", level="province")
    make_unit("SL-X01", level="commune", parent="SL")
    make_unit("SL-B1", parent="SL-X01")
    make_fund("QKH-SL", owner="SL")
    api = api_as(("SL", "admin"))
    account = api.post("/units/SL/bank-accounts", json={"name": "Agribank", "account_number": "8888 0000 1234",
                                                         "bank_bin": "970405", "default_fund": "QKH-SL"})
    assert account.status_code == 201, account.json
    api.account_id = account.json["id"]
    api.database_url = database_url
    return api


def counts() -> tuple:
    from sqlalchemy import func, select

    from ledger.accounts.banking.models import BankStatement
    from ledger.accounts.community.models import Member
    from ledger.accounts.models import Entry
    from ledger.accounts.treasury.models import Donor
    from ledger.extensions import db

    db.session.rollback()  # see what the worker committed
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Donor, Entry, Member, BankStatement))


@pytest.mark.parametrize("label, path, fields", [
    ("donors", "/api/v1/units/SL/imports/donors", {}),
    ("opening balances", "/api/v1/units/SL/imports/opening-balances", {"date": "2026-01-01"}),
    ("member roster", "/api/v1/units/SL-B1/members/import", {}),
    ("bank statement", "/api/v1/bank-accounts/{account}/statements", {}),
])
def test_every_import_refuses_the_crafted_file_within_200_mb(importer, tmp_path, label, path, fields):
    before = counts()
    answer = run_worker(importer.database_url, importer.token, path.format(account=importer.account_id), crafted(),
                        tmp_path, **fields)
    print(f"{label}: peak RSS {answer['maxrss_kb'] / 1024:.0f} MB (after a first request: "
          f"{answer['warm_kb'] / 1024:.0f} MB)")  # quoted in the closing note (run with -s)
    assert answer["status"] == 422, answer
    assert answer["content_type"] == "application/problem+json"
    assert "cột XFD" in answer["body"]["detail"] and "100 cột" in answer["body"]["detail"]
    assert answer["maxrss_kb"] < RSS_LIMIT_KB
    assert counts() == before


def test_a_long_sheet_behind_a_false_dimension_is_streamed_and_refused_within_200_mb(importer, tmp_path):
    """Cells only in column A under A1:XFD150000: the old reader padded each row to 16,384 (19 GB)."""
    answer = run_worker(importer.database_url, importer.token, "/api/v1/units/SL/imports/donors",
                        crafted(150_000, "A"), tmp_path)
    print(f"donors, false dimension: peak RSS {answer['maxrss_kb'] / 1024:.0f} MB (after a first request: "
          f"{answer['warm_kb'] / 1024:.0f} MB)")
    assert answer["status"] == 422 and "20.000 dòng (giới hạn)" in answer["body"]["detail"], answer
    assert answer["maxrss_kb"] < RSS_LIMIT_KB


def worst_within_limits() -> bytes:
    """Just inside every limit at once: 3 MB of shared strings, 20,000 rows of 20 numbers (400,000 cells)."""
    strings = b"".join(b"<si><t>%08d</t></si>" % n for n in range(130_000))
    rows = ((f'<row r="{r}">' + "".join(f'<c r="{spreadsheets.column_name(c)}{r}"><v>{r}.5</v></c>'
                                         for c in range(1, 21)) + "</row>").encode() for r in range(1, 20_001))
    return workbook(rows, dimension="A1:XFD1048576", strings=strings)


def test_the_largest_file_within_the_limits_is_read_within_200_mb(importer, tmp_path):
    answer = run_worker(importer.database_url, importer.token, "/api/v1/units/SL/imports/donors",
                        worst_within_limits(), tmp_path)
    print(f"donors, largest file within the limits: peak RSS {answer['maxrss_kb'] / 1024:.0f} MB (after a first "
          f"request: {answer['warm_kb'] / 1024:.0f} MB)")
    assert answer["status"] == 422 and answer["body"]["detail"].startswith("Thiếu cột: Họ tên."), answer
    assert answer["maxrss_kb"] < RSS_LIMIT_KB


def test_a_zip_bomb_is_a_413_problem_and_a_form_error(importer, page_as, tmp_path):
    bomb = workbook((b" " * (1 << 20) for _ in range(40)), dimension="A1")
    r = importer.post("/units/SL/imports/donors", data={"file": (io.BytesIO(bomb), "bom.xlsx")},
                      content_type="multipart/form-data")
    assert r.status_code == 413 and r.json["code"] == "too_large", r.json
    assert "100 lần" in r.json["detail"]
    page = page_as(("SL", "admin")).post("/units/SL/imports/donors", data={"file": (io.BytesIO(bomb), "bom.xlsx")},
                                         content_type="multipart/form-data")
    assert page.status_code == 413 and "100 lần" in page.text

"""`ledger backup` then `ledger restore` into an empty database gives the same books (trial balances, chain heads,
voucher counters, a clean check); a non-empty target, the other engine's backup and tampered files are refused."""
import json
import sqlite3
import zipfile

import pytest
from sqlalchemy import func, select

from ledger.accounts import verify
from ledger.accounts.models import Entry
from ledger.extensions import db
from tests.backup.conftest import app_on, books_of_every_unit, cli, rewrite


@pytest.fixture
def backup(app, books, tmp_path):
    """The books above backed up through the command; the test's session released for the restore."""
    path = tmp_path / "books.backup"
    made = cli(app, "backup", path)
    assert made.exit_code == 0, made.output
    assert "Đã sao lưu vào" in made.output and "7 đơn vị" in made.output
    db.session.remove()
    return path


def test_a_restored_database_has_every_units_books(app, backup, empty_database):
    before = books_of_every_unit()
    with app_on(empty_database) as other:
        restored = cli(other, "restore", backup)
        assert restored.exit_code == 0, restored.output
        assert "So với bản kê trong tệp sao lưu: KHỚP." in restored.output
        assert "KHỚP, không có sai lệch." in restored.output
        assert books_of_every_unit() == before
        assert all(result.valid for result in verify.verify_all())


def test_a_database_with_tables_is_refused_and_left_as_it_was(app, backup):
    entries = db.session.scalar(select(func.count(Entry.id)))
    refused = cli(app, "restore", backup)
    assert refused.exit_code == 1
    assert "chỉ khôi phục vào một cơ sở dữ liệu trống" in refused.output
    assert db.session.scalar(select(func.count(Entry.id))) == entries


def test_a_backup_of_the_other_engine_is_refused(app, backup, empty_database, tmp_path, is_postgres):
    other_engine, member = ("sqlite", "database.sqlite3") if is_postgres else ("postgresql", "database.pgdump")
    foreign = tmp_path / "foreign.backup"
    with zipfile.ZipFile(backup) as source:
        manifest = json.loads(source.read("manifest.json"))
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.writestr("manifest.json", json.dumps({**manifest, "engine": other_engine}))
        archive.writestr(member, b"not read")
    with app_on(empty_database) as other:
        refused = cli(other, "restore", foreign)
    assert refused.exit_code == 1
    assert "Bản sao lưu này là của" in refused.output and "không khôi phục được" in refused.output


def test_a_file_that_is_not_a_backup_is_refused(app, empty_database, tmp_path):
    junk = tmp_path / "junk.backup"
    junk.write_text("xin chào")
    with app_on(empty_database) as other:
        refused = cli(other, "restore", junk)
    assert refused.exit_code == 1 and "không phải bản sao lưu" in refused.output


def test_a_tampered_manifest_is_named_and_fails(app, backup, empty_database, tmp_path):
    with zipfile.ZipFile(backup) as source:
        manifest = json.loads(source.read("manifest.json"))
    manifest["units"]["SL-B1"]["chain_head"] = "f" * 64
    tampered = tmp_path / "tampered.backup"
    rewrite(backup, tampered, manifest=manifest)
    with app_on(empty_database) as other:
        restored = cli(other, "restore", tampered)
    assert restored.exit_code == 1
    assert "Đơn vị SL-B1: đầu chuỗi khác (bản sao lưu ffffffffffff…" in restored.output
    assert "KHỚP, không có sai lệch." in restored.output  # the books themselves are sound: the manifest lied


def test_a_tampered_database_is_named_and_fails(app, backup, empty_database, tmp_path, is_postgres):
    if is_postgres:
        pytest.skip("a custom-format dump is not edited by hand; the SQLite file is")
    database = tmp_path / "inside.sqlite3"
    with zipfile.ZipFile(backup) as source:
        database.write_bytes(source.read("database.sqlite3"))
    conn = sqlite3.connect(database)
    with conn:
        conn.execute("UPDATE balances SET debit_total = debit_total + 1000 WHERE debit_total > 0 AND unit_id = "
                     "(SELECT id FROM units WHERE code = 'SL-X02')")
    conn.close()  # the change leaves the write-ahead log for the file itself
    tampered = tmp_path / "tampered.backup"
    rewrite(backup, tampered, members={"database.sqlite3": database.read_bytes()})
    with app_on(empty_database) as other:
        restored = cli(other, "restore", tampered)
    assert restored.exit_code == 1
    assert "Đơn vị SL-X02: số dư lưu sẵn khác" in restored.output
    assert "SL-X02: Bảng số dư lưu sẵn khác tổng các dòng" in restored.output and "1 sai lệch." in restored.output

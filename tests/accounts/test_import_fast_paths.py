"""What makes `ledger import-journal` cheaper keeps every rule: the app built with the cycle collector off,
the endowment rule asked per (fund, account) pair, the cycle collector paused only while a file is
imported, SQLite's larger page cache only while it is written."""
import gc

import pytest
from click.testing import CliRunner

from ledger.accounts import importer
from ledger.accounts.models import Entry
from ledger.cli import cli
from ledger.core.collector import cyclic_gc_paused
from tests.accounts.test_import import (  # noqa: F401  (bundle, small_bundle: the import tests' fixtures)
    append_entry,
    bundle,
    count,
    read_rows,
    refused_with_nothing_written,
    run,
    small_bundle,
)


def test_the_command_list_and_a_books_command_work_through_the_ledger_group(tmp_path, small_bundle):
    env = {"LEDGER_DATABASE_URL": f"sqlite:///{tmp_path / 'books.sqlite3'}", "LEDGER_SECRET_KEY": "test"}
    listed = CliRunner().invoke(cli, ["--help"], env=env)
    assert all(name in listed.output for name in ("import-journal", "check", "trial-balance", "routes", "db", "run")), \
        listed.output
    assert CliRunner().invoke(cli, ["init", "--admin-username", "admin", "--admin-password", "mat-khau-dai-9"],
                              env=env).exit_code == 0
    imported = CliRunner().invoke(cli, ["import-journal", str(small_bundle)], env=env)
    assert imported.exit_code == 0 and "Đã nhập 300 bút toán" in imported.output, imported.output
    checked = CliRunner().invoke(cli, ["check"], env=env)
    assert checked.exit_code == 0 and "KHỚP" in checked.output, checked.output


def test_an_endowments_principal_spent_is_named_by_its_row(app, bundle, make_fund):
    make_fund("QTN", owner="VN")
    make_fund("QGOC", owner="VN", kind="endowment", income_fund="QTN")
    rows = read_rows(bundle)
    row = append_entry(bundle, rows, "T01-X01", [("614", "QGOC", 1000, 0), ("111", "QGOC", 0, 1000)])
    refused_with_nothing_written(app, bundle, f"Dòng {row}: không được chi từ vốn gốc của quỹ QGOC.")


def test_the_cycle_collector_is_on_again_after_an_import_even_a_refused_one(app, bundle):
    assert run(app, "import-journal", str(bundle)).exit_code == 0 and gc.isenabled()
    assert run(app, "import-journal", str(bundle)).exit_code != 0 and gc.isenabled()  # the same file again
    assert count(Entry) == 300


def test_a_paused_collector_stays_paused_for_whoever_paused_it():
    gc.disable()
    try:
        with cyclic_gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_sqlite_keeps_its_own_page_cache_once_the_journal_is_written(app, bundle, is_postgres):
    if is_postgres:
        pytest.skip("a SQLite setting")
    from ledger.extensions import db

    def cache_size():
        return db.session.connection().exec_driver_sql("PRAGMA cache_size").scalar_one()

    before = cache_size()
    importer.post_journal(importer.check_journal(bundle))
    assert cache_size() == before and count(Entry) == 300


def test_a_file_imported_again_is_refused_naming_when_in_vietnam_time(app, bundle):
    from sqlalchemy import select

    from ledger.core.audit import AuditEvent
    from ledger.core.dates import VN
    from ledger.extensions import db

    assert run(app, "import-journal", str(bundle)).exit_code == 0
    again = run(app, "import-journal", str(bundle))
    at = db.session.scalar(select(AuditEvent.at).where(AuditEvent.action == "journal.import"))
    assert again.exit_code != 0
    assert f"đã được nhập lúc {at.astimezone(VN):%d/%m/%Y %H:%M}; không nhập lại" in again.output, again.output
    assert at.astimezone(VN).utcoffset().total_seconds() == 7 * 3600

"""Nothing lost on the way: a backup killed (SIGKILL) while it writes leaves the previous file byte for byte and no
half file under the final name; a restore killed halfway leaves an empty database or a complete one, never half.

The kills are real: a child process whose copy step (shutil.copyfileobj, which zipfile uses to write the database
into the backup and the restore uses to unpack it) writes a first part, then sends itself SIGKILL; the PostgreSQL
restore is killed, with its pg_restore, while pg_restore is copying rows.
"""
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from ledger.backup import archive
from ledger.extensions import db
from tests.backup.conftest import app_on, cli

REPO = Path(__file__).resolve().parents[2]
GEN = REPO / "tests" / "data" / "bench" / "gen.py"
DIES_WHILE_COPYING = """
import os, shutil, signal, sys

def copy_a_part_then_die(source, target, length=0):
    target.write(source.read(64 * 1024))  # a first part of the database is written ...
    target.flush()
    os.kill(os.getpid(), signal.SIGKILL)  # ... then the process dies, as it would at a power cut or an OOM kill

shutil.copyfileobj = copy_a_part_then_die
from ledger.cli import main
main()
"""


def ledger_env(database_url: str) -> dict:
    return {**os.environ, "LEDGER_DATABASE_URL": database_url, "LEDGER_SECRET_KEY": "test"}


def killed_while_copying(*args, database_url: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-c", DIES_WHILE_COPYING, *map(str, args)], cwd=REPO, timeout=300,
                          env=ledger_env(database_url), capture_output=True, text=True)
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr  # killed before it could finish
    return done


def leftovers(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}{archive.PARTIAL}*"))


def test_a_backup_killed_while_writing_leaves_the_previous_one_intact(app, books, post, database_url, tmp_path):
    path = tmp_path / "nightly" / "ledger-2026-01-01.backup"
    assert cli(app, "backup", path).exit_code == 0
    previous = path.read_bytes()
    post("SL", [("111", "HOIPHI", 1000, 0), ("511", "HOIPHI", 0, 1000)], on=date(2025, 7, 1))
    db.session.remove()  # no transaction of ours open while the child copies the database

    killed_while_copying("backup", path, database_url=database_url)
    assert path.read_bytes() == previous
    [leftover] = leftovers(path)  # the killed run's folder, recognised by its name and its dead process id
    assert sorted(p.name for p in path.parent.iterdir()) == sorted([path.name, leftover.name])

    again = cli(app, "backup", path)
    assert again.exit_code == 0, again.output
    assert leftovers(path) == []
    assert path.read_bytes() != previous and "8 bút toán" in again.output


def test_a_sqlite_restore_killed_while_unpacking_leaves_no_database(app, books, tmp_path, is_postgres):
    if is_postgres:
        pytest.skip("the PostgreSQL restore is killed in pg_restore, below")
    backup = tmp_path / "books.backup"
    assert cli(app, "backup", backup).exit_code == 0
    target = tmp_path / "restored.sqlite3"

    killed_while_copying("restore", backup, database_url=f"sqlite:///{target}")
    assert not target.exists() or target.stat().st_size == 0  # empty: nothing `ledger run` would serve
    assert len(leftovers(target)) == 1

    with app_on(f"sqlite:///{target}") as other:
        restored = cli(other, "restore", backup)
    assert restored.exit_code == 0, restored.output
    assert leftovers(target) == []


def import_bundle(app, folder: Path, entries: int) -> None:
    """Enough rows that pg_restore is seen copying them."""
    subprocess.run([sys.executable, str(GEN), "--entries", str(entries), "--out-dir", str(folder)], check=True,
                   capture_output=True)
    assert cli(app, "import-journal", folder / f"journal-{entries}.csv").exit_code == 0


def pg_restore_sessions(database: str, *, copying: bool = False) -> int:
    admin = make_url(os.environ["LEDGER_TEST_DATABASE_URL"]).set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False)) as conn:
        return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name = "
                            "'pg_restore' AND (NOT %s OR query LIKE 'COPY %%')", (database, copying)).fetchone()[0]


@pytest.mark.postgres
def test_a_postgres_restore_killed_in_pg_restore_leaves_nothing(app, books, tmp_path, empty_database, is_postgres):
    assert is_postgres
    import_bundle(app, tmp_path / "bundle", 2000)
    backup = tmp_path / "books.backup"
    assert cli(app, "backup", backup).exit_code == 0
    db.session.remove()
    target = make_url(empty_database).database
    child = subprocess.Popen([sys.executable, "-c", "from ledger.cli import main; main()", "restore", str(backup)],
                             cwd=REPO, env=ledger_env(empty_database), start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not pg_restore_sessions(target, copying=True):
            assert child.poll() is None, "the restore ended before pg_restore was seen copying rows"
    finally:
        os.killpg(child.pid, signal.SIGKILL)  # the command and its pg_restore, mid-transaction
    assert child.wait() == -signal.SIGKILL
    while pg_restore_sessions(target):  # the server rolls the dead session back once it notices
        time.sleep(0.05)

    with app_on(empty_database) as other:
        tables = inspect(db.engine).get_table_names()
        if tables:  # the COMMIT beat the kill: then everything is there and checks out
            assert cli(other, "check").exit_code == 0
    assert tables == [] or "lines" in tables

"""PostgreSQL: pg_dump (custom format) reads the very snapshot the manifest is taken in, exported from a
REPEATABLE READ transaction; pg_restore runs as one transaction, so a restore killed halfway leaves nothing.
"""
import os
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from ledger.backup import archive
from ledger.backup.manifest import take
from ledger.core.errors import LedgerError
from ledger.core.i18n import _, _l


class ToolFailed(LedgerError, code="tool_failed", status=500,
                 message=_l("%(program)s không chạy được: %(error)s")): ...


def dump(url: URL, work: Path) -> tuple[Path, dict]:
    copy = work / archive.DATABASES["postgresql"]
    engine = create_engine(url, poolclass=NullPool, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn, conn.begin():
            conn.execute(text("SET TRANSACTION READ ONLY"))
            snapshot = conn.scalar(text("SELECT pg_export_snapshot()"))
            manifest = take(conn)
            # pg_dump sees the exported snapshot only while this transaction stays open
            run("pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={copy}", url=url)
    finally:
        engine.dispose()
    return copy, manifest


def restore(backup: Path, url: URL) -> None:
    with tempfile.TemporaryDirectory(prefix="ledger-restore-") as work:
        unpacked = Path(work) / archive.DATABASES["postgresql"]
        archive.extract_database(backup, "postgresql", unpacked)
        # --no-owner/--no-privileges: the target server need not have the roles of the one that was dumped
        run("pg_restore", "--single-transaction", "--no-owner", "--no-privileges", "--exit-on-error", str(unpacked),
            url=url)


def run(program: str, *args: str, url: URL) -> None:
    """A PostgreSQL client program on the database of `url`; the password goes by PGPASSWORD, never argv."""
    libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = {**os.environ, **({"PGPASSWORD": str(url.password)} if url.password else {})}
    try:
        done = subprocess.run([program, *args, f"--dbname={libpq}"], env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise ToolFailed(program=program, error=_("không tìm thấy chương trình (cài gói postgresql-client)")) from None
    if done.returncode:
        raise ToolFailed(program=program, error=done.stderr.strip()[-2000:])

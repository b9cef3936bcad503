"""Backing up the configured database into one file, and restoring such a file into an empty database then
comparing the restored books with the backup's manifest; the engines' own copying is in sqlite.py and postgres.py.
"""
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from ledger.backup import archive, postgres, sqlite
from ledger.backup.manifest import differences, of_database, totals
from ledger.core import audit
from ledger.core.dates import VN
from ledger.core.errors import Conflict, LedgerError
from ledger.core.i18n import _l
from ledger.extensions import db

ENGINES = {"sqlite": sqlite, "postgresql": postgres}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
SUFFIX = ".backup"
LISTED = 60  # the page shows the newest backups: two months of nightly ones


class WrongEngine(LedgerError, code="wrong_engine", status=422, message=_l(
        "Bản sao lưu này là của %(backup)s, còn cơ sở dữ liệu đích là %(target)s: không khôi phục được.")): ...


class NotEmpty(LedgerError, code="not_empty", status=409, message=_l(
        "Cơ sở dữ liệu đích đã có %(count)s bảng (%(names)s…): chỉ khôi phục vào một cơ sở dữ liệu trống. "
        "Không thay đổi gì.")): ...


@dataclass
class Backup:
    path: Path
    size: int
    manifest: dict


@dataclass
class Restored:
    manifest: dict
    differences: list[str]


def configured_url() -> URL:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def engine_module(url: URL):
    module = ENGINES.get(url.get_backend_name())
    if module is None:
        raise WrongEngine(backup=" / ".join(ENGINE_NAMES.values()), target=url.get_backend_name())
    return module


def make_backup(path: Path) -> Backup:
    """A consistent copy of the configured database at `path`. Until it is complete the previous file there stays
    as it was: everything is written under `path.partial-<pid>` (a killed run's folder goes at the next backup)."""
    url, path = configured_url(), path.absolute()
    module = engine_module(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    archive.remove_stale_partials(path)
    work = archive.partial(path)
    work.mkdir()
    try:
        database, manifest = module.dump(url, work)
        archive.write(work / "backup.zip", manifest, database)
        archive.replace(work / "backup.zip", path)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Backup(path, path.stat().st_size, manifest)


def restore_backup(path: Path) -> Restored:
    """Into the configured database, which must be empty; then the restored books' manifest against the file's."""
    url, manifest = configured_url(), archive.read_manifest(path)
    if manifest["engine"] != url.get_backend_name():
        raise WrongEngine(backup=ENGINE_NAMES.get(manifest["engine"], manifest["engine"]),
                          target=ENGINE_NAMES.get(url.get_backend_name(), url.get_backend_name()))
    refuse_unless_empty(url)
    engine_module(url).restore(path, url)
    db.engine.dispose()  # connections opened on the empty database would not see what was restored
    return Restored(manifest, differences(manifest, of_database(url)))


def refuse_unless_empty(url: URL) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        tables = sorted(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    if tables:
        raise NotEmpty(count=len(tables), names=", ".join(tables[:3]))


def size_text(size: int) -> str:
    """Bytes the Vietnamese way: "12,3 MB", "840 kB"."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1000))} kB"


# ---- the backups folder (the admin page) ----------------------------------------------------------------------

def backup_folder() -> Path:
    """LEDGER_BACKUP_DIR, else `<instance>/backups`: where the nightly timer and the page write."""
    return Path(os.environ.get("LEDGER_BACKUP_DIR") or Path(current_app.instance_path) / "backups")


@dataclass
class Listed:
    name: str
    size: int
    taken_at: datetime | None
    summary: dict


def list_backups(folder: Path) -> list[Listed]:
    """The newest backups in the folder, each with the totals its file carries (None when it cannot be read)."""
    files = [path for path in folder.glob(f"*{SUFFIX}") if path.is_file()] if folder.is_dir() else []
    return [listed_backup(path) for path in sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)[:LISTED]]


def listed_backup(path: Path) -> Listed:
    try:
        summary = archive.read_summary(path)
    except archive.NotABackup:
        summary = {}
    taken_at = datetime.fromisoformat(summary["taken_at"]) if "taken_at" in summary else None
    return Listed(path.name, path.stat().st_size, taken_at, summary)


def backup_now(*, by) -> Backup:
    """A backup from the page, named by the Vietnam time it is taken; only SQLite (on PostgreSQL the operator
    runs `ledger backup`, which needs pg_dump on the server and may take long)."""
    if configured_url().get_backend_name() != "sqlite":
        raise Conflict(_l("Trên PostgreSQL, sao lưu bằng lệnh `ledger backup` trên máy chủ."))
    name = f"ledger-{datetime.now(VN):%Y-%m-%d-%H%M%S}{SUFFIX}"
    made = make_backup(backup_folder() / name)
    audit.record("backup.create", "backup", name, by=by, after={"size": made.size, **totals(made.manifest)})
    return made

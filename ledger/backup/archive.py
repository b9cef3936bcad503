"""The backup file: one zip holding `manifest.json` and the database, its totals in the zip comment so a list of
backups reads them without unpacking; written under a `FILE.partial-<pid>` folder and renamed only when complete.
"""
import json
import os
import shutil
import zipfile
from contextlib import contextmanager
from pathlib import Path

from ledger.backup.manifest import totals
from ledger.core.errors import LedgerError
from ledger.core.i18n import _l

MANIFEST = "manifest.json"
DATABASES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
PARTIAL = ".partial-"


class NotABackup(LedgerError, code="not_a_backup", status=422, message=_l(
        "Tệp %(file)s không phải bản sao lưu của sổ sách (thiếu manifest.json hoặc cơ sở dữ liệu).")): ...


def write(path: Path, manifest: dict, database: Path) -> None:
    """The zip at `path` (a temporary name), flushed to disk. A pg_dump file is compressed already: stored as is."""
    compression = zipfile.ZIP_DEFLATED if manifest["engine"] == "sqlite" else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", compression=compression, allowZip64=True) as archive:
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1),
                         compress_type=zipfile.ZIP_DEFLATED)
        archive.write(database, DATABASES[manifest["engine"]])
        archive.comment = json.dumps({"taken_at": manifest["taken_at"], "engine": manifest["engine"],
                                      **totals(manifest)}).encode()
    fsync(path)


def read_manifest(path: Path) -> dict:
    with opened(path) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        if DATABASES.get(manifest.get("engine")) not in archive.namelist():
            raise NotABackup(file=path.name)
        return manifest


def read_summary(path: Path) -> dict:
    """taken_at, engine, units, entries, lines: from the zip comment, without unpacking anything."""
    with opened(path) as archive:
        return json.loads(archive.comment or b"{}")


def extract_database(path: Path, engine: str, target: Path) -> None:
    """The database file of the backup, copied to `target` and flushed to disk."""
    with opened(path) as archive, archive.open(DATABASES[engine]) as source, open(target, "wb") as copy:
        shutil.copyfileobj(source, copy, 1024 * 1024)
    fsync(target)


@contextmanager
def opened(path: Path):
    try:
        with zipfile.ZipFile(path) as archive:
            yield archive
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise NotABackup(file=path.name) from None


def partial(path: Path) -> Path:
    """This process's temporary name beside `path`: on the same file system, so the final rename is atomic."""
    return path.with_name(f"{path.name}{PARTIAL}{os.getpid()}")


def remove_stale_partials(path: Path) -> None:
    """What a killed backup or restore of `path` left behind: `FILE.partial-<pid>` of a process that is gone."""
    for leftover in path.parent.glob(f"{path.name}{PARTIAL}*"):
        pid = leftover.name.rsplit(PARTIAL, 1)[1]
        if pid.isdigit() and not is_running(int(pid)):
            shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive, and not ours to clean up after
        return True
    return True


def replace(source: Path, target: Path) -> None:
    """Rename over `target` in one step, then make the rename itself durable."""
    os.replace(source, target)
    fsync(target.parent)


def fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


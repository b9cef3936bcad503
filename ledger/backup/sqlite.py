"""SQLite: the online backup API copies the live file in one step under a read snapshot (in WAL mode the
service's writers go on meanwhile); a restore unpacks beside the target and renames it into place at once.
"""
import sqlite3
from pathlib import Path

from sqlalchemy.engine import URL

from ledger.backup import archive
from ledger.backup.manifest import of_database
from ledger.core.errors import NotFound
from ledger.core.i18n import _


def dump(url: URL, work: Path) -> tuple[Path, dict]:
    """The database copied into `work`, and the manifest of that copy (so it describes exactly what is kept)."""
    if not Path(url.database).is_file():
        raise NotFound(_("Không có tệp cơ sở dữ liệu %(file)s để sao lưu.", file=url.database))
    copy = work / archive.DATABASES["sqlite"]
    source, target = sqlite3.connect(url.database, timeout=30), sqlite3.connect(copy)
    try:
        source.backup(target)  # pages=-1: every page in one step, so a busy writer cannot make it start over
    finally:
        target.close()
        source.close()
    return copy, of_database(f"sqlite:///{copy}")


def restore(backup: Path, url: URL) -> None:
    """Unpacked to `TARGET.partial-<pid>`, then renamed: the target is absent (or empty) or complete, never half."""
    target = Path(url.database).absolute()
    archive.remove_stale_partials(target)
    unpacked = archive.partial(target)
    archive.extract_database(backup, "sqlite", unpacked)
    archive.replace(unpacked, target)

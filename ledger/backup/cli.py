"""`ledger backup FILE` and `ledger restore FILE`: one zip file (manifest and database) out, and back into an empty
database, where the restored books are compared with the manifest and checked as `ledger check` does.
"""
import sys
from datetime import datetime
from pathlib import Path

import click

from ledger.accounts import verify
from ledger.accounts.cli import print_verdict
from ledger.backup import services
from ledger.backup.manifest import totals
from ledger.core.errors import LedgerError
from ledger.core.i18n import _
from ledger.reports.formats import vn_time
from ledger.setup import schema_state


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path):
    """A consistent copy of the database, taken while the service runs; FILE is replaced only when complete."""
    made = refusing(lambda: services.make_backup(path))
    click.echo(_("Đã sao lưu vào %(file)s (%(size)s): %(units)s đơn vị, %(entries)s bút toán, %(lines)s dòng.",
                 file=made.path, size=services.size_text(made.size), **totals(made.manifest)))


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(path):
    """Into an empty database only; then the books are compared with the backup's manifest and checked.
    Exits 1 on any difference."""
    restored = refusing(lambda: services.restore_backup(path))
    click.echo(_("Đã khôi phục %(file)s (sao lưu lúc %(at)s): %(units)s đơn vị, %(entries)s bút toán.",
                 file=path.name, at=vn_time(datetime.fromisoformat(restored.manifest["taken_at"])),
                 **totals(restored.manifest)))
    for problem in restored.differences:
        click.echo(problem, err=True)
    click.echo(_("So với bản kê trong tệp sao lưu: KHỚP.") if not restored.differences else
               _("So với bản kê trong tệp sao lưu: %(count)s khác biệt.", count=len(restored.differences)))
    if schema_state() == "behind":  # the code's models cannot read older tables: upgrade first, then check
        click.echo(_("Bản sao lưu ở phiên bản lược đồ %(revision)s, cũ hơn mã nguồn này: chạy `ledger db upgrade`, "
                     "sau đó `ledger check`.", revision=restored.manifest["revision"]))
        sys.exit(1 if restored.differences else 0)
    books_match = print_verdict(verify.verify_all())
    sys.exit(0 if books_match and not restored.differences else 1)


def refusing(work):
    """work(); a refusal ends the command with its Vietnamese message and exit status 1."""
    try:
        return work()
    except LedgerError as exc:
        click.echo(exc.detail, err=True)
        sys.exit(1)


def register_commands(app):
    for command in (backup_command, restore_command):
        app.cli.add_command(command)

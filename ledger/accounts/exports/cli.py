"""`ledger export-journal`: a unit's books, or its subtree's, as an interchange bundle, an hledger journal or a
beancount file. Everything is checked before a byte is written, and the file appears only when complete."""
import time
from pathlib import Path

import click

from ledger.accounts.exports.beancount import write_beancount
from ledger.accounts.exports.bundle import write_bundle
from ledger.accounts.exports.hledger import write_hledger
from ledger.accounts.exports.journal import Written, export_scope
from ledger.accounts.forms import optional_date
from ledger.core.db import is_postgres
from ledger.core.errors import LedgerError, ValidationFailed
from ledger.core.i18n import _
from ledger.extensions import db

FORMATS = {"bundle": write_bundle, "hledger": write_hledger, "beancount": write_beancount}


@click.command("export-journal")
@click.option("--unit", "unit_code", required=True, help="Mã đơn vị có sổ cần xuất.")
@click.option("--subtree", is_flag=True, help="Xuất cả sổ của mọi đơn vị trực thuộc, mỗi đơn vị dưới mã của mình.")
@click.option("--from", "start", help="Từ ngày (31/03/2026 hoặc 2026-03-31); sổ trước đó thành một bút toán số dư.")
@click.option("--to", "end", help="Đến hết ngày (31/03/2026 hoặc 2026-03-31).")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="bundle", show_default=True)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def export_journal_command(unit_code, subtree, start, end, fmt, path):
    """Write a unit's books to PATH (bundle: PATH is the journal, units/accounts/funds.csv go beside it)."""
    began = time.monotonic()
    try:
        written = export_journal(unit_code, subtree, start, end, fmt, path)
    except LedgerError as exc:  # nothing was written: say why, no traceback
        raise click.ClickException(option_named(exc)) from None
    click.echo(_("Đã xuất %(entries)s bút toán, %(lines)s dòng vào %(file)s (%(seconds)s giây).",
                 entries=written.entries, lines=written.lines, file=path, seconds=f"{time.monotonic() - began:.1f}"))


def export_journal(unit_code: str, subtree: bool, start: str | None, end: str | None, fmt: str,
                   path: Path) -> Written:
    read_one_snapshot()
    scope = export_scope(unit_code, subtree=subtree, start=optional_date(start, "from"),
                         end=optional_date(end, "to"))
    if not path.parent.is_dir():
        raise ValidationFailed(_("Không có thư mục %(folder)s.", folder=path.parent))
    return FORMATS[fmt](scope, path)


def read_one_snapshot() -> None:
    """On PostgreSQL the whole export reads one REPEATABLE READ snapshot, so the opening balances, the codes and
    the stream of entries agree while others post. (Our SQLite transactions begin IMMEDIATE: writers wait.)"""
    if is_postgres(db.session):
        db.session.rollback()  # this read-only command owns the session: start its one transaction afresh
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def option_named(exc: LedgerError) -> str:
    return f"--{exc.field}: {exc.detail}" if exc.field in ("from", "to") else exc.detail

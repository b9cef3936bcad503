"""`ledger check`, `ledger trial-balance` and `ledger import-journal`."""
import csv
import sys
from pathlib import Path

import click

from ledger.accounts import balances, importer, verify
from ledger.accounts.journal_checks import JournalPlan
from ledger.core.collector import cyclic_gc_paused
from ledger.core.edge import unit_of_work
from ledger.core.errors import LedgerError
from ledger.core.i18n import _
from ledger.units.services import get_unit


@click.command("check")
@click.option("--unit", "unit_code", help="Chỉ kiểm tra một đơn vị.")
def check_command(unit_code):
    """Recompute every hash chain and kept balance from the lines; exit 1 on any difference."""
    results = [verify.verify_unit(get_unit(unit_code))] if unit_code else verify.verify_all()
    sys.exit(0 if print_verdict(results) else 1)


def print_verdict(results) -> bool:
    """Each problem found (on stderr), then the one verdict line; True when the books match.
    `ledger restore` prints the same after checking what it restored."""
    bad = checked = units = 0
    for result in results:
        units += 1
        checked += result.entries_checked
        for problem in result.problems:
            bad += 1
            click.echo(f"{result.unit}: {problem}", err=True)
    click.echo(f"Đã kiểm tra {units} đơn vị, {checked} bút toán: "
               + ("KHỚP, không có sai lệch." if not bad else f"{bad} sai lệch."))
    return not bad


@click.command("trial-balance")
@click.option("--unit", "unit_code", required=True)
@click.option("--consolidated", is_flag=True)
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table")
def trial_balance_command(unit_code, consolidated, as_of, fmt):
    """Print a unit's (or its consolidated subtree's) trial balance."""
    report = balances.trial_balance(get_unit(unit_code), as_of=as_of.date() if as_of else None,
                                    consolidated=consolidated)
    columns = ("account", "fund", "debit_total", "credit_total", "balance")
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([row[c] for c in columns] for row in report["rows"])
        return
    click.echo(f"Bảng cân đối thử {report['unit']} đến {report['as_of']:%d/%m/%Y}"
               + (" (hợp nhất)" if consolidated else ""))
    click.echo(f"{'TK':<8}{'Quỹ':<16}{'Nợ':>20}{'Có':>20}{'Số dư':>20}")
    for row in report["rows"]:
        click.echo(f"{row['account']:<8}{row['fund']:<16}{row['debit_total']:>20,}{row['credit_total']:>20,}"
                   f"{row['balance']:>20,}".replace(",", "."))
    totals = report["totals"]
    click.echo(f"{'Cộng':<24}{totals['debit']:>20,}{totals['credit']:>20,}".replace(",", "."))


@click.command("import-journal")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--batch-size", default=20000, show_default=True, type=click.IntRange(1),
              help="Số bút toán mỗi lô ghi sổ (cả tệp vẫn trong một giao dịch cơ sở dữ liệu).")
def import_journal_command(path, batch_size):
    """Import a journal bundle (journal CSV; units.csv, accounts.csv, funds.csv beside it): all or nothing."""
    try:
        plan = import_journal(path, batch_size)
    except LedgerError as exc:  # the unit of work kept nothing: say why and fail
        click.echo(_("Không nhập gì từ %(file)s:", file=path.name), err=True)
        click.echo(exc.detail, err=True)
        sys.exit(1)
    importer.refresh_statistics()
    click.echo(_("Đã nhập %(entries)s bút toán, %(lines)s dòng; tạo mới %(units)s đơn vị, %(accounts)s tài khoản, "
                 "%(funds)s quỹ.", entries=plan.entries, lines=plan.lines, units=len(plan.new_units),
                 accounts=len(plan.new_accounts), funds=len(plan.new_funds)))


@unit_of_work
def import_journal(path: Path, batch_size: int) -> JournalPlan:
    """Check the whole bundle, then post it batch by batch; committed once, before the statistics refresh."""
    with cyclic_gc_paused():  # about a fifth of the command's CPU otherwise
        plan = importer.check_journal(path)
        click.echo(_("Đã kiểm tra %(file)s: %(entries)s bút toán, %(lines)s dòng, không có lỗi.",
                     file=path.name, entries=plan.entries, lines=plan.lines))
        with Progress(plan.entries, _("Ghi sổ")) as advance:
            importer.post_journal(plan, batch_size=batch_size, on_batch=advance)
    return plan


class Progress:
    """A click progress bar on a terminal; elsewhere (logs, pipes) one line per step."""

    def __init__(self, total: int, label: str):
        self.total, self.label, self.done = total, label, 0
        self.bar = click.progressbar(length=total, label=label, file=sys.stderr) if sys.stderr.isatty() else None

    def __enter__(self):
        if self.bar:
            self.bar.__enter__()
        return self.advance

    def advance(self, count: int) -> None:
        self.done += count
        if self.bar:
            self.bar.update(count)
        else:
            click.echo(f"{self.label}: {self.done}/{self.total}", err=True)

    def __exit__(self, *exc):
        if self.bar:
            self.bar.__exit__(*exc)


def register_commands(app):
    for command in (check_command, trial_balance_command, import_journal_command):
        app.cli.add_command(command)

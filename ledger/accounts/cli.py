"""`ledger check` and `ledger trial-balance`."""
import csv
import sys

import click

from ledger.accounts import balances, verify
from ledger.units.services import get_unit


@click.command("check")
@click.option("--unit", "unit_code", help="Chỉ kiểm tra một đơn vị.")
def check_command(unit_code):
    """Recompute every hash chain and kept balance from the lines; exit 1 on any difference."""
    results = [verify.verify_unit(get_unit(unit_code))] if unit_code else verify.verify_all()
    bad = checked = units = 0
    for result in results:
        units += 1
        checked += result.entries_checked
        for problem in result.problems:
            bad += 1
            click.echo(f"{result.unit}: {problem}", err=True)
    click.echo(f"Đã kiểm tra {units} đơn vị, {checked} bút toán: "
               + ("KHỚP, không có sai lệch." if not bad else f"{bad} sai lệch."))
    sys.exit(1 if bad else 0)


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


def register_commands(app):
    for command in (check_command, trial_balance_command):
        app.cli.add_command(command)

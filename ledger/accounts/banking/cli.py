"""`ledger import-xlsx`: opening balances or a donor list from an XLSX/CSV file, with a progress bar."""
import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext

from ledger.accounts.banking.services import excel_import
from ledger.auth.services import get_user
from ledger.core.edge import unit_of_work
from ledger.units.services import get_unit


@click.command("import-xlsx")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--unit", "unit_code", required=True, help="Đơn vị nhận dữ liệu (và các đơn vị trực thuộc).")
@click.option("--kind", type=click.Choice(["opening-balances", "donors"]), required=True)
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d", "%d/%m/%Y"]),
              help="Ngày ghi số dư đầu kỳ (bắt buộc với opening-balances).")
@click.option("--user", "username", help="Người thực hiện, ghi vào nhật ký thay đổi.")
@with_appcontext
@unit_of_work
def import_xlsx_command(path: Path, unit_code: str, kind: str, on, username: str | None):
    """Check every row first; any wrong row stops the import and nothing is written."""
    unit, by = get_unit(unit_code), get_user(username) if username else None
    if kind == "opening-balances" and on is None:
        raise click.UsageError("--date là bắt buộc khi nhập số dư đầu kỳ.")
    with click.progressbar(length=1, label="Đang kiểm tra các dòng", file=sys.stderr) as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)
        data = path.read_bytes()
        if kind == "opening-balances":
            result = excel_import.import_opening_balances(unit, data, path.name, on=date.fromordinal(on.toordinal()),
                                                          by=by, progress=progress)
        else:
            result = excel_import.import_donors(unit, data, path.name, by=by, progress=progress)
    if kind == "opening-balances":
        click.echo(f"Đã nhập {result.rows} dòng số dư đầu kỳ cho {result.created} đơn vị: {', '.join(result.entries)}.")
    else:
        click.echo(f"Đã đọc {result.rows} dòng: thêm {result.created} nhà hảo tâm, {result.existing} người đã có.")

"""`ledger units …` commands."""
import click
from flask.cli import AppGroup

from ledger.core.edge import unit_of_work

units_cli = AppGroup("units", help="Cây đơn vị Hội.")


@units_cli.command("import-divisions")
@click.option("--province", "province_names", multiple=True,
              help="Tên tỉnh/thành phố (2025), ví dụ \"Sơn La\"; lặp lại cho nhiều tỉnh.")
@click.option("--all", "import_all", is_flag=True, help="Cả 34 tỉnh/thành phố và 3.321 xã/phường.")
def import_divisions(province_names, import_all):
    """Create provinces and their communes from the 2025 administrative divisions."""
    from vietnam_provinces import Province

    if import_all:
        province_names = [p.name for p in Province.iter_all()]
    if not province_names:
        raise click.UsageError("Cần --province TÊN hoặc --all.")
    for name in province_names:
        click.echo(import_one_province(name))


@unit_of_work
def import_one_province(name: str) -> str:
    """A province is one unit of work: an `--all` import stopped halfway keeps the provinces it finished."""
    from ledger.units import divisions  # vietnam_provinces costs ~0.1 s: only this command needs it

    with click.progressbar(length=divisions.ward_count(name), label=name) as bar:
        unit, created = divisions.import_province(name, progress=bar.update)
    return f"{unit.code} {unit.name}: {created} đơn vị mới"

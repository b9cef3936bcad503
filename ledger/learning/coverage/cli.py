"""`ledger learning recount [--unit CODE]` rebuilds the kept counts of a subtree (every tree without --unit)
from the registry; `ledger learning check [--unit CODE]` compares them with a full count, exit 1 on any
difference."""
import click
from flask.cli import AppGroup

from ledger.core.edge import unit_of_work
from ledger.core.i18n import _
from ledger.learning import tallies
from ledger.units.services import get_unit, roots

learning_cli = AppGroup("learning", help="Xã hội học tập: đếm lại và kiểm tra số liệu đã cộng dồn.")


def chosen_roots(unit_code: str | None):
    return [get_unit(unit_code)] if unit_code else roots()


@learning_cli.command("recount")
@click.option("--unit", "unit_code", default=None, help="Mã đơn vị; mặc định cả cây.")
@unit_of_work
def recount_command(unit_code):
    """Rebuild the kept tallies and population sums of the subtree from the registry rows."""
    for root in chosen_roots(unit_code):
        written = tallies.recount(root)
        click.echo(_("%(unit)s: đã đếm lại %(tallies)s dòng số liệu, %(bases)s dòng dân số và số hộ",
                     unit=root.code, tallies=written["tallies"], bases=written["bases"]))


@learning_cli.command("check")
@click.option("--unit", "unit_code", default=None, help="Mã đơn vị; mặc định cả cây.")
def check_command(unit_code):
    """Compare the kept counts with a count of the registry; list every difference, exit 1 if any."""
    differences = [item for root in chosen_roots(unit_code) for item in tallies.verify_counts(root)]
    for item in differences:
        click.echo(f"{item['unit']}\t{item['year'] or ''}\t{item['model'] or ''}\t{item['count']}\t"
                   f"{_('đang giữ')} {item['kept']}\t{_('đếm lại')} {item['counted']}")
    click.echo(_("KHỚP") if not differences else _("KHÔNG KHỚP: %(count)s số liệu lệch", count=len(differences)))
    raise SystemExit(1 if differences else 0)

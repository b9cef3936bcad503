"""`ledger reports …`: draft and publish a statement, verify a hash, list who has not reported."""
import click
from flask.cli import AppGroup

from ledger.core.edge import unit_of_work
from ledger.core.i18n import _
from ledger.reports import rollup, services
from ledger.reports.models import REPORT_KINDS
from ledger.units.services import get_unit

reports_cli = AppGroup("reports", help="Báo cáo công khai và báo cáo định kỳ.")
DATE = click.DateTime(formats=["%Y-%m-%d"])


@reports_cli.command("statement")
@click.option("--unit", "unit_code", required=True)
@click.option("--from", "start", type=DATE, required=True)
@click.option("--to", "end", type=DATE, required=True)
@click.option("--consolidated", is_flag=True, help="Hợp nhất các đơn vị trực thuộc.")
@click.option("--publish", is_flag=True, help="Công bố ngay sau khi lập.")
@click.option("--reason", default=None, help="Lý do đính chính khi kỳ này đã có bản công bố.")
@unit_of_work
def statement_command(unit_code, start, end, consolidated, publish, reason):
    """Draft a statement from the closed books (and publish it)."""
    statement = services.create_statement(get_unit(unit_code), {
        "period_start": start.date(), "period_end": end.date(), "consolidated": consolidated})
    if publish:
        services.publish_statement(statement, {"reason": reason})
    click.echo(f"{statement.id}\t{statement.status}\t{statement.version or ''}\t{statement.hash or ''}")


@reports_cli.command("verify")
@click.argument("digest")
def verify_command(digest):
    """Recompute a published statement's hash and check the books still pass through its anchors;
    exit 1 when either does not match."""
    result = services.verification(digest)
    click.echo(_("KHỚP") if result["valid"] else _("KHÔNG KHỚP"))
    if result["books_match"] is False and result["valid"]:
        click.echo(_("Sổ sách tính lại hôm nay không còn đi qua các mốc báo cáo đã chốt: sổ đã bị viết lại."))
    raise SystemExit(0 if result["valid"] and result["books_match"] is not False else 1)


@reports_cli.command("missing")
@click.option("--unit", "unit_code", required=True)
@click.option("--kind", type=click.Choice(REPORT_KINDS), default="yearly")
@click.option("--period", default=None, help="2026-03, 2026-Q1 hoặc 2026; mặc định kỳ vừa kết thúc.")
def missing_command(unit_code, kind, period):
    """Child units that have not sent their report by the deadline."""
    status = rollup.children_status(get_unit(unit_code), kind, period or rollup.last_closed_period(kind))
    click.echo(_("Hạn gửi %(date)s: %(late)s/%(all)s đơn vị quá hạn chưa gửi", date=f"{status['deadline']:%d/%m/%Y}",
                 late=len(status["missing"]), all=len(status["children"])))
    for row in status["children"]:
        if row["overdue"]:
            click.echo(f"{row['unit']}\t{row['name']}")

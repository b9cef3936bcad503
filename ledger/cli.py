"""The `ledger` command: a Flask CLI group; each feature adds its own commands."""
import gc
import os

import click
from flask.cli import FlaskGroup, ScriptInfo, run_command, with_appcontext

from ledger import create_app
from ledger.core.collector import cyclic_gc_paused
from ledger.core.errors import LedgerError

# click writes its own headings and the --help line in English (its gettext domain has no Vietnamese catalog).
CLICK_WORDS = {"Options": "Tùy chọn", "Commands": "Lệnh", "Arguments": "Tham số",
               "Show this message and exit.": "Hiện hướng dẫn này rồi thoát."}
USAGE_WORDS = {"[OPTIONS]": "[TÙY CHỌN]", "COMMAND [ARGS]...": "LỆNH [THAM SỐ]..."}


class VietnameseHelp(click.HelpFormatter):
    """`ledger … --help` in Vietnamese: "Cách dùng:", "Tùy chọn:", "Lệnh:" around the commands' own texts."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english, vietnamese in USAGE_WORDS.items():
            args = args.replace(english, vietnamese)
        super().write_usage(prog, args, "Cách dùng: " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(CLICK_WORDS.get(heading, heading))

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, CLICK_WORDS.get(text, text)) for term, text in rows], col_max, col_spacing)


class LedgerContext(click.Context):
    formatter_class = VietnameseHelp


def in_vietnamese(command: click.Command | None) -> click.Command | None:
    """The command and, for a group, every command under it format their help with VietnameseHelp."""
    if command is not None:
        command.context_class = LedgerContext
        for child in getattr(command, "commands", {}).values():
            in_vietnamese(child)
    return command


class LedgerGroup(FlaskGroup):
    """Domain errors end a command with their Vietnamese message, not a traceback; help reads in Vietnamese
    for every command, the features' ones included (they join when the app loads, hence get_command)."""

    context_class = LedgerContext

    def get_command(self, ctx, name):
        return in_vietnamese(super().get_command(ctx, name))

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except LedgerError as exc:
            raise click.ClickException(exc.detail) from None


def make_app(*_args, **_kwargs):
    """The command's app, built with the cycle collector paused, its objects then frozen out of later
    collections (they live as long as the process): about an eighth of the start-up's CPU."""
    with cyclic_gc_paused():
        app = create_app()
    gc.freeze()
    return app


cli = LedgerGroup(create_app=make_app, help="Sổ sách Quỹ khuyến học, khuyến tài.")


def main():
    os.environ.setdefault("FLASK_RUN_PORT", "5000")
    cli.main(prog_name="ledger")


@cli.command("init")
@click.option("--admin-username", required=True)
@click.option("--admin-password", required=True)
@click.option("--admin-name", default="Quản trị hệ thống")
@with_appcontext
def init_command(admin_username, admin_password, admin_name):
    """Empty database → schema, chart of accounts, first admin. Safe to run twice."""
    from ledger.core.errors import LedgerError
    from ledger.setup import initialise

    try:
        created = initialise(admin_username, admin_password, admin_name)
    except LedgerError as exc:  # e.g. a password the policy refuses: say which rule, no traceback
        raise click.ClickException(exc.detail) from None
    click.echo("Đã khởi tạo cơ sở dữ liệu." if created else "Cơ sở dữ liệu đã sẵn sàng; không tạo lại.")


@cli.command("demo")
@click.option("--host", default="127.0.0.1", metavar="ĐỊA_CHỈ", help="Địa chỉ máy chủ lắng nghe (mặc định 127.0.0.1).")
@click.option("--port", default=5000, type=int, metavar="CỔNG", help="Cổng của máy chủ (mặc định 5000).")
@click.option("--no-serve", is_flag=True, help="Chỉ nạp dữ liệu mẫu, không chạy máy chủ.")
@with_appcontext
def demo_command(host, port, no_serve):
    """Nạp dữ liệu mẫu (Sơn La, Bình Lư, Bồ Đề) vào cơ sở dữ liệu rồi chạy máy chủ; chạy lại không nhân đôi."""
    from flask import current_app
    from werkzeug.serving import run_simple

    from ledger.demo.load import load_demo
    from ledger.extensions import db

    summary = load_demo()
    db.session.remove()  # release SQLite's write lock before the server's threads need it
    click.echo(summary)
    if not no_serve:
        click.echo(f"Mở http://{host}:{port}/  —  đăng nhập: admin / khuyenhoc2026 (xem README)")
        # Flask ignores app.run() inside its own CLI; serve with Werkzeug directly.
        run_simple(host, port, current_app._get_current_object(), threaded=True, use_reloader=False)



# Flask's `run`, refusing a database it could only answer with errors (a fresh folder, a forgotten upgrade).
@cli.command("run", params=run_command.params, help=run_command.help, short_help=run_command.short_help)
@click.pass_context
def run_ready_command(ctx, **options):
    from ledger.setup import schema_state

    with ctx.ensure_object(ScriptInfo).load_app().app_context():
        state = schema_state()
    if state == "empty":
        raise click.ClickException("Cơ sở dữ liệu còn trống: chạy `ledger init --admin-username … --admin-password …`"
                                   " hoặc `ledger demo` trước.")
    if state == "behind":
        raise click.ClickException("Cơ sở dữ liệu cũ hơn phiên bản này: sao lưu (`ledger backup TỆP`) rồi chạy"
                                   " `ledger db upgrade`.")
    ctx.invoke(run_command, **options)

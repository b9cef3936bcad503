"""The books: chart, funds, posting, balances, verification and the journal import. The features that
post to them live in the packages beside: treasury/, community/, campaigns/, banking/."""


def init_app(app):
    from ledger.accounts import models  # noqa: F401  (tables)
    from ledger.accounts.api import accounts_api
    from ledger.accounts.cli import register_commands
    from ledger.accounts.exports.cli import export_journal_command
    from ledger.accounts.routes import accounts_pages, funds_panel
    from ledger.core.hooks import register
    from ledger.extensions import api
    from ledger.units.routes import unit_panels

    api.register_blueprint(accounts_api)
    app.register_blueprint(accounts_pages)
    register(unit_panels, funds_panel)
    register_commands(app)
    app.cli.add_command(export_journal_command)

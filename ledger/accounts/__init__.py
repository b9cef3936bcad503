"""The books: chart, funds, posting, balances."""


from ledger.accounts import campaign_models, member_models, models, treasury_models  # noqa: F401  (tables)


def init_app(app):
    from ledger.accounts.api import accounts_api
    from ledger.accounts.cli import register_commands
    from ledger.accounts.routes import accounts_pages, funds_panel
    from ledger.extensions import api
    from ledger.units.routes import unit_panels

    api.register_blueprint(accounts_api)
    app.register_blueprint(accounts_pages)
    if funds_panel not in unit_panels:
        unit_panels.append(funds_panel)
    register_commands(app)

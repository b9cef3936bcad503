"""The books: chart, funds, posting, balances."""


from ledger.accounts import (  # noqa: F401  (tables)
    bank_models,
    campaign_models,
    community_models,
    member_models,
    models,
    treasury_models,
)


def init_app(app):
    from ledger.accounts.api import accounts_api
    from ledger.accounts.bank_routes import init_bank
    from ledger.accounts.cli import register_commands
    from ledger.accounts.community_routes import init_community
    from ledger.accounts.routes import accounts_pages, funds_panel
    from ledger.accounts.treasury_routes import init_treasury
    from ledger.extensions import api
    from ledger.units.routes import unit_panels

    api.register_blueprint(accounts_api)
    app.register_blueprint(accounts_pages)
    if funds_panel not in unit_panels:
        unit_panels.append(funds_panel)
    register_commands(app)
    init_community(app)  # members, dues, allowances, campaigns: API, pages, public pages
    init_bank(app)  # cash and bank books, bank reconciliation, fund page and VietQR, Excel imports
    init_treasury(app)  # receipts, donors, disbursements and approval, remittances, merging units

"""The treasurer's documents: receipts (phiếu thu), donors, disbursements (phiếu chi) and their approval,
remittances up the tree, vouchers, and merging units."""


def init_app(app):
    from ledger.accounts.treasury import donor_pages, models, voucher_pages  # noqa: F401  (tables; pages join the blueprint)
    from ledger.accounts.treasury.api import treasury_api
    from ledger.accounts.treasury.routes import treasury_pages, treasury_panel
    from ledger.core.hooks import register
    from ledger.extensions import api
    from ledger.units.routes import unit_panels

    api.register_blueprint(treasury_api)
    app.register_blueprint(treasury_pages)
    register(unit_panels, treasury_panel)

"""Cash and bank books, bank accounts and reconciliation, the fund page with its VietQR, and the
spreadsheets people bring (opening balances, donor lists)."""


def init_app(app):
    from ledger.accounts.banking import models  # noqa: F401  (tables)
    from ledger.accounts.banking.api import bank_api
    from ledger.accounts.banking.banks import bank_name, banks_by_bin
    from ledger.accounts.banking.cli import import_xlsx_command
    from ledger.accounts.banking.routes import bank_pages, books_panel
    from ledger.accounts.banking.services.pending import pending_payments, unmatched_bank_lines
    from ledger.accounts.services import close_pending_sources
    from ledger.core.hooks import register
    from ledger.extensions import api
    from ledger.units.routes import unit_panels

    api.register_blueprint(bank_api)
    app.register_blueprint(bank_pages)
    register(unit_panels, books_panel)
    register(close_pending_sources, pending_payments)
    register(close_pending_sources, unmatched_bank_lines)
    app.add_template_filter(bank_name, "bank_name")  # the public pages show the bank of a fund's account too
    app.add_template_global(banks_by_bin, "vietnamese_banks")
    app.cli.add_command(import_xlsx_command)

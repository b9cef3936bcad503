"""Scholarships: programs with rules as data, nominations, committee review, decisions within
budget, payouts through the books, multi-year sponsorship and open data."""


def init_app(app):
    from ledger.accounts.balances import commitment_sources
    from ledger.core.hooks import register
    from ledger.extensions import api
    from ledger.scholarships import (
        models,  # noqa: F401  (tables; here, so `import ledger.scholarships.rules` stays pure)
        round_routes,  # noqa: F401  (its pages join the blueprint)
    )
    from ledger.scholarships.api import scholarships_api
    from ledger.scholarships.payouts import committed
    from ledger.scholarships.public import scholarships_public
    from ledger.scholarships.routes import scholarships_pages, unit_panel
    from ledger.units.routes import unit_panels

    api.register_blueprint(scholarships_api)
    app.register_blueprint(scholarships_pages)
    app.register_blueprint(scholarships_public)
    register(commitment_sources, committed)
    register(unit_panels, unit_panel)

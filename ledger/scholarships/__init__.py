"""Scholarships: programs with rules as data, nominations, committee review, decisions within
budget, payouts through the books, multi-year sponsorship and open data."""


def init_app(app):
    from ledger.accounts.balances import commitment_sources
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
    if committed not in commitment_sources:
        commitment_sources.append(committed)
    if unit_panel not in unit_panels:
        unit_panels.append(unit_panel)

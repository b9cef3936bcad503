"""Transparency: statements, the public portal, reports up the tree, internal books."""
from ledger.reports import models  # the tables, registered when the package loads


def init_app(app):
    from ledger.accounts import verify
    from ledger.accounts.campaigns.public import gift_boxes
    from ledger.core.hooks import register
    from ledger.extensions import api
    from ledger.reports import book_pages  # noqa: F401  (its pages join the reports blueprint)
    from ledger.reports.api import document_public_endpoints, reports_api
    from ledger.reports.cli import reports_cli
    from ledger.reports.formats import iso_vi, period_words, vn_time
    from ledger.reports.giving import campaign_gift_box
    from ledger.reports.public import public_pages
    from ledger.reports.routes import reports_pages, reports_panel
    from ledger.units.routes import unit_panels

    api.register_blueprint(reports_api)
    app.register_blueprint(public_pages)
    api.write_later(lambda spec: document_public_endpoints(app, spec))
    app.register_blueprint(reports_pages)
    app.jinja_env.filters["iso_vi"] = iso_vi
    app.jinja_env.filters["vn_time"] = vn_time
    app.jinja_env.filters["period_vi"] = period_words
    app.cli.add_command(reports_cli)
    verify.anchor_models.update(ChainAnchor=models.ChainAnchor, Statement=models.FundStatement)
    register(unit_panels, reports_panel)
    register(gift_boxes, campaign_gift_box)

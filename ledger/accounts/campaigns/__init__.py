"""Campaigns (đợt vận động) with targets handed down the tree, pledges, progress, the honor roll, donor
stewardship (thank-you letters, giving summaries) and the public campaign pages."""


def init_app(app):
    from ledger.accounts.campaigns import models  # noqa: F401  (tables, and the receipt's campaign links)
    from ledger.accounts.campaigns.api import campaigns_api
    from ledger.accounts.campaigns.public import public_campaigns
    from ledger.accounts.campaigns.routes import campaign_pages
    from ledger.accounts.campaigns.services.campaigns import open_campaigns, receipt_link
    from ledger.accounts.treasury.routes import campaign_choices
    from ledger.accounts.treasury.services.receipts import receipt_links
    from ledger.core.hooks import register
    from ledger.extensions import api

    api.register_blueprint(campaigns_api)
    app.register_blueprint(campaign_pages)
    app.register_blueprint(public_campaigns)
    register(receipt_links, receipt_link)
    register(campaign_choices, open_campaigns)

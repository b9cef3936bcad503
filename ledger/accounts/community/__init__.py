"""Members (hội viên) and population, dues (hội phí) and their split up the tree, and the allowances
(phụ cấp) paid from the dues a unit keeps."""


def init_app(app):
    from ledger.accounts.community import models  # noqa: F401  (tables)
    from ledger.accounts.community.api import community_api
    from ledger.accounts.community.routes import community_pages, community_panel
    from ledger.core.hooks import register
    from ledger.extensions import api
    from ledger.units.routes import unit_panels

    api.register_blueprint(community_api)
    app.register_blueprint(community_pages)
    register(unit_panels, community_panel)

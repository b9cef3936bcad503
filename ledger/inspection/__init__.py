"""Inspection (kiểm tra, giám sát): the board plans inspections of a unit, records findings against its entries
or vouchers with the follow-up it requires, the unit answers, the board closes; the books are only read."""


def init_app(app):
    from ledger.core.hooks import register
    from ledger.extensions import api
    from ledger.inspection.api import inspection_api
    from ledger.inspection.routes import inspection_pages, inspection_panel
    from ledger.units.routes import unit_panels

    api.register_blueprint(inspection_api)
    app.register_blueprint(inspection_pages)
    register(unit_panels, inspection_panel)

"""The association tree."""


def init_app(app):
    from ledger.core import permissions
    from ledger.extensions import api
    from ledger.units import services
    from ledger.units.api import units_api
    from ledger.units.cli import units_cli
    from ledger.units.routes import units_pages

    api.register_blueprint(units_api)
    app.register_blueprint(units_pages)
    app.cli.add_command(units_cli)
    permissions.unit_tree.update(roots=services.roots, shared_root=services.ensure_root)

"""Coverage up the tree: per model, registered / assessed / passed / recognised against the base, from the
kept tallies; the commune's public learning-society page; `ledger learning recount|check`."""


def init_app(app):
    from ledger.core.hooks import register
    from ledger.extensions import api
    from ledger.learning.coverage.api import coverage_api
    from ledger.learning.coverage.cli import learning_cli
    from ledger.learning.coverage.public import learning_public
    from ledger.learning.coverage.routes import coverage_pages, learning_panel
    from ledger.units.routes import unit_panels

    api.register_blueprint(coverage_api)
    app.register_blueprint(coverage_pages)
    app.register_blueprint(learning_public)
    app.cli.add_command(learning_cli)
    register(unit_panels, learning_panel)

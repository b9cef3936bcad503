"""The learning society: the five learning models (registry, criteria, assessment, recognition), coverage
up the tree, and the yearly plans with their indicators (chỉ tiêu)."""


def init_app(app):
    from ledger.core.hooks import register
    from ledger.learning import models, tallies  # noqa: F401  (tables)
    from ledger.units.services import unit_moving

    register(unit_moving, tallies.follow_unit_move)

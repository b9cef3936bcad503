"""The learning society: the five learning models (registry, criteria, assessment, recognition), coverage
up the tree, and the yearly plans with their indicators (chỉ tiêu)."""
PARTS = ("criteria", "registry", "cycle", "coverage", "plans")  # lowest first: a part imports only those before it


def init_app(app):
    from importlib import import_module

    from ledger.core.hooks import register
    from ledger.learning import models, tallies  # noqa: F401  (tables)
    from ledger.units.services import unit_created, unit_moving

    register(unit_moving, tallies.follow_unit_move)
    register(unit_created, tallies.count_new_unit)
    for part in PARTS:
        import_module(f"ledger.learning.{part}").init_app(app)

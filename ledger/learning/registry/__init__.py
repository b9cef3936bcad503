"""The registry: households, clans, communities, organisations and citizens a unit knows, their yearly
registration (đăng ký), and each unit's population and household count."""


def follow_population(unit, population_delta: int, households_delta: int) -> None:
    """community's `population_changes` hook: a unit's own counts changed, so its subtree sums follow."""
    from ledger.learning.tallies import bump_base

    bump_base(unit, population=population_delta, households=households_delta)


def follow_merge(unit, into, by) -> None:
    """treasury's `unit_merging` hook: the merged unit's subjects move to the one it joins (this year's counts
    with them, earlier years where they happened)."""
    from ledger.learning.registry.services import move_subject, subjects_at

    for subject in subjects_at(unit):
        move_subject(subject, into, by=by)


def init_app(app):
    from ledger.accounts.community.services.members import population_changes
    from ledger.accounts.treasury.services.merge import unit_merging
    from ledger.core.hooks import register
    from ledger.extensions import api
    from ledger.learning.registry.api import registry_api
    from ledger.learning.registry.routes import registry_pages

    register(population_changes, follow_population)
    register(unit_merging, follow_merge)
    api.register_blueprint(registry_api)
    app.register_blueprint(registry_pages)

"""Criteria sets of the five learning models: scored or all-of, owned by a unit, versioned by year."""


def init_app(app):
    pass

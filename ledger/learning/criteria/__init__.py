"""Criteria sets of the five learning models: scored or all-of, owned by a unit, versioned by year."""


def init_app(app):
    from ledger.extensions import api
    from ledger.learning.criteria.api import criteria_api
    from ledger.learning.criteria.routes import criteria_pages

    api.register_blueprint(criteria_api)
    app.register_blueprint(criteria_pages)

"""Yearly plans with their indicators (chỉ tiêu), targets handed down, and progress computed live."""


def init_app(app):
    from ledger.extensions import api
    from ledger.learning.plans.api import plans_api
    from ledger.learning.plans.routes import plan_pages

    api.register_blueprint(plans_api)
    app.register_blueprint(plan_pages)

"""The yearly cycle: assessments (tự đánh giá, bình xét) and recognitions (quyết định công nhận)."""


def init_app(app):
    from ledger.extensions import api
    from ledger.learning.cycle.api import cycle_api
    from ledger.learning.cycle.routes import cycle_pages

    api.register_blueprint(cycle_api)
    app.register_blueprint(cycle_pages)

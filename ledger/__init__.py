"""The Quỹ khuyến học ledger: a Flask service keeping the books of study-promotion funds."""
from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    from ledger import config as settings

    app.config.update(settings.load(app.instance_path))
    app.config.update(config or {})
    init_extensions(app)
    init_features(app)
    return app


def init_extensions(app: Flask) -> None:
    from ledger.core import i18n, security, web
    from ledger.core.db import configure_engine
    from ledger.extensions import api, babel, csrf, db, migrate

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(app.root_path + "/migrations"), render_as_batch=True, compare_type=True)
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    api.init_app(app)
    web.init_app(app)
    security.init_app(app)


def init_features(app: Flask) -> None:
    from ledger import accounts, auth, reports, scholarships, units
    from ledger.accounts import banking, campaigns, community, treasury

    # Lower layers first: a feature's init_app may register itself in the hooks of the ones below.
    for feature in (auth, units, accounts, treasury, community, campaigns, banking, scholarships, reports):
        feature.init_app(app)

"""The Quỹ khuyến học ledger: a Flask service keeping the books of study-promotion funds."""
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Flask loads in create_app, so the pure modules below import without it
    from flask import Flask


def create_app(config: dict | None = None) -> "Flask":
    from flask import Flask

    app = Flask(__name__, instance_relative_config=True)
    from ledger import config as settings

    app.config.update(settings.load(app.instance_path))
    app.config.update(config or {})
    init_extensions(app)
    init_features(app)
    return app


def init_extensions(app: "Flask") -> None:
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


# Lower layers first: a feature's init_app may register itself in the hooks of the ones below.
FEATURES = ("auth", "units", "accounts", "accounts.treasury", "accounts.community", "accounts.campaigns",
            "accounts.banking", "scholarships", "learning", "reports", "inspection", "backup", "home")


def init_features(app: "Flask") -> None:
    from importlib import import_module

    for name in FEATURES:  # every table before any API: the OpenAPI document reads all their columns
        import_module(f"ledger.{name}.models")
    for name in FEATURES:
        import_module(f"ledger.{name}").init_app(app)

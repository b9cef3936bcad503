"""Who is calling: bearer tokens on the API, a login session on pages."""
from flask import Flask, current_app, g, request, session

from ledger.core.errors import Unauthorized

OPEN_API_PATHS = ("/api/v1/auth/tokens", "/api/openapi.json", "/api/docs")


def load_user() -> None:
    from ledger.auth import services
    from ledger.auth.models import User
    from ledger.extensions import csrf, db

    g.user = None
    if request.path.startswith("/api/"):
        if request.path.startswith(OPEN_API_PATHS) or not request.path.startswith("/api/v1/"):
            return
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        g.user = services.user_for_token(token.strip()) if scheme.lower() == "bearer" and token else None
        if g.user is None:
            raise Unauthorized()
        return
    if session.get("user_id"):
        user = db.session.get(User, session["user_id"])
        g.user = user if user is not None and user.is_active else None
    if current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()


def init_app(app: Flask) -> None:
    from ledger.auth.api import auth_api
    from ledger.auth.routes import auth_pages
    from ledger.extensions import api

    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # pages call csrf.protect(); the API uses tokens
    app.before_request(load_user)
    api.register_blueprint(auth_api)
    app.register_blueprint(auth_pages)

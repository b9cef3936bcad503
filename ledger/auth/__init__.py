"""Who is calling: bearer tokens on the API, a login session on pages (both rows of api_tokens)."""
from flask import Flask, current_app, g, request, session

from ledger.core.errors import Unauthorized

OPEN_API_PATHS = ("/api/openapi.json", "/api/docs")


def load_user() -> None:
    from ledger.auth import services
    from ledger.extensions import csrf

    g.user = g.token = None
    if request.path.startswith("/api/"):
        if is_open_api_path() or not request.path.startswith("/api/v1/"):
            return
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        signed_in(services.token_for(token.strip()) if scheme.lower() == "bearer" and token.strip() else None)
        if g.user is None:
            raise Unauthorized()
        return
    if session.get("sid"):
        signed_in(services.token_for(session["sid"], kind="web"))
    if current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()


def is_open_api_path() -> bool:
    """Asking for a token needs none; listing and revoking tokens does."""
    return (request.path, request.method) == ("/api/v1/auth/tokens", "POST") or request.path.startswith(OPEN_API_PATHS)


def signed_in(row) -> None:
    from ledger.auth import services
    from ledger.core.edge import unit_of_work

    if row is None:
        return
    g.user, g.token = row.user, row
    if services.is_touch_due(row):
        unit_of_work(services.touch)(row)  # its own small write, before the request's work begins


def init_app(app: Flask) -> None:
    from ledger.auth import services
    from ledger.auth.api import auth_api
    from ledger.auth.routes import auth_pages
    from ledger.core.hooks import register
    from ledger.extensions import api
    from ledger.units.routes import role_holders

    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # pages call csrf.protect(); the API uses tokens
    app.before_request(load_user)
    api.register_blueprint(auth_api)
    app.register_blueprint(auth_pages)
    register(role_holders, services.grants_on)


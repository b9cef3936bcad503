"""Tokens, users and role grants (API.md: Auth, Units and users)."""
from datetime import timedelta

from flask import current_app, g
from flask_smorest import Blueprint

from ledger.auth import schemas, services
from ledger.core import permissions
from ledger.core.schemas import page
from ledger.core.security import limit_failed_logins
from ledger.extensions import db
from ledger.units.services import get_unit

auth_api = Blueprint("auth_api", __name__, url_prefix="/api/v1", description="Đăng nhập, người dùng, vai trò")


@auth_api.post("/auth/tokens")
@limit_failed_logins
@auth_api.arguments(schemas.TokenIn)
@auth_api.response(201, schemas.TokenOut)
def create_token(data):
    user = services.authenticate(data["username"], data["password"])
    row, token = services.open_token(user, lifetime=timedelta(days=current_app.config["LEDGER_TOKEN_DAYS"]))
    db.session.commit()
    return {"token": token, "id": row.id, "expires_at": row.expires_at}


@auth_api.get("/auth/tokens")
@auth_api.response(200, schemas.TokenList)
def list_tokens():
    items = services.live_tokens(g.user, kind="api")
    return page(items, len(items))


@auth_api.delete("/auth/tokens/<int:token_id>")
@auth_api.response(204)
def revoke_token(token_id):
    services.revoke_token(g.user, token_id, by=g.user)
    db.session.commit()


@auth_api.post("/users")
@auth_api.arguments(schemas.UserIn)
@auth_api.response(201, schemas.UserOut)
def create_user(data):
    permissions.require_admin_anywhere(g.user)
    user = services.create_user(data, by=g.user)
    db.session.commit()
    return user


@auth_api.get("/users/<username>")
@auth_api.response(200, schemas.UserOut)
def get_user(username):
    permissions.require_admin_anywhere(g.user)
    return services.get_user(username)


@auth_api.post("/users/<username>/roles")
@auth_api.arguments(schemas.RoleIn)
@auth_api.response(201, schemas.RoleOut)
def grant_role(data, username):
    unit = get_unit(data["unit"])
    permissions.require(g.user, "manage", unit)
    grant = services.grant_role(services.get_user(username), unit, data["role"], by=g.user)
    db.session.commit()
    return grant

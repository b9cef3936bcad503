"""Tokens, users and role grants (API.md: Auth, Units and users)."""
from flask import current_app, g
from flask_smorest import Blueprint

from ledger.auth import schemas, services
from ledger.core import permissions
from ledger.extensions import db
from ledger.units.services import get_unit

auth_api = Blueprint("auth_api", __name__, url_prefix="/api/v1", description="Đăng nhập, người dùng, vai trò")


@auth_api.post("/auth/tokens")
@auth_api.arguments(schemas.TokenIn)
@auth_api.response(201, schemas.TokenOut)
def create_token(data):
    user = services.authenticate(data["username"], data["password"])
    token = services.issue_token(user, days=current_app.config["LEDGER_TOKEN_DAYS"])
    db.session.commit()
    return {"token": token}


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

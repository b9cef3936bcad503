"""Tokens, users and role grants (API.md: Auth, Units and users)."""
from datetime import timedelta

from flask import current_app, g

from ledger.auth import schemas, services
from ledger.core import permissions
from ledger.core.edge import unit_of_work
from ledger.core.endpoints import Blueprint
from ledger.core.schemas import page
from ledger.core.security import limit_failed_logins
from ledger.units.access import unit_for

auth_api = Blueprint("auth_api", __name__, url_prefix="/api/v1", description="Đăng nhập, người dùng, vai trò")


@auth_api.post("/auth/tokens")
@unit_of_work
@limit_failed_logins
@auth_api.arguments(schemas.TokenIn)
@auth_api.response(201, schemas.TokenOut)
def create_token(data):
    user = services.authenticate(data["username"], data["password"])
    row, token = services.open_token(user, lifetime=timedelta(days=current_app.config["LEDGER_TOKEN_DAYS"]))
    return {"token": token, "id": row.id, "expires_at": row.expires_at}


@auth_api.read("/auth/tokens", schemas.TokenList)
def list_tokens():
    items = services.live_tokens(g.user, kind="api")
    return page(items, len(items))


@auth_api.delete("/auth/tokens/<int:token_id>")
@unit_of_work
@auth_api.response(204)
def revoke_token(token_id):
    services.revoke_token(g.user, token_id, by=g.user)


@auth_api.write("/users", schemas.UserOut, body=schemas.UserIn)
def create_user(data):
    permissions.require_admin_anywhere(g.user)
    return services.create_user(data, by=g.user)


@auth_api.read("/users/<username>", schemas.UserOut)
def get_user(username):
    permissions.require_admin_anywhere(g.user)
    return services.get_user(username)


@auth_api.write("/users/<username>/roles", schemas.RoleOut, body=schemas.RoleIn)
def grant_role(data, username):
    unit = unit_for(data["unit"], "manage")
    return services.grant_role(services.get_user(username), unit, data["role"], by=g.user)

from marshmallow import fields, validate

from ledger.auth.models import ROLES
from ledger.core.schemas import Schema, list_schema


class TokenIn(Schema):
    username = fields.String(required=True, validate=validate.Length(1, 80))
    password = fields.String(required=True, validate=validate.Length(1, 200))


class TokenOut(Schema):
    token = fields.String()
    id = fields.Integer()
    expires_at = fields.DateTime()


class TokenInfoOut(Schema):
    """A token as its owner sees it in the list: never the secret."""
    id = fields.Integer()
    created_at = fields.DateTime()
    expires_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)


TokenList = list_schema(TokenInfoOut, "TokenList")


class UserIn(Schema):
    username = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.@-]{3,80}$"))
    password = fields.String(required=True, validate=validate.Length(1, 200))
    full_name = fields.String(required=True, validate=validate.Length(1, 200))


class UserOut(Schema):
    username = fields.String()
    full_name = fields.String()
    roles = fields.Method("dump_roles")

    def dump_roles(self, user):
        return [{"unit": unit_code(grant), "role": grant.role} for grant in user.grants]


class RoleIn(Schema):
    unit = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class RoleOut(Schema):
    username = fields.Function(lambda grant: grant.user.username)
    unit = fields.Function(lambda grant: unit_code(grant))
    role = fields.String()


def unit_code(grant) -> str | None:
    """None for a grant on every unit (the first admin's)."""
    return grant.unit.code if grant.unit is not None else None

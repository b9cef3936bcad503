from marshmallow import fields, validate

from ledger.auth.models import ROLES
from ledger.core.schemas import Schema


class TokenIn(Schema):
    username = fields.String(required=True, validate=validate.Length(1, 80))
    password = fields.String(required=True, validate=validate.Length(1, 200))


class TokenOut(Schema):
    token = fields.String()
    expires_at = fields.DateTime()


class UserIn(Schema):
    username = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.@-]{3,80}$"))
    password = fields.String(required=True, validate=validate.Length(1, 200))
    full_name = fields.String(required=True, validate=validate.Length(1, 200))


class UserOut(Schema):
    username = fields.String()
    full_name = fields.String()
    roles = fields.Method("dump_roles")

    def dump_roles(self, user):
        return [{"unit": grant.unit.code, "role": grant.role} for grant in user.grants]


class RoleIn(Schema):
    unit = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class RoleOut(Schema):
    username = fields.Function(lambda grant: grant.user.username)
    unit = fields.Function(lambda grant: grant.unit.code)
    role = fields.String()

"""Schemas of the registry (API.md "Learning society": subjects, population), named by direction. The same
*In schemas read the JSON body and the page forms."""
from marshmallow import fields, validate

from ledger.core.schemas import PageQuery, Schema, list_schema
from ledger.learning.models import MODELS

YEAR = validate.Range(2000, 2200)
MEMBERS = validate.Range(0, 10**7)


class SubjectIn(Schema):
    model = fields.String(required=True, validate=validate.OneOf(MODELS))
    name = fields.String(required=True, validate=validate.Length(1, 200))
    head_name = fields.String(load_default="", validate=validate.Length(max=200))
    address = fields.String(load_default="", validate=validate.Length(max=300))
    members = fields.Integer(strict=True, load_default=None, allow_none=True, validate=MEMBERS)
    publish_consent = fields.Boolean(load_default=False)
    kind = fields.String(load_default="", validate=validate.Length(max=40))
    clan = fields.Integer(strict=True, load_default=None, allow_none=True)
    year = fields.Integer(strict=True, load_default=None, validate=validate.Range(2000, 2100),
                          metadata={"description": "năm đăng ký (mặc định: năm nay)"})
    registered_on = fields.Date(load_default=None)


class SubjectUpdateIn(Schema):
    name = fields.String(validate=validate.Length(1, 200))
    head_name = fields.String(validate=validate.Length(max=200))
    address = fields.String(validate=validate.Length(max=300))
    members = fields.Integer(strict=True, allow_none=True, validate=MEMBERS)
    publish_consent = fields.Boolean()
    kind = fields.String(validate=validate.Length(max=40))
    clan = fields.Integer(strict=True, allow_none=True)


class SubjectOut(Schema):
    id = fields.Integer()
    model = fields.String()
    name = fields.String()
    unit = fields.Function(lambda s: s.unit.code)
    head_name = fields.String()
    address = fields.String()
    members = fields.Integer(allow_none=True)
    kind = fields.String()
    clan = fields.Integer(attribute="clan_id", allow_none=True)
    publish_consent = fields.Boolean(attribute="is_publish_consented")


class SubjectRegistrationOut(Schema):
    subject = fields.Integer()
    year = fields.Integer()
    unit = fields.String()
    registered_on = fields.Date()


class SubjectDetailOut(Schema):
    """A subject as services.describe gives it, with its registrations by year."""
    id = fields.Integer()
    model = fields.String()
    name = fields.String()
    unit = fields.String()
    head_name = fields.String()
    address = fields.String()
    members = fields.Integer(allow_none=True)
    kind = fields.String()
    clan = fields.Integer(allow_none=True)
    publish_consent = fields.Boolean()
    registrations = fields.List(fields.Nested(SubjectRegistrationOut))


class LearningSubjectQuery(PageQuery):
    model = fields.String(validate=validate.OneOf(MODELS))
    year = fields.Integer(validate=YEAR)
    q = fields.String(validate=validate.Length(max=100))


class SubjectMoveIn(Schema):
    unit = fields.String(required=True, validate=validate.Length(1, 40))


class SubjectRegistrationIn(Schema):
    year = fields.Integer(strict=True, required=True, validate=YEAR)
    registered_on = fields.Date(load_default=None, allow_none=True)


class RegisterYearIn(Schema):
    year = fields.Integer(strict=True, required=True, validate=YEAR)
    model = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(MODELS))


class RegisterYearOut(Schema):
    unit = fields.String()
    year = fields.Integer()
    model = fields.String(allow_none=True)
    registered = fields.Integer()


class ImportRowErrorOut(Schema):
    row = fields.Integer()
    column = fields.String(allow_none=True)
    message = fields.String()


class SubjectImportOut(Schema):
    created = fields.Integer()
    skipped = fields.Integer()
    errors = fields.List(fields.Nested(ImportRowErrorOut))


class PopulationImportOut(Schema):
    updated = fields.Integer()
    errors = fields.List(fields.Nested(ImportRowErrorOut))


SubjectList = list_schema(SubjectOut, "LearningSubjectList")

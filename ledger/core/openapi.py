"""The OpenAPI document says what the API really answers: errors as application/problem+json with the
statuses each operation can give, and response fields that may be null marked `nullable`.

Response schemas are the `…Out` ones (STYLE.md: schemas are named by direction); in them a field may be
null when it says so (allow_none), when it is computed (Function, Method) or when a column of that name
may be NULL in some table (a disbursement's `number` before approval, a unit's `merged_on`).

The operations are written into the document when it is first read (/api/openapi.json, `flask openapi`),
not at start-up: that costs ~0.3 s of CPU which every gunicorn worker and every `ledger` command would
otherwise pay, though few ever serve the document. It comes out the same, written in the same order.
"""
import threading
from collections.abc import Callable

from apispec import APISpec, BasePlugin
from flask_smorest import Api
from marshmallow import fields

from ledger.core.db import Base
from ledger.core.schemas import Schema

PROBLEM = "application/problem+json"
WRITES = {"post", "put", "patch", "delete"}
OPEN_OPERATIONS = {("/api/v1/auth/tokens", "post")}  # the only /api/v1 call without a token
LOGIN = ("/api/v1/auth/tokens", "post")


class Problem(Schema):
    """Every error of the API (../shared/API.md: Conventions)."""
    status = fields.Integer(required=True)
    title = fields.String(required=True)
    detail = fields.String(required=True)
    code = fields.String(required=True, metadata={"description": "bad_request, validation, not_found, "
                                                                 "invalid_state, insufficient_funds, …"})
    errors = fields.Dict(keys=fields.String(), values=fields.Raw(),
                         metadata={"description": '{"field": ["message", ...]} for invalid fields'})


def error_statuses(path: str, method: str, operation: dict) -> list[int]:
    """The error statuses an operation can answer, besides the 422 flask-smorest documents for its arguments."""
    statuses = [400] if method in WRITES else []
    if path.startswith("/api/v1/"):
        statuses += [401] if (path, method) in OPEN_OPERATIONS else [401, 403]
    if "{" in path:
        statuses.append(404)
    if method in WRITES:
        statuses += [409, 422]
    if (path, method) == LOGIN:
        statuses.append(429)
    return statuses


class ErrorResponses(BasePlugin):
    """Adds each operation's error statuses, pointing at the problem+json responses LedgerApi registers."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            for status in error_statuses(path or "", method, operation):
                responses.setdefault(str(status), STATUS_NAMES[status])


STATUS_NAMES = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "CONFLICT",
                422: "UNPROCESSABLE_ENTITY", 429: "TOO_MANY_REQUESTS"}


def nullable_columns() -> set[str]:

    return {column.name for table in Base.metadata.tables.values() for column in table.columns if column.nullable}


def nullable_in_responses(self, field, ret, **kwargs) -> dict:
    """apispec attribute function: which fields of `…Out` schemas may be null (see the module docstring)."""
    schema = field.root
    if schema is None or not type(schema).__name__.endswith("Out") or field.allow_none:
        return {}
    may_be_null = (isinstance(field, (fields.Function, fields.Method))
                   or (field.attribute or field.name) in nullable_columns())
    return {"nullable": True} if may_be_null else {}


class LedgerApi(Api):
    ERROR_SCHEMA = Problem

    def __init__(self, *args, **kwargs):
        self._unwritten: list[Callable[[APISpec], None]] = []  # what the document still lacks, in order
        self._writing = threading.RLock()  # two threads reading the document first write it once
        super().__init__(*args, **kwargs)

    @property
    def spec(self) -> APISpec | None:
        """The document, its unwritten parts written first (see the module docstring)."""
        with self._writing:
            while self._unwritten:
                self._unwritten.pop(0)(self._spec)
        return self._spec

    @spec.setter
    def spec(self, value: APISpec | None) -> None:
        self._spec = value

    def write_later(self, write: Callable[[APISpec], None]) -> None:
        """Run write(spec) when the document is first read, after what was asked before it."""
        self._unwritten.append(write)

    def register_blueprint(self, blp, *, parameters=None, **options):
        """flask-smorest's, except that the blueprint's operations and tag join the document when it is read."""
        name, app = options.get("name", blp.name), self._app
        app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        app.register_blueprint(blp, **options)

        def write(spec: APISpec) -> None:
            blp.register_views_in_doc(self, app, spec, name=name, parameters=parameters)
            spec.tag({"name": name, "description": blp.description})

        self.write_later(write)

    def _init_spec(self, *, extra_plugins=None, **kwargs):
        self._unwritten = []  # a new app, a new document: nothing of the previous app's is owed to it
        super()._init_spec(extra_plugins=[*(extra_plugins or ()), ErrorResponses()], **kwargs)
        self.ma_plugin.converter.add_attribute_function(nullable_in_responses)

    def _register_responses(self):
        """flask-smorest's error responses, as problem+json rather than application/json."""
        self.DEFAULT_RESPONSE_CONTENT_TYPE = PROBLEM
        try:
            super()._register_responses()
        finally:
            del self.DEFAULT_RESPONSE_CONTENT_TYPE

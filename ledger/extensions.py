"""Extensions, created unbound and bound in create_app()."""
from contextvars import ContextVar

from flask.globals import app_ctx
from flask_babel import Babel
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from ledger.core.db import Base
from ledger.core.openapi import LedgerApi

# Which session `db.session` is: the app context's own, as Flask-SQLAlchemy scopes it — except while a
# group commit's leader runs another request's work, which it points at the leader's session
# (core/group_commit.py).
session_scope: ContextVar[int | None] = ContextVar("session_scope", default=None)


def current_scope() -> int:
    return session_scope.get() or id(app_ctx._get_current_object())


db = SQLAlchemy(model_class=Base, session_options={"scopefunc": current_scope})
migrate = Migrate()
babel = Babel()
api = LedgerApi()
csrf = CSRFProtect()

"""Extensions, created unbound and bound in create_app()."""
from flask_babel import Babel
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from ledger.core.db import Base
from ledger.core.openapi import LedgerApi

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
api = LedgerApi()
csrf = CSRFProtect()

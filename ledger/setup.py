"""`ledger init`: migrations to head, the chart, the root unit and the first admin; and whether a database is
ready to serve (`ledger run` refuses an empty one or one behind the code's migrations)."""
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import select

from ledger.accounts.services import seed_chart
from ledger.auth import services as auth
from ledger.auth.models import User
from ledger.core.edge import unit_of_work
from ledger.extensions import db
from ledger.learning.criteria.defaults import ensure_default_sets
from ledger.units.services import ensure_root


@unit_of_work
def initialise(admin_username: str, admin_password: str, admin_name: str = "Quản trị hệ thống") -> bool:
    """Returns False when everything was already there."""
    upgrade()
    created = seed_chart() > 0
    ensure_root()
    created = bool(ensure_default_sets()) or created
    if db.session.scalar(select(User.id).where(User.username == admin_username)) is None:
        admin = auth.create_user({"username": admin_username, "password": admin_password, "full_name": admin_name})
        auth.grant_role(admin, None, "admin", by=admin)  # every unit, roots created later too
        created = True
    return created


def schema_state() -> str:
    """"empty" (no migration ever ran), "behind" (older than this code's migrations) or "current"."""
    with db.engine.connect() as conn:
        applied = set(MigrationContext.configure(conn).get_current_heads())
    if not applied:
        return "empty"
    return "current" if applied == set(code_heads()) else "behind"


def code_heads() -> tuple[str, ...]:
    config = current_app.extensions["migrate"].migrate.get_config()
    return tuple(ScriptDirectory.from_config(config).get_heads())

"""Migrations are the schema: up to heads they build exactly what the models describe, they go down to
base and up again, and `ledger init` on an empty database is safe to run twice.

Each test gets its own empty database: a SQLite file, or a scratch PostgreSQL database.
"""
import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from ledger import create_app
from ledger.cli import cli
from ledger.extensions import db
from tests.conftest import BASE_CONFIG, PG_URL

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def admin_url():
    return os.environ.get("LEDGER_TEST_PG_ADMIN_URL") or make_url(PG_URL).set(database="postgres")


@pytest.fixture(params=ENGINES)
def empty_app(request, tmp_path):
    """An app on a database with no tables at all."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        yield create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
        return
    name = f"ledger_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": make_url(PG_URL).set(database=name)})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def schema_differences(app) -> list:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
        return compare_metadata(context, db.metadata)


def tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_migrations_build_exactly_the_models(empty_app):
    with empty_app.app_context():
        upgrade(revision="heads")
    assert schema_differences(empty_app) == []
    assert tables(empty_app) == set(db.metadata.tables)


def test_downgrade_to_base_then_upgrade_again(empty_app):
    with empty_app.app_context():
        upgrade(revision="heads")
        downgrade(revision="base")
    assert tables(empty_app) == set()
    with empty_app.app_context():
        upgrade(revision="heads")
    assert schema_differences(empty_app) == []


def test_immutability_triggers_come_back_after_a_round_trip(empty_app):
    """downgrade() drops the triggers with the tables; upgrade() must create them again."""
    with empty_app.app_context():
        upgrade(revision="heads")
        downgrade(revision="base")
        upgrade(revision="heads")
        db.session.execute(text("INSERT INTO audit_events (at, action, object_type, object_id) "
                                "VALUES (CURRENT_TIMESTAMP, 'test', 'test', '1')"))
        db.session.commit()
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text("DELETE FROM audit_events"))
        db.session.rollback()


def test_ledger_init_twice_is_safe(empty_app):
    from ledger.accounts.models import Account
    from ledger.auth.models import RoleGrant, User
    from ledger.units.models import Unit

    runner = empty_app.test_cli_runner()
    args = ["init", "--admin-username", "admin", "--admin-password", "mat-khau-dai"]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "Đã khởi tạo" in first.output
    with empty_app.app_context():
        counts = [db.session.scalar(select(func.count()).select_from(model))
                  for model in (Account, Unit, User, RoleGrant)]
    second = runner.invoke(cli, args)
    assert second.exit_code == 0, second.output
    assert "không tạo lại" in second.output
    with empty_app.app_context():
        assert [db.session.scalar(select(func.count()).select_from(model))
                for model in (Account, Unit, User, RoleGrant)] == counts
        assert counts[0] >= 17 and counts[1:] == [1, 1, 1]
        grant = db.session.scalar(select(RoleGrant))
        assert (grant.role, grant.unit_id, grant.user.username) == ("admin", None, "admin")  # every unit
    assert schema_differences(empty_app) == []

"""Test fixtures: one app per session (per xdist worker) over a clean, seeded database per test — a
SQLite file copied from a migrated template, or the worker's PostgreSQL database put back to its
seeded rows — and factories that read like the books.

Hypothesis runs the "ci" profile (today's full strength) when CI=true and the small "dev" profile on a
laptop; HYPOTHESIS_PROFILE picks one. Tests with their own example counts scale them by
`settings.default.max_examples`, so the "ci" numbers are the ones CI has always run.
"""
import os
import shutil
import uuid
from contextlib import contextmanager
from datetime import date

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url

from ledger import create_app
from ledger.core.security import limiter
from ledger.extensions import db

PG_URL = os.environ.get("LEDGER_TEST_DATABASE_URL")
IN_CI = os.environ.get("CI") == "true"
WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1 … under pytest-xdist; None in a plain run
BASE_CONFIG = {"TESTING": True, "WTF_CSRF_ENABLED": False, "LEDGER_PASSWORD_PROFILE": "CHEAPEST",
               "SECRET_KEY": "test", "SERVER_NAME": None}

settings.register_profile("ci", max_examples=100, stateful_step_count=100)
settings.register_profile("dev", max_examples=20, stateful_step_count=25)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if IN_CI else "dev"))


def pytest_collection_modifyitems(config, items):
    if IN_CI and not PG_URL:
        raise pytest.UsageError("CI must run the suite on PostgreSQL: set LEDGER_TEST_DATABASE_URL.")
    if PG_URL:
        return
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set LEDGER_TEST_DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip_pg)


def seed(app):
    """What `ledger init` leaves behind, less the admin: the chart and the root unit."""
    from ledger.accounts.services import seed_chart
    from ledger.learning.criteria.defaults import ensure_default_sets
    from ledger.units.services import ensure_root

    with app.app_context():
        seed_chart()
        ensure_root()
        ensure_default_sets()
        db.session.commit()


def migrate_and_seed(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    seed(app)
    with app.app_context():
        db.engine.dispose()


def pg_admin_url():
    return os.environ.get("LEDGER_TEST_PG_ADMIN_URL") or make_url(PG_URL).set(database="postgres")


@contextmanager
def scratch_postgres(name: str):
    """A new PostgreSQL database on the server of LEDGER_TEST_DATABASE_URL, dropped afterwards."""
    admin = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def worker_database_name(purpose: str = "") -> str:
    """`<db>` in a plain run, `<db>_gw0` for an xdist worker; `<db>_browser_gw0` for a purpose."""
    return "_".join(part for part in (make_url(PG_URL).database, purpose, WORKER) if part)


class SqliteBaseline:
    """A migrated, seeded template file; each test gets a copy (a file copy is ~1 ms)."""

    def __init__(self, folder):
        self.template = folder / "template.sqlite3"
        self.url = f"sqlite:///{folder / 'no-test-running.sqlite3'}"  # the session app's until a test points it
        migrate_and_seed(f"sqlite:///{self.template}")

    def fresh(self, folder) -> str:
        path = folder / "ledger.sqlite3"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"


class PostgresBaseline:
    """The seeded rows and sequence values of the worker's database, put back before each test.

    DELETE (triggers and foreign keys off for the transaction) of the few tables a test wrote to costs
    ~1 ms where TRUNCATE … CASCADE of all of them costs ~120 ms; the commits stay real, so tests that race
    connections, threads or subprocesses see what they always saw.
    """

    SEQUENCES = text("SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value "
                     "FROM pg_sequences WHERE schemaname = current_schema()")

    def __init__(self, url: str):
        self.url = url
        self.engine = create_engine(url, pool_size=1)  # the resetting connection, kept warm for the session
        with self.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        migrate_and_seed(url)
        tables = db.metadata.sorted_tables
        self.nonempty = text(" UNION ALL ".join(f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM {t.name})"
                                                for t in tables))
        with self.engine.connect() as conn:
            seeded = set(conn.execute(self.nonempty).scalars())
            self.rows = {t: [dict(r) for r in conn.execute(select(t)).mappings()] for t in tables if t.name in seeded}
            self.sequences = dict(conn.execute(self.SEQUENCES).all())

    def fresh(self, _folder) -> str:
        with self.engine.begin() as conn:
            written = set(conn.execute(self.nonempty).scalars()) | {t.name for t in self.rows}
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for name in written:
                conn.execute(text(f"DELETE FROM {name}"))
            for table, rows in self.rows.items():
                conn.execute(table.insert(), rows)
            self._put_back_sequences(conn)
        return self.url

    def _put_back_sequences(self, conn) -> None:
        for sequence, value in conn.execute(self.SEQUENCES).all():
            seeded = self.sequences.get(sequence)
            if value == seeded:
                continue
            if seeded is None:
                conn.execute(text(f"ALTER SEQUENCE {sequence} RESTART"))
            else:
                conn.execute(text("SELECT setval(CAST(:sequence AS regclass), :value)"),
                             {"sequence": sequence, "value": seeded})

    def close(self):
        self.engine.dispose()


@pytest.fixture(scope="session")
def baseline(tmp_path_factory):
    """Migrate and seed once per worker: a SQLite template, or the worker's own PostgreSQL database."""
    if not PG_URL:
        yield SqliteBaseline(tmp_path_factory.mktemp("template"))
    elif WORKER is None:  # a plain run uses the given database itself, as it always did
        yield from _closing(PostgresBaseline(PG_URL))
    else:
        with scratch_postgres(worker_database_name()) as url:
            yield from _closing(PostgresBaseline(url))


def _closing(baseline):
    yield baseline
    baseline.close()


def follow_configured_sqlite_file(app) -> None:
    """Make the app's SQLite engine open whichever file SQLALCHEMY_DATABASE_URI names at connect time, so one
    app serves every test's copy (its pool is emptied between tests)."""
    with app.app_context():
        @event.listens_for(db.engine, "do_connect")
        def _open_the_configured_file(_dialect, _record, cargs, _cparams):
            cargs[0] = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database


@pytest.fixture(scope="session")
def session_app(baseline):
    """create_app() costs ~0.2 s: once per session (per worker), not once per test."""
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": baseline.url})
    if not PG_URL:
        follow_configured_sqlite_file(app)
    return app


@pytest.fixture
def database_url(baseline, tmp_path):
    """A clean database holding the chart and the root unit, for this test alone."""
    return baseline.fresh(tmp_path)


@pytest.fixture
def app(request, session_app, database_url):
    """The session's app on this test's clean database, with its own settings and no failed logins counted.
    Tests marked `own_app` change the app itself (routes, handlers): they get a new one."""
    own = request.node.get_closest_marker("own_app")
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url}) if own else session_app
    settings_before = dict(app.config)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    limiter.reset()
    ctx = app.app_context()
    ctx.push()
    yield app
    db.session.remove()
    db.engine.dispose()  # no connection (nor its session settings) outlives the test
    ctx.pop()
    app.config.clear()
    app.config.update(settings_before)


@pytest.fixture
def is_postgres(app):
    return db.engine.dialect.name == "postgresql"


# ---- factories ---------------------------------------------------------------------------------

@pytest.fixture
def make_unit(app):
    from ledger.units import services

    levels = {"central": None, "province": "VN"}

    def make(code=None, *, level="branch", parent=None, name=None):
        code = code or f"{level[:2].upper()}{uuid.uuid4().hex[:6]}"
        parent = parent if parent is not None else levels.get(level, "VN")
        unit = services.create_unit({"code": code, "name": name or f"Đơn vị {code}", "level": level,
                                     "parent": parent})
        db.session.commit()
        return unit
    return make


@pytest.fixture
def make_user(app):
    from ledger.auth import services
    from ledger.units.services import get_unit

    def make(username=None, *, roles=(), full_name=None, password="mat-khau-dai"):
        username = username or f"u{uuid.uuid4().hex[:8]}"
        user = services.create_user({"username": username, "password": password,
                                     "full_name": full_name or f"Người dùng {username}"})
        for unit_code, role in roles:
            services.grant_role(user, get_unit(unit_code), role)
        db.session.commit()
        return user
    return make


@pytest.fixture
def make_fund(app):
    from ledger.accounts import services

    def make(code=None, *, owner="VN", kind="unrestricted", pooled=False, income_fund=None, regime="association",
             name=None):
        code = code or f"F{uuid.uuid4().hex[:6]}"
        fund = services.create_fund({"code": code, "name": name or f"Quỹ {code}", "owner_unit": owner,
                                     "kind": kind, "pooled": pooled, "income_fund": income_fund,
                                     "regime": regime})
        db.session.commit()
        return fund
    return make


@pytest.fixture
def post(app):
    """Post a balanced entry from (account, fund, debit, credit) tuples."""
    from ledger.accounts.ledger import LineDraft
    from ledger.accounts.posting import EntryDraft, TransactionDraft, post_transaction
    from ledger.units.services import get_unit

    def make(unit_code, lines, *, on=date(2026, 3, 10), memo="", voucher_type="BT"):
        draft = EntryDraft(unit=get_unit(unit_code), dated_on=on, memo=memo, voucher_type=voucher_type,
                           lines=[LineDraft(*line) for line in lines])
        tx = post_transaction(TransactionDraft([draft]))
        db.session.commit()
        return tx.entries[0]
    return make


class ApiClient:
    """The test client with a bearer token and JSON in and out."""

    def __init__(self, client, token=None, headers=None):
        self.client, self.token, self.headers = client, token, headers or {}

    def _headers(self, extra):
        headers = dict(self.headers)
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(extra or {})
        return headers

    def get(self, path, headers=None, **kwargs):
        return self.client.get("/api/v1" + path, headers=self._headers(headers), **kwargs)

    def post(self, path, json=None, headers=None, **kwargs):
        return self.client.post("/api/v1" + path, json=json, headers=self._headers(headers), **kwargs)

    def put(self, path, json=None, headers=None, **kwargs):
        return self.client.put("/api/v1" + path, json=json, headers=self._headers(headers), **kwargs)


@pytest.fixture
def api_as(app, client, make_user):
    """api_as(("VN", "admin")) → an ApiClient logged in as a new user holding those roles."""
    from ledger.auth.services import issue_token

    def make(*roles, username=None):
        user = make_user(username, roles=roles)
        token = issue_token(user, days=1)
        db.session.commit()
        api = ApiClient(client, token)
        api.user = user
        return api
    return make


@pytest.fixture
def anonymous_api(client):
    return ApiClient(client)


@pytest.fixture
def page_as(app, make_user):
    """page_as(("SL", "treasurer")) → a test client signed in through the login form as a new user."""
    def make(*roles, username=None):
        user = make_user(username, roles=roles)
        client = app.test_client()
        response = client.post("/login", data={"username": user.username, "password": "mat-khau-dai"})
        assert response.status_code == 302, response.text
        client.user = user
        return client
    return make

"""Test fixtures: a real database per test (SQLite file copied from a migrated template, or the
PostgreSQL at LEDGER_TEST_DATABASE_URL truncated), factories that read like the books.
"""
import os
import shutil
import uuid
from datetime import date

import pytest
from sqlalchemy import create_engine, text

from ledger import create_app
from ledger.extensions import db

PG_URL = os.environ.get("LEDGER_TEST_DATABASE_URL")
IN_CI = os.environ.get("CI") == "true"
BASE_CONFIG = {"TESTING": True, "WTF_CSRF_ENABLED": False, "LEDGER_PASSWORD_PROFILE": "CHEAPEST",
               "SECRET_KEY": "test", "SERVER_NAME": None}


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
    from ledger.units.services import ensure_root

    with app.app_context():
        seed_chart()
        ensure_root()
        db.session.commit()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    """Migrate once: a SQLite template file, or the PostgreSQL schema."""
    from flask_migrate import upgrade

    if PG_URL:
        engine = create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
        url = PG_URL
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("template") / "template.sqlite3")
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    if not PG_URL:
        seed(app)
        with app.app_context():
            db.engine.dispose()
    return url


def truncate_all(app):
    with app.app_context():
        tables = ", ".join(t.name for t in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.session.commit()


@pytest.fixture
def database_url(template_db, tmp_path):
    if PG_URL:
        return PG_URL
    path = tmp_path / "ledger.sqlite3"
    shutil.copy(template_db.removeprefix("sqlite:///"), path)
    return "sqlite:///" + str(path)


@pytest.fixture
def app(database_url):
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url})
    if PG_URL:
        truncate_all(app)
        seed(app)
    ctx = app.app_context()
    ctx.push()
    yield app
    db.session.remove()
    ctx.pop()
    with app.app_context():
        db.engine.dispose()


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

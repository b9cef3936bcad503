"""Fixtures of the backup tests: small books in several units (receipts, a transfer up the tree, a general
entry), an empty database to restore into (a new SQLite file, or a scratch PostgreSQL database), and an app on it.
"""
import json
import zipfile
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import select

from ledger import create_app
from ledger.accounts.balances import trial_balance
from ledger.accounts.models import ChainHead, VoucherCounter
from ledger.extensions import db
from ledger.units.models import Unit
from tests.accounts.conftest import community_tree, give, remit  # noqa: F401  (fixtures used here)
from tests.conftest import BASE_CONFIG, PG_URL, scratch_postgres, worker_database_name


@pytest.fixture
def books(community_tree, give, remit, post):
    give("SL-B1", 2_000_000, fund="HOIPHI")
    give("SL-B2", 750_000, on=date(2025, 5, 2))
    give("SL-X02", 1_250_000, fund="HOIPHI")
    remit("SL-B1", "SL-X01", 500_000, fund="HOIPHI")
    post("SL", [("111", "HOIPHI", 300_000, 0), ("511", "HOIPHI", 0, 300_000)], on=date(2025, 6, 1))


@pytest.fixture
def empty_database(tmp_path):
    """The URL of a database with no tables, of the engine the tests run on."""
    with empty_target(PG_URL or "sqlite://", tmp_path) as url:
        yield url


@contextmanager
def empty_target(like: str, folder):
    """An empty database of the engine of the URL `like`: a new SQLite file, or a scratch PostgreSQL database."""
    if like.startswith("sqlite"):
        yield f"sqlite:///{folder / 'restored.sqlite3'}"
        return
    with scratch_postgres(worker_database_name("restore")) as url:
        yield url


@contextmanager
def app_on(url: str):
    """An app of its own on `url`, its context pushed over the test's."""
    other = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with other.app_context():
        try:
            yield other
        finally:
            db.session.remove()
            db.engine.dispose()


def cli(app, *args):
    return app.test_cli_runner().invoke(args=[str(arg) for arg in args])


def books_of_every_unit() -> dict:
    """Per unit code: trial balance rows, chain head and length, voucher counters — what a restore must keep."""
    found = {}
    for unit in db.session.scalars(select(Unit).order_by(Unit.code)):
        head = db.session.get(ChainHead, unit.id)
        counters = db.session.execute(select(VoucherCounter.voucher_type, VoucherCounter.fiscal_year,
                                             VoucherCounter.last_seq).where(VoucherCounter.unit_id == unit.id)
                                      .order_by(VoucherCounter.voucher_type, VoucherCounter.fiscal_year)).all()
        found[unit.code] = (trial_balance(unit, as_of=date(2026, 12, 31))["rows"],
                            (head.head, head.length) if head else None, [tuple(c) for c in counters])
    return found


def rewrite(backup, target, *, manifest=None, members=None) -> None:
    """A copy of `backup` at `target` with some members replaced: {name: bytes}, manifest as a dict."""
    replaced = dict(members or {})
    if manifest is not None:
        replaced["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(backup) as source, zipfile.ZipFile(target, "w") as copy:
        for item in source.infolist():
            copy.writestr(item.filename, replaced.pop(item.filename, None) or source.read(item.filename))
        for name, data in replaced.items():
            copy.writestr(name, data)
        copy.comment = source.comment

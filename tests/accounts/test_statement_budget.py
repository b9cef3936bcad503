"""The round trips of one receipt through the API (issue 13): a budget that fails when a change adds one.

What is counted, on the engine the suite runs on: every statement SQLAlchemy hands the driver (a listener
on the app's engine, `before_cursor_execute`: queries, writes, SQLite's BEGIN IMMEDIATE), plus COMMIT and
ROLLBACK, plus on PostgreSQL the BEGIN psycopg sends by itself before a transaction's first statement. COPY
would bypass the listener: posting sends small batches as INSERTs, so nothing escapes the count.

The budget is PostgreSQL's: 12 round trips to the server. SQLite runs in the process, where a statement
costs no round trip; it cannot fuse a batch's writes into one statement (no data-modifying CTEs), so its
own figure is pinned instead, to catch a regression there too.
"""
import uuid

import pytest
from sqlalchemy import event

from ledger.extensions import db

BUDGET = {"postgresql": 12, "sqlite": 18}
REPLAY_BUDGET = {"postgresql": 5, "sqlite": 5}


class Statements:
    def __init__(self, engine):
        self.engine, self.sql = engine, []
        self.listeners = [("before_cursor_execute", self.statement), ("commit", self.ended("COMMIT")),
                          ("rollback", self.ended("ROLLBACK"))]
        if engine.dialect.name == "postgresql":
            self.listeners.append(("begin", lambda _conn: self.sql.append("BEGIN (sent by psycopg)")))

    def statement(self, _conn, _cursor, statement, _params, _context, _many):
        self.sql.append(" ".join(statement.split()))

    def ended(self, word):
        return lambda _conn: self.sql.append(word)

    def __enter__(self):
        for name, listener in self.listeners:
            event.listen(self.engine, name, listener)
        return self

    def __exit__(self, *_exc):
        for name, listener in self.listeners:
            event.remove(self.engine, name, listener)

    def listing(self) -> str:
        return "\n".join(f"{n:3} {sql[:140]}" for n, sql in enumerate(self.sql, 1))


@pytest.fixture
def post_receipt(make_unit, make_fund, api_as):
    make_unit("SL", level="province")
    make_unit("SL-X", level="commune", parent="SL")
    make_fund("QKH", owner="SL-X")
    treasurer = api_as(("SL-X", "treasurer"))

    def post(donor, key=None):
        body = {"date": "2026-03-10", "amount": 150_000, "method": "cash", "fund": "QKH", "category": "donation",
                "donor": donor, "memo": "Ủng hộ quỹ khuyến học"}
        return treasurer.post("/units/SL-X/receipts", json=body,
                              headers={"Idempotency-Key": key or str(uuid.uuid4())})
    # The first receipt creates the donor, the unit's chain head and counter, and fills the caches.
    first = post({"name": "Nguyễn Văn An", "kind": "individual"})
    assert first.status_code == 201, first.json
    post.donor, post.treasurer = {"id": first.json["donor_id"]}, treasurer
    return post


def test_one_receipt_stays_within_the_budget(app, post_receipt):
    engine = db.engine.dialect.name
    with Statements(db.engine) as counted:
        answer = post_receipt(post_receipt.donor)
    assert answer.status_code == 201 and answer.json["number"] == "PT-2026-000002"
    assert len(counted.sql) <= BUDGET[engine], f"{len(counted.sql)} statements:\n{counted.listing()}"
    # What the budget pays for: one write per table of the posting (fused on PostgreSQL), none read back.
    assert sum(sql.startswith("INSERT INTO receipts") for sql in counted.sql) == 1
    assert not any(sql.startswith(("SELECT entries", "SELECT transactions", "SELECT users", "SELECT role_grants",
                                   "SELECT accounts", "SELECT funds")) or " IN (NULL)" in sql for sql in counted.sql), \
        counted.listing()


def test_a_replayed_key_costs_a_few_statements_and_posts_nothing(app, post_receipt):
    key = str(uuid.uuid4())
    first = post_receipt(post_receipt.donor, key)
    with Statements(db.engine) as counted:
        again = post_receipt(post_receipt.donor, key)
    assert again.status_code == first.status_code == 201 and again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(counted.sql) <= REPLAY_BUDGET[db.engine.dialect.name], counted.listing()
    assert not any(sql.startswith(("INSERT INTO entries", "INSERT INTO receipts")) for sql in counted.sql)


def test_a_page_of_receipts_costs_the_same_statements_whatever_its_length(app, post_receipt):
    """No lazy load per receipt (donor, contributors, entries, their cancellation): a longer page, same count."""
    def listed():
        with Statements(db.engine) as counted:
            page = post_receipt.treasurer.get("/units/SL-X/receipts")
        assert page.status_code == 200
        return len(page.json["items"]), len(counted.sql), counted.listing()

    short = listed()
    for _ in range(3):
        post_receipt({"name": f"Nhà hảo tâm {uuid.uuid4().hex[:6]}", "kind": "individual"})
    longer = listed()
    assert longer[0] == short[0] + 3 and longer[1] == short[1], f"{short[2]}\n---\n{longer[2]}"

"""The per-process caches (units, chart and funds, role grants: ledger/core/cache.py) never answer with
something already changed: the very next request sees a role granted or revoked, a token revoked, books
closed, a fund given to another unit, a unit moved — whether the change came through this process or
through another one (a separate engine and session, as another gunicorn worker or the CLI would be).
"""
import uuid
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import create_engine, select, update
from sqlalchemy.orm import Session

from ledger.accounts.models import Fund
from ledger.auth.models import RoleGrant
from ledger.core.cache import CacheVersion
from ledger.extensions import db
from ledger.units.models import Unit


@contextmanager
def another_process(app):
    """A session on its own engine: what a second worker or `ledger` on the command line would use."""
    db.session.remove()  # SQLite: our own transaction must not hold the write lock meanwhile
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with Session(engine) as session, session.begin():
            yield session
    finally:
        engine.dispose()


def receipt(on="2026-03-10", fund="QKH"):
    return {"date": on, "amount": 100_000, "method": "cash", "fund": fund, "category": "donation",
            "donor": {"name": "Trần Thị Bình", "kind": "individual"}}


@pytest.fixture
def books(make_unit, make_fund):
    make_unit("SL", level="province")
    make_unit("DB", level="province")
    make_unit("SL-X", level="commune", parent="SL")
    make_fund("QKH", owner="SL")


def post(api, code="SL-X", **body):
    return api.post(f"/units/{code}/receipts", json=receipt(**body), headers={"Idempotency-Key": str(uuid.uuid4())})


def test_a_role_granted_then_revoked_elsewhere_is_seen_by_the_next_request(app, books, api_as):
    admin, clerk = api_as(("SL", "admin")), api_as(("DB", "viewer"))
    clerk_id = clerk.user.id
    assert post(clerk).status_code == 403  # the clerk's grants are cached now
    granted = admin.post(f"/users/{clerk.user.username}/roles", json={"unit": "SL-X", "role": "treasurer"})
    assert granted.status_code == 201, granted.json
    assert post(clerk).status_code == 201
    with another_process(app) as other:
        other.delete(other.scalar(select(RoleGrant).where(RoleGrant.user_id == clerk_id,
                                                          RoleGrant.role == "treasurer")))
    assert post(clerk).status_code == 403


def test_a_revoked_token_is_refused_at_once(app, books, api_as):
    treasurer = api_as(("SL", "treasurer"))
    assert post(treasurer).status_code == 201
    token_id = treasurer.get("/auth/tokens").json["items"][0]["id"]
    assert treasurer.client.delete(f"/api/v1/auth/tokens/{token_id}",
                                   headers={"Authorization": f"Bearer {treasurer.token}"}).status_code == 204
    assert post(treasurer).status_code == 401


def test_books_closed_here_or_elsewhere_refuse_the_next_receipt(app, books, api_as):
    treasurer = api_as(("SL", "treasurer"))
    assert post(treasurer).status_code == 201
    closed = treasurer.post("/units/SL-X/periods/close", json={"through": "2026-03-31"})
    assert closed.status_code == 200, closed.json
    refused = post(treasurer)
    assert refused.status_code == 422 and refused.json["code"] == "period_closed"
    assert post(treasurer, on="2026-04-02").status_code == 201
    with another_process(app) as other:
        other.execute(update(Unit).where(Unit.code == "SL-X").values(closed_through=date(2026, 4, 30)))
    assert post(treasurer, on="2026-04-03").json["code"] == "period_closed"


def test_a_fund_given_to_another_unit_elsewhere_is_seen_by_the_next_receipt(app, books, api_as):
    treasurer = api_as(("SL", "treasurer"))
    assert post(treasurer).status_code == 201
    with another_process(app) as other:
        fund = other.scalar(select(Fund).where(Fund.code == "QKH"))
        fund.owner_unit_id = other.scalar(select(Unit.id).where(Unit.code == "DB"))
    refused = post(treasurer)
    assert refused.status_code == 422 and "không dùng được ở" in refused.json["detail"], refused.json


def test_a_moved_unit_answers_to_its_new_parent_at_once(app, books, api_as):
    old_side, new_side = api_as(("SL", "treasurer")), api_as(("DB", "treasurer"))
    admin = api_as(("SL", "admin"), ("DB", "admin"))
    admin.post("/funds", json={"code": "CHUNG", "name": "Quỹ chung", "owner_unit": "SL-X", "kind": "unrestricted"})
    assert post(old_side, fund="CHUNG").status_code == 201
    assert post(new_side, fund="CHUNG").status_code == 403
    moved = admin.post("/units/SL-X/move", json={"parent": "DB"})
    assert moved.status_code == 200, moved.json
    assert post(old_side, fund="CHUNG").status_code == 403
    assert post(new_side, fund="CHUNG").status_code == 201


def test_every_change_to_a_watched_table_draws_a_new_version(app, books):
    before = dict(db.session.execute(select(CacheVersion.name, CacheVersion.version)).all())
    db.session.execute(update(Unit).where(Unit.code == "SL").values(name="Hội Khuyến học tỉnh Sơn La"))
    db.session.commit()
    after = dict(db.session.execute(select(CacheVersion.name, CacheVersion.version)).all())
    assert after["units"] != before["units"] and after["chart"] == before["chart"]
    db.session.rollback()
    db.session.execute(update(Fund).where(Fund.code == "QKH").values(name="Quỹ khuyến học"))
    db.session.rollback()  # rolled back: the bump goes with the change
    assert dict(db.session.execute(select(CacheVersion.name, CacheVersion.version)).all()) == after

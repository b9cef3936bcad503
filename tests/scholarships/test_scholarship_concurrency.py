"""Requests at the same moment on PostgreSQL, each thread with its own client and session: an award
is paid once, a round is decided once, and two rounds cannot together promise more than the fund has."""

import pytest
from sqlalchemy import func, select

from ledger.accounts.treasury.models import Disbursement
from ledger.core.dates import vn_today
from ledger.extensions import db
from ledger.scholarships.models import Award
from tests.racing import post_at_once

pytestmark = pytest.mark.postgres
TODAY = vn_today().isoformat()


def test_an_award_paid_twice_at_once_is_paid_once(app, people, decided):
    award_id = decided["awards"][0]["id"]
    results = at_once(app, people["treasurer"], [(f"/scholarships/awards/{award_id}/pay",
                                                  {"date": TODAY, "method": "cash"})] * 2)
    assert sorted((status, body.get("code")) for status, body in results) == [(201, None), (409, "invalid_state")]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Disbursement.id))) == 1
    assert people["treasurer"].get(f"/scholarships/awards/{award_id}").json["status"] == "paid"


def test_a_round_decided_twice_at_once_is_decided_once(app, people, open_round, nominate):
    nominate(open_round)
    body = {"decision_number": "1/QĐ", "decided_on": TODAY}
    results = at_once(app, people["approver"], [(f"/scholarships/rounds/{open_round}/decide", body)] * 2)
    assert sorted((status, reply.get("code")) for status, reply in results) == [(200, None), (409, "invalid_state")]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Award.id))) == 1


def test_a_ceremony_sent_twice_at_once_pays_each_award_once(app, people, decided):
    results = at_once(app, people["treasurer"], [(f"/scholarships/rounds/{decided['round']}/pay",
                                                  {"date": TODAY, "method": "cash"})] * 2)
    assert sorted((status, reply.get("code")) for status, reply in results) == [(201, None), (409, "invalid_state")]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Disbursement.id))) == len(decided["awards"])


def test_two_rounds_cannot_promise_the_same_money(app, people, program, round_body, nominate):
    rounds = [people["treasurer"].post("/scholarships/programs/HB-SL/rounds", json=round_body(
        school_year=year, budget=30_000_000, quota=None)).json["id"] for year in ("2025-2026", "2026-2027")]
    for round_id in rounds:
        for _ in range(15):
            nominate(round_id)
    body = {"decision_number": "2/QĐ", "decided_on": TODAY}
    results = at_once(app, people["approver"], [(f"/scholarships/rounds/{r}/decide", body) for r in rounds])
    assert sorted((status, (reply or {}).get("code")) for status, reply in results) == [
        (200, None), (422, "over_budget")]
    assert people["treasurer"].get("/funds/QKH-SL").json["committed"] == 30_000_000


def at_once(app, api, requests):
    """Every (path, body) by the same caller at once."""
    return post_at_once(app, [(api, path, body) for path, body in requests])

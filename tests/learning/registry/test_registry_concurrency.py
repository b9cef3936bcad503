"""At the same moment on PostgreSQL, each request in its own thread: a registration is written and counted
once, and a household moved twice at once moves once (the second finds it already there)."""

import pytest
from sqlalchemy import func, select

from ledger.core.dates import vn_today
from ledger.extensions import db
from ledger.learning import tallies
from ledger.learning.models import Registration
from ledger.units.services import get_unit
from tests.learning.registry.conftest import tally
from tests.racing import post_at_once

pytestmark = pytest.mark.postgres
YEAR = vn_today().year


def test_a_registration_sent_four_times_at_once_counts_once(app, api_as, tree):
    api = api_as(("RP", "admin"))
    subject = api.post("/units/RP-X-1/learning/subjects", {"model": "family", "name": "Hộ A"}).json["id"]
    results = at_once(app, api, [(f"/learning/subjects/{subject}/registrations", {"year": YEAR + 1})] * 4)
    assert [status for status, _body in results] == [201] * 4
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Registration).where(Registration.year == YEAR + 1)) == 1
    assert tally("RP-X-1", YEAR + 1) == (1, 0, 0, 0) and tally("VN", YEAR + 1) == (1, 0, 0, 0)


def test_a_household_moved_twice_at_once_moves_once(app, api_as, tree):
    api = api_as(("RP", "admin"))
    subject = api.post("/units/RP-X-1/learning/subjects", {"model": "family", "name": "Hộ A"}).json["id"]
    results = at_once(app, api, [(f"/learning/subjects/{subject}/move", {"unit": "RP-Y-1"})] * 2)
    assert sorted(status for status, _body in results) == [200, 422]
    db.session.rollback()
    assert tally("RP-X", YEAR) == (0, 0, 0, 0) and tally("RP-Y", YEAR) == (1, 0, 0, 0)
    assert tallies.verify_counts(get_unit("VN")) == []


def at_once(app, api, requests):
    """Every (path, body) by the same caller at once."""
    return post_at_once(app, [(api, path, body) for path, body in requests])

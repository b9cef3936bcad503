"""schemathesis against the app in-process: whatever a client sends, no 5xx and every answer matches the
OpenAPI document — with an admin's token over a seeded tree (so codes and small ids exist) and without one.

Bounded so the suite stays quick: schemathesis' boundary ("coverage") cases plus a few derandomized
examples per operation, valid and invalid data, no shrinking. The exact inputs that once gave 500 are
pinned one by one in test_bad_input.py: a run this small is not sure to draw them.
"""
from collections import Counter
from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from ledger import create_app
from ledger.extensions import db

CHECKS = [not_a_server_error, response_schema_conformance]
PROFILE_SCALE = settings.default.max_examples / 100  # 1 in the ci profile (tests/conftest.py), less on a laptop
TALLY: Counter = Counter()


# The document needs no database: read it from an app on an empty in-memory SQLite; each test then sends
# its cases to the fixture's app with its own migrated database.
def load_schema(phases: list[str], max_examples: int):
    loaded = schemathesis.openapi.from_wsgi("/api/openapi.json", create_app(
        {"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"}))
    loaded.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                                    max_examples=max_examples, deterministic=True, no_shrink=True, database="none")
    loaded.config.phases.update(phases=phases)
    return loaded


# With a token every layer is reached: boundary values of each parameter (coverage) and a few random cases.
with_token = load_schema(["examples", "coverage", "fuzzing"], max_examples=max(1, round(5 * PROFILE_SCALE)))
# Without one, all but logging in stops at the edge (input checks, then 401): a few cases per operation suffice.
without_token = load_schema(["examples", "fuzzing"], max_examples=max(1, round(3 * PROFILE_SCALE)))
FIXTURES_PER_OPERATION = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                         HealthCheck.filter_too_much], deadline=None)


@pytest.fixture
def seeded(make_unit, make_fund, post):
    """A province with a commune, a fund with money, so generated codes and small ids find something."""
    make_unit("SL", level="province", name="Hội Khuyến học tỉnh Sơn La")
    make_unit("SL-X01", level="commune", parent="SL", name="Hội Khuyến học phường Tô Hiệu")
    make_fund("KH", owner="SL", name="Quỹ khuyến học")
    post("SL", [("111", "KH", 5_000_000, 0), ("511", "KH", 0, 5_000_000)], on=date(2026, 1, 5))


def call_and_check(app, case, headers: dict, label: str) -> None:
    response = case.call(app=app, headers=headers)
    db.session.rollback()  # the test's own session must not keep a transaction open between requests
    TALLY[label, "requests"] += 1
    TALLY[label, f"{response.status_code // 100}xx"] += 1
    case.validate_response(response, checks=CHECKS, headers=headers)


@pytest.fixture
def admin_token(seeded, api_as) -> str:
    return api_as(("VN", "admin")).token


@with_token.parametrize()
@FIXTURES_PER_OPERATION
def test_with_a_token_no_server_error_and_answers_match_the_document(case, app, admin_token):
    call_and_check(app, case, {"Authorization": f"Bearer {admin_token}"}, "with a token")


@without_token.parametrize()
@FIXTURES_PER_OPERATION
def test_without_a_token_no_server_error_and_answers_match_the_document(case, app, seeded):
    call_and_check(app, case, {}, "without a token")


@pytest.fixture(scope="module", autouse=True)
def report_counts():
    """After the module: how many requests each run sent and how they answered (shown with -s)."""
    yield
    for (label, kind), count in sorted(TALLY.items()):
        print(f"\nschemathesis {label}: {kind} = {count}", end="")

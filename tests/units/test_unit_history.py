"""Moving a unit on an effective date keeps its parent history (issue 14 item 13, the 2025 reform):
consolidations and quarterly reports of a past period count the unit under the parent it had then.

Tree: VN → PA → PA-X → B (a branch), VN → PB → PB-X. B moves to PB-X on 01/07/2025.
"""
from datetime import date, timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from ledger import create_app
from ledger.extensions import db
from tests.conftest import BASE_CONFIG

MOVED_ON = "2025-07-01"


def gift(amount):
    return [{"account": "111", "fund": "QKH", "debit": amount}, {"account": "511", "fund": "QKH", "credit": amount}]


@pytest.fixture
def reform(app, make_unit, make_fund, api_as):
    """B's books: 1,000,000 in Q2/2025, 2,000,000 in Q3/2025, and a 500 pair with PA-X in May."""
    make_unit("PA", level="province")
    make_unit("PA-X", level="commune", parent="PA")
    make_unit("B", level="branch", parent="PA-X")
    make_unit("PB", level="province")
    make_unit("PB-X", level="commune", parent="PB")
    make_fund("QKH", owner="VN")
    admin = api_as(("VN", "admin"))
    for day, amount in (("2025-05-10", 1_000_000), ("2025-08-10", 2_000_000)):
        assert admin.post("/units/B/entries", json={"date": day, "lines": gift(amount)}).status_code == 201
    post_pair(date(2025, 5, 20))
    return admin


def post_pair(day):
    """B owes PA-X 500 it holds in cash; PA-X records the claim as income: a pair consolidation eliminates."""
    from ledger.accounts.ledger import LineDraft
    from ledger.accounts.posting import EntryDraft, TransactionDraft, post_transaction
    from ledger.units.services import get_unit

    post_transaction(TransactionDraft([
        EntryDraft(get_unit("B"), day, [LineDraft("111", "QKH", debit=500),
                                        LineDraft("336", "QKH", credit=500, counterparty_unit="PA-X")]),
        EntryDraft(get_unit("PA-X"), day, [LineDraft("136", "QKH", debit=500, counterparty_unit="B"),
                                           LineDraft("511", "QKH", credit=500)])]))
    db.session.commit()


@pytest.fixture
def moved(reform):
    r = reform.post("/units/B/move", json={"parent": "PB-X", "on": MOVED_ON})
    assert r.status_code == 200, r.json
    return reform


def consolidated(api, code, as_of):
    r = api.get(f"/units/{code}/trial-balance?consolidated=true&as_of={as_of}")
    assert r.status_code == 200, r.json
    return {row["account"]: row["balance"] for row in r.json["rows"]}


def history(api, code="B"):
    return [(p["parent"], p["valid_from"], p["valid_to"]) for p in api.get(f"/units/{code}/parents").json["items"]]


def test_the_move_answers_todays_tree_and_keeps_the_history(moved):
    unit = moved.get("/units/B").json
    assert (unit["parent"], unit["path"]) == ("PB-X", "VN/PB/PB-X/B")
    assert history(moved) == [("PB-X", MOVED_ON, None), ("PA-X", None, MOVED_ON)]
    assert history(moved, "PA-X") == [("PA", None, None)]


def test_consolidations_before_the_move_follow_the_old_parent(moved):
    both = {"111": 1_000_500, "511": -1_000_500}  # the 500 pair inside PA-X's subtree is eliminated
    assert consolidated(moved, "PA-X", "2025-06-30") == both
    assert consolidated(moved, "PA", "2025-06-30") == both
    assert consolidated(moved, "PB-X", "2025-06-30") == {}
    assert consolidated(moved, "PB", "2025-06-30") == {}


def test_consolidations_from_the_move_on_follow_the_new_parent(moved):
    # B counts whole under PB-X (its earlier books too); the pair with PA-X now crosses two subtrees.
    with_b = {"111": 3_000_500, "511": -3_000_000, "336": -500}
    assert consolidated(moved, "PB-X", "2025-09-30") == with_b
    assert consolidated(moved, "PB-X", date.today().isoformat()) == with_b
    assert consolidated(moved, "PA-X", MOVED_ON) == {"136": 500, "511": -500}
    assert consolidated(moved, "PA", "2025-09-30") == {"136": 500, "511": -500}
    assert consolidated(moved, "VN", "2025-06-30") == consolidated(moved, "VN", "2025-09-30") | {
        "111": 1_000_500, "511": -1_000_500}


def test_the_trial_balance_opening_counts_the_units_of_the_period_end(moved):
    from ledger.accounts.balances import trial_balance
    from ledger.units.services import get_unit

    report = trial_balance(get_unit("PB-X"), as_of=date(2025, 9, 30), start=date(2025, 7, 1), consolidated=True)
    cash = next(row for row in report["rows"] if row["account"] == "111")
    assert (cash["opening_debit"], cash["period_debit"], cash["closing_debit"]) == (1_000_500, 2_000_000, 3_000_500)


def quarterly(api, code, period):
    r = api.post(f"/units/{code}/reports", json={"kind": "quarterly", "period": period})
    assert r.status_code == 201, r.json
    return {row["fund"]: (row["opening"], row["receipts"], row["closing"]) for row in r.json["content"]["funds"]}


def test_quarterly_reports_follow_the_tree_of_their_quarter(moved):
    assert quarterly(moved, "PA-X", "2025-Q2") == {"QKH": (0, 1_000_500, 1_000_500)}
    assert quarterly(moved, "PA-X", "2025-Q3") == {"QKH": (500, 0, 500)}
    assert quarterly(moved, "PB-X", "2025-Q2") == {}
    assert quarterly(moved, "PB-X", "2025-Q3") == {"QKH": (1_000_000, 2_000_000, 3_000_000)}


def test_without_a_later_move_the_past_reads_todays_tree(reform):
    assert consolidated(reform, "PA-X", "2025-06-30") == {"111": 1_000_500, "511": -1_000_500}
    assert consolidated(reform, "PA-X", "2025-09-30") == {"111": 3_000_500, "511": -3_000_500}
    assert consolidated(reform, "PB-X", "2025-09-30") == {}


def test_a_second_move_on_the_same_day_replaces_the_first(moved):
    assert moved.post("/units/B/move", json={"parent": "PA-X", "on": MOVED_ON}).status_code == 200
    assert history(moved) == [("PA-X", MOVED_ON, None), ("PA-X", None, MOVED_ON)]
    assert consolidated(moved, "PB-X", "2025-09-30") == {}


def test_a_move_without_a_date_takes_effect_today(reform):
    assert reform.post("/units/B/move", json={"parent": "PB-X"}).status_code == 200
    today = date.today()  # Vietnam is ahead of UTC: the service's day is today or tomorrow here
    assert history(reform)[0][:2] in {("PB-X", today.isoformat()), ("PB-X", (today + timedelta(days=1)).isoformat())}


@pytest.mark.parametrize("code, body, words", [
    ("B", {"parent": "PA-X", "on": "2025-06-30"}, "từ ngày 01/07/2025"),    # before the last move
    ("B", {"parent": "PA-X", "on": "2025-09-15"}, "khóa sổ đến hết ngày 30/09/2025"),  # inside closed books
    ("B", {"parent": "PA-X", "on": "2099-01-01"}, "sau hôm nay"),           # in the future
    ("B", {"parent": "PA-X", "on": "2025-02-30"}, "Ngày không hợp lệ"),     # no such day
    ("B", {"parent": "PA-X", "on": "01/10/2025"}, "Ngày không hợp lệ"),     # the API takes ISO dates
    ("PB", {"parent": "PB-X", "on": "2025-10-01"}, "đơn vị con của nó"),    # under its own subtree
])
def test_refused_moves_change_nothing(moved, code, body, words):
    assert moved.post("/units/B/periods/close", json={"through": "2025-09-30"}).status_code == 200
    before = history(moved, code), moved.get(f"/units/{code}").json
    r = moved.post(f"/units/{code}/move", json=body)
    assert r.status_code == 422, r.json
    assert words in str(r.json["detail"]) + str(r.json.get("errors")), r.json
    assert (history(moved, code), moved.get(f"/units/{code}").json) == before


def test_the_history_needs_the_right_to_read(moved, api_as):
    assert api_as(("PA", "treasurer")).get("/units/B/parents").status_code == 403
    assert api_as(("PB", "treasurer")).get("/units/B/parents").status_code == 200


def test_the_unit_page_lists_the_history_and_refuses_a_bad_date_in_vietnamese(moved, page_as):
    browser = page_as(("VN", "admin"))
    page = browser.get("/units/B").get_data(as_text=True)
    assert "Lịch sử trực thuộc" in page and "30/06/2025" in page and "01/07/2025" in page
    r = browser.post("/units/B/move", data={"parent": "PB", "on": "31/02/2026"})
    assert r.status_code == 422 and "31/02/2026" in r.get_data(as_text=True)
    assert history(moved) == [("PB-X", MOVED_ON, None), ("PA-X", None, MOVED_ON)]


def test_the_migration_opens_one_period_per_existing_unit(tmp_path):
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'before.sqlite3'}"})
    with app.app_context():
        upgrade(revision="c7cache00001")
        db.session.execute(text("INSERT INTO units (id, code, name, search_key, level, parent_id, path, depth, status,"
                                " created_at) VALUES (1, 'VN', 'VN', '', 'central', NULL, 'VN', 0, 'active', "
                                "'2026-01-05 00:00:00'), (2, 'SL', 'SL', '', 'province', 1, 'VN/SL', 1, 'active',"
                                " '2026-01-05 00:00:00')"))
        db.session.commit()
        upgrade()
        rows = db.session.execute(text("SELECT unit_id, parent_id, valid_from, valid_to FROM unit_parents "
                                       "ORDER BY unit_id")).all()
        db.session.remove()
    assert [tuple(row) for row in rows] == [(1, None, "1900-01-01", None), (2, 1, "1900-01-01", None)]

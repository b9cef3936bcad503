"""Many clients at once on PostgreSQL, each thread with its own test client and database session:
no overdraft (5), gapless numbers (6), one posting per Idempotency-Key (8), one reversal per entry (3),
and no deadlock between transactions that touch two units in opposite orders (or a retry when one comes).
"""
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from flask import jsonify
from sqlalchemy import func, select, text

from ledger.accounts import balances, verify
from ledger.accounts.ledger import LineDraft
from ledger.accounts.models import Entry
from ledger.accounts.posting import EntryDraft, TransactionDraft, post_transaction
from ledger.accounts.services import get_fund
from ledger.extensions import db
from ledger.units.services import get_unit

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
START = 1_000_000


def at_once(count: int, work):
    """Run work(i) for i < count in threads released together by a barrier; results in order."""
    barrier = threading.Barrier(count)

    def run(i):
        barrier.wait(timeout=60)
        return work(i)
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


@pytest.fixture
def books(app, api_as, make_unit, make_fund, post):
    make_unit("SL", level="province")
    make_fund("QKH", owner="SL")
    for code in ("SL-X01", "SL-X02"):
        make_unit(code, level="commune", parent="SL")
        post(code, [("111", "QKH", START, 0), ("511", "QKH", 0, START)], on=date(2026, 3, 1))
    return api_as(("SL", "treasurer"))


def send(app, api, path: str, body: dict, key: str | None = None):
    headers = {"Authorization": f"Bearer {api.token}", **({"Idempotency-Key": key} if key else {})}
    return app.test_client().post("/api/v1" + path, json=body, headers=headers)


def entry(lines, day=10):
    return {"date": f"2026-03-{day:02d}", "memo": "Chi học bổng", "lines": lines}


def books_are_clean(app, *codes) -> None:
    db.session.rollback()  # read what the threads committed
    for code in codes:
        result = verify.verify_unit(get_unit(code))
        assert result.valid, result.problems
    assert app.test_cli_runner().invoke(args=["check"]).exit_code == 0


def test_fifty_spenders_never_overdraw_one_fund(app, books):
    amount = 70_000
    spend = entry([{"account": "611", "fund": "QKH", "debit": amount},
                   {"account": "111", "fund": "QKH", "credit": amount}])
    answers = at_once(50, lambda i: send(app, books, "/units/SL-X01/entries", spend))
    statuses = Counter(r.status_code for r in answers)
    assert set(statuses) <= {201, 422} and statuses[201] + statuses[422] == 50
    assert {r.json["code"] for r in answers if r.status_code == 422} <= {"insufficient_funds"}
    assert statuses[201] == START // amount
    books_are_clean(app, "SL-X01")
    cash = balances.money_balance(get_unit("SL-X01"), get_fund("QKH"), "111")
    assert cash == START - statuses[201] * amount >= 0


def test_fifty_postings_to_one_unit_get_gapless_unique_numbers(app, books):
    receipt = entry([{"account": "111", "fund": "QKH", "debit": 1000},
                     {"account": "511", "fund": "QKH", "credit": 1000}])
    answers = at_once(50, lambda i: send(app, books, "/units/SL-X02/entries", receipt))
    assert [r.status_code for r in answers] == [201] * 50
    numbers = sorted(r.json["number"] for r in answers)
    # the set-up receipt of START holds number 1
    assert numbers == [f"BT-2026-{seq:06d}" for seq in range(2, 52)]
    books_are_clean(app, "SL-X02")


def test_one_idempotency_key_from_ten_clients_posts_once(app, books):
    receipt = entry([{"account": "111", "fund": "QKH", "debit": 5000},
                     {"account": "511", "fund": "QKH", "credit": 5000}])
    answers = at_once(10, lambda i: send(app, books, "/units/SL-X02/entries", receipt, key="cung-mot-khoa"))
    assert all((r.status_code, r.json) == (201, answers[0].json) for r in answers)
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in answers) == 9
    db.session.rollback()
    posted = db.session.scalar(select(func.count()).select_from(Entry).where(Entry.unit_id == get_unit("SL-X02").id))
    assert posted == 2  # the set-up receipt and this one
    books_are_clean(app, "SL-X02")


def test_ten_clients_reversing_one_entry_reverse_it_once(app, books):
    receipt = entry([{"account": "111", "fund": "QKH", "debit": 5000},
                     {"account": "511", "fund": "QKH", "credit": 5000}])
    first = send(app, books, "/units/SL-X01/entries", receipt).json
    answers = at_once(10, lambda i: send(app, books, f"/entries/{first['id']}/reverse",
                                         {"date": "2026-03-12", "reason": "Ghi nhầm"}))
    statuses = Counter(r.status_code for r in answers)
    assert statuses[201] == 1 and set(statuses) <= {201, 409, 422}
    books_are_clean(app, "SL-X01")


def test_transactions_over_two_units_in_opposite_orders_all_post(app, books):
    """Chain heads are locked in unit order whatever the order of the entries, so none deadlocks."""
    def grant(payer: str, payee: str) -> list[EntryDraft]:
        on = date(2026, 3, 15)
        return [EntryDraft(get_unit(payer), on, [LineDraft("621", "QKH", 1000, 0, payee),
                                                 LineDraft("111", "QKH", 0, 1000)]),
                EntryDraft(get_unit(payee), on, [LineDraft("111", "QKH", 1000, 0),
                                                 LineDraft("521", "QKH", 0, 1000, payer)])]

    def worker(i):
        payer, payee = ("SL-X01", "SL-X02") if i % 2 else ("SL-X02", "SL-X01")
        with app.app_context():
            for _round in range(20):
                post_transaction(TransactionDraft(grant(payer, payee), kind="grant"))
                db.session.commit()
        return True
    assert at_once(4, worker) == [True] * 4
    books_are_clean(app, "SL-X01", "SL-X02")
    assert balances.money_balance(get_unit("SL-X01"), get_fund("QKH"), "111") == START


@pytest.mark.own_app  # it adds two routes to the app
def test_money_post_retries_the_deadlock_victim(app, books):
    """Two views lock two rows in opposite orders; PostgreSQL aborts one, money_post runs it again."""
    from ledger.accounts.idempotency import money_post

    app.config["LEDGER_GROUP_COMMIT"] = "0"  # even when set on: each view waits for the other, not for one lead
    first_try = threading.Barrier(2)
    attempts = Counter()

    def locking(first: str, second: str):
        @money_post
        def view():
            attempts[first] += 1
            lock(first)
            if attempts[first] == 1:
                first_try.wait(timeout=10)
            lock(second)
            return jsonify({"locked": [first, second]})
        return view

    def lock(code):
        db.session.execute(text("SELECT id FROM units WHERE code = :code FOR UPDATE"), {"code": code})
    app.add_url_rule("/api/v1/test/lock-ab", "lock_ab", locking("SL-X01", "SL-X02"), methods=["POST"])
    app.add_url_rule("/api/v1/test/lock-ba", "lock_ba", locking("SL-X02", "SL-X01"), methods=["POST"])
    answers = at_once(2, lambda i: send(app, books, ("/test/lock-ab", "/test/lock-ba")[i], {}))
    assert [r.status_code for r in answers] == [200, 200]
    assert sum(attempts.values()) == 3

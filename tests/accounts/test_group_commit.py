"""Group commit (core/group_commit.py) on PostgreSQL: money POSTs arriving at one process together share one
transaction and one COMMIT; each still gets its own answer, a failing member fails alone with its own 422,
numbers stay gapless, the chains verify, and an Idempotency-Key sent twice in one group posts once.
"""
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from flask import jsonify
from sqlalchemy import event, func, select, text

from ledger.accounts import verify
from ledger.accounts.models import Entry, IdempotencyRecord
from ledger.accounts.services import close_books
from ledger.accounts.treasury.models import Receipt
from ledger.core import group_commit
from ledger.extensions import db
from ledger.units.services import get_unit

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
UNITS = [f"SL-U{i:02d}" for i in range(20)]
CLOSED = UNITS[15:]  # books closed through February: their February receipts are refused
CASH = 1_000_000


@pytest.fixture(autouse=True)
def grouping(app, monkeypatch):
    """Group commit on for these tests (it is off by default), a fresh committer for each."""
    monkeypatch.setitem(app.config, "LEDGER_GROUP_COMMIT", "1")
    app.extensions.pop("ledger_group_commit", None)
    yield
    app.extensions.pop("ledger_group_commit", None)  # the app is shared: the next test decides again


@pytest.fixture
def books(app, api_as, make_unit, make_fund, post):
    make_unit("SL", level="province")
    make_fund("QKH", owner="SL")
    for code in UNITS:
        make_unit(code, level="commune", parent="SL")
        post(code, [("111", "QKH", CASH, 0), ("511", "QKH", 0, CASH)], on=date(2026, 1, 5))
    for code in CLOSED:
        close_books(get_unit(code), date(2026, 2, 28))
    db.session.commit()
    return api_as(("SL", "treasurer")), api_as(("SL", "approver"))


def send(app, api, path: str, body: dict | None = None, key: str | None = None):
    headers = {"Authorization": f"Bearer {api.token}", **({"Idempotency-Key": key} if key else {})}
    return app.test_client().post("/api/v1" + path, json=body, headers=headers)


def receipt(day: str, amount: int = 50_000) -> dict:
    return {"date": day, "amount": amount, "method": "cash", "fund": "QKH", "category": "donation",
            "donor": {"name": "Nguyễn Văn An", "kind": "individual", "publish": "full"}}


def payment(app, treasurer, code: str, amount: int) -> int:
    made = send(app, treasurer, f"/units/{code}/disbursements", {
        "date": "2026-03-15", "amount": amount, "method": "cash", "fund": "QKH", "category": "scholarship",
        "payee": {"name": "Lò Thị Hoa"}})
    assert made.status_code == 201, made.json
    return made.json["id"]


def committer(app) -> group_commit.GroupCommitter:
    with app.test_request_context():
        found = group_commit.committer()
    assert found is not None, "LEDGER_GROUP_COMMIT=1 turns it on on PostgreSQL"
    return found


def books_are_clean(app) -> None:
    db.session.rollback()  # read what the threads committed
    for code in UNITS:
        result = verify.verify_unit(get_unit(code))
        assert result.valid, (code, result.problems)
    assert app.test_cli_runner().invoke(args=["check"]).exit_code == 0


def numbers_are_gapless() -> None:
    """Per unit, voucher type and year: 1..n, each once (Invariant 6)."""
    rows = db.session.execute(select(Entry.unit_id, Entry.voucher_type, Entry.fiscal_year, func.count(),
                                     func.count(func.distinct(Entry.seq)), func.min(Entry.seq), func.max(Entry.seq))
                              .group_by(Entry.unit_id, Entry.voucher_type, Entry.fiscal_year)).all()
    assert rows and all(count == distinct == last and first == 1 for *_key, count, distinct, first, last in rows), rows


def test_two_hundred_money_posts_at_once_commit_in_groups_and_fail_alone(app, books):
    treasurer, approver = books
    good_pay = {code: payment(app, treasurer, code, 300_000) for code in UNITS}
    overdraw = {code: payment(app, treasurer, code, 5 * CASH) for code in UNITS}  # more than any receipts bring
    requests = []  # (path, body, key, expected status, expected error code)
    for code in UNITS:
        for i in range(8):
            late = code in CLOSED and i < 4
            requests.append((f"/units/{code}/receipts", receipt("2026-02-20" if late else "2026-03-10", 50_000 + i),
                             f"k-{code}-{i}", 422 if late else 201, "period_closed" if late else None))
        requests.append((f"/disbursements/{good_pay[code]}/approve", None, None, 200, None))
        requests.append((f"/disbursements/{overdraw[code]}/approve", None, None, 422, "insufficient_funds"))
    random.Random(13).shuffle(requests)  # groups then mix units, receipts and approvals
    stats_before = committer(app).stats.grouped

    def run(request):
        path, body, key, *_ = request
        return send(app, approver if "approve" in path else treasurer, path, body, key)
    with ThreadPoolExecutor(max_workers=40) as pool:
        answers = list(pool.map(run, requests))

    assert len(answers) == 200
    for (path, _body, _key, status, code), answer in zip(requests, answers):
        assert answer.status_code == status, (path, answer.json)
        assert code is None or answer.json["code"] == code
    assert committer(app).stats.grouped > stats_before, "no group of two or more formed"
    db.session.rollback()
    keys = [key for _path, _body, key, status, _code in requests if status == 201]
    posted = db.session.scalars(select(Receipt.id)).all()
    assert len(posted) == len(set(posted)) == len(keys)
    assert sorted(answer.json["id"] for answer, request in zip(answers, requests)
                  if request[3] == 201) == sorted(posted)
    stored = db.session.scalar(select(func.count()).select_from(IdempotencyRecord))
    assert stored == len(keys)  # the refused requests' keys were rolled back with them
    numbers_are_gapless()
    books_are_clean(app)


def hold_the_lead(app, committer_):
    """A lone member that keeps the lead until released, so that what arrives meanwhile forms one group."""
    release, started = threading.Event(), threading.Event()

    def holding():
        started.set()
        release.wait(timeout=60)
    member = group_commit.Member(work=holding, solo=holding, refused=lambda _result: False)
    holder = threading.Thread(target=committer_.submit, args=(member,))
    holder.start()
    started.wait(timeout=10)
    return release, holder


def in_one_group(app, count: int, send_one, on_release=lambda: None):
    """Send `count` requests from threads while the lead is held; release it once all have queued
    (calling `on_release` first: what happens after it is the group's work)."""
    committer_ = committer(app)
    release, holder = hold_the_lead(app, committer_)
    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(send_one, i) for i in range(count)]
        deadline = time.monotonic() + 30
        while len(committer_._queue) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(committer_._queue) == count, "the requests did not all queue"
        grouped, members = committer_.stats.grouped, committer_.stats.members_grouped
        on_release()
        release.set()
        answers = [future.result() for future in futures]
    holder.join(timeout=10)
    assert (committer_.stats.grouped, committer_.stats.members_grouped) == (grouped + 1, members + count)
    return answers


def test_a_key_sent_twice_in_one_group_posts_once_and_answers_the_same(app, books):
    treasurer, _approver = books
    bodies = [receipt("2026-03-10", 70_000 + i) for i in range(6)]
    # requests 0/1, 2/3 and 4/5 share a key and a body: every pair lands in the same group
    answers = in_one_group(app, 6, lambda i: send(app, treasurer, f"/units/{UNITS[i // 2]}/receipts",
                                                  bodies[i // 2 * 2], key=f"hai-lan-{i // 2}"))
    assert [answer.status_code for answer in answers] == [201] * 6
    for first, second in zip(answers[::2], answers[1::2]):
        assert first.get_data() == second.get_data()
        assert {first.headers.get("Idempotent-Replayed"), second.headers.get("Idempotent-Replayed")} == {
            None, "true"}
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Receipt)) == 3
    books_are_clean(app)


def test_a_member_refused_in_a_group_is_rolled_back_alone(app, books):
    treasurer, _approver = books
    late = receipt("2026-02-20")  # CLOSED units' books are closed through 28/02
    answers = in_one_group(app, 4, lambda i: send(app, treasurer, f"/units/{(UNITS[0], CLOSED[0])[i % 2]}/receipts",
                                                  late, key=f"k{i}"))
    assert [answer.status_code for answer in answers] == [201, 422, 201, 422]
    assert {answers[1].json["code"], answers[3].json["code"]} == {"period_closed"}
    db.session.rollback()
    numbers = sorted(db.session.scalars(select(Entry.seq).where(Entry.unit_id == get_unit(UNITS[0]).id,
                                                                 Entry.voucher_type == "PT")))
    assert numbers == [1, 2]
    assert db.session.scalar(select(IdempotencyRecord.key).where(IdempotencyRecord.key.in_(["k1", "k3"]))) is None
    books_are_clean(app)


@pytest.mark.own_app  # it adds a route to the app
def test_a_deadlock_in_a_group_sends_the_victim_back_alone(app, books):
    """A member whose statement PostgreSQL aborts as a deadlock victim is rolled back to its savepoint and
    runs again alone after the group: it posts once, the group's others post."""
    from ledger.accounts.idempotency import money_post

    attempts = Counter()

    @money_post
    def victim():
        attempts["victim"] += 1
        if attempts["victim"] == 1:
            raise_deadlock()
        db.session.execute(text("SELECT 1"))
        return jsonify({"attempt": attempts["victim"]})
    app.add_url_rule("/api/v1/test/victim", "victim", victim, methods=["POST"])
    treasurer, _approver = books
    answers = in_one_group(app, 3, lambda i: send(app, treasurer, "/test/victim") if i == 1 else
                           send(app, treasurer, f"/units/{UNITS[i]}/receipts", receipt("2026-03-10"), key=f"d{i}"))
    assert [answer.status_code for answer in answers] == [201, 200, 201]
    assert answers[1].json == {"attempt": 2}
    assert committer(app).stats.alone_again >= 1
    books_are_clean(app)


def raise_deadlock():
    """PostgreSQL's own 40P01, raised in the database so the driver reports it as it would a real one."""
    db.session.execute(text("DO $$ BEGIN RAISE EXCEPTION 'deadlock' USING ERRCODE = '40P01'; END $$"))


@pytest.mark.parametrize("setting", ["0", None])
def test_off_by_setting_and_by_default(app, books, monkeypatch, setting):
    if setting is None:
        monkeypatch.delitem(app.config, "LEDGER_GROUP_COMMIT")
        monkeypatch.delenv("LEDGER_GROUP_COMMIT", raising=False)
    else:
        monkeypatch.setitem(app.config, "LEDGER_GROUP_COMMIT", setting)
    app.extensions.pop("ledger_group_commit", None)
    with app.test_request_context():
        assert group_commit.committer() is None
    treasurer, _approver = books
    assert send(app, treasurer, f"/units/{UNITS[0]}/receipts", receipt("2026-03-10"), key="mot").status_code == 201


def test_a_refused_form_in_a_group_forgets_only_its_own_writes(app, books, page_as):
    """A page form refused in a group (start_over) rolls back its own savepoint, key included: the others
    post, and the corrected form is accepted with the same key."""
    treasurer, _approver = books
    page = page_as(("SL", "treasurer"))

    def form(day: str) -> dict:
        return {"date": day, "amount": "1.000.000", "method": "cash", "fund": "QKH", "category": "donation",
                "channel": "direct", "donor_name": "Trần Thị Bình", "donor_kind": "individual",
                "donor_publish": "full", "idempotency_key": "form-nhom-1"}

    def send_one(i):
        if i == 1:
            return page.post(f"/units/{CLOSED[0]}/receipts/new", data=form("2026-02-20"))
        return send(app, treasurer, f"/units/{UNITS[i]}/receipts", receipt("2026-03-10"), key=f"f{i}")
    answers = in_one_group(app, 3, send_one)
    assert [answer.status_code for answer in answers] == [201, 422, 201]
    assert "đã khóa đến hết ngày 28/02/2026" in answers[1].text
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Receipt)) == 2
    assert db.session.get(IdempotencyRecord, "form-nhom-1") is None
    again = page.post(f"/units/{CLOSED[0]}/receipts/new", data=form("2026-03-10"))
    assert again.status_code == 303, again.text
    books_are_clean(app)


def test_a_group_writes_its_members_rows_of_one_kind_in_one_statement(app, books):
    """Six receipts (six new donors) to six units in one group: one statement for the keys, the donors, the
    posting's locks, counters and writes, the receipts, the audit rows and the stored answers, one COMMIT;
    each request still gets its own voucher, its own receipt and its own answer."""
    treasurer, _approver = books
    for i in range(6):  # alone, to fill this process's caches of the six units first
        warm = send(app, treasurer, f"/units/{UNITS[i]}/receipts", receipt("2026-03-09"), key=f"am-{i}")
        assert warm.status_code == 201
    seen: list[str] = []

    def statement(_conn, _cursor, sql, *_args):
        seen.append(" ".join(sql.split()))
    event.listen(db.engine, "before_cursor_execute", statement)
    event.listen(db.engine, "commit", lambda _conn: seen.append("COMMIT"))
    try:
        answers = in_one_group(app, 6, lambda i: send(app, treasurer, f"/units/{UNITS[i]}/receipts", {
            **receipt("2026-03-10", 60_000 + i), "donor": {"name": f"Nhà hảo tâm số {i}", "kind": "individual"}},
            key=f"chung-{i}"), on_release=seen.clear)
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)
    assert [answer.status_code for answer in answers] == [201] * 6
    assert [answer.json["amount"] for answer in answers] == [60_000 + i for i in range(6)]
    assert [answer.json["donor"]["name"] for answer in answers] == [f"Nhà hảo tâm số {i}" for i in range(6)]
    assert {answer.json["number"] for answer in answers} == {"PT-2026-000002"}  # each unit's own second receipt
    listing = "\n".join(seen)
    for start in ("INSERT INTO idempotency_records", "INSERT INTO donors", "SELECT chain_heads.unit_id",
                  "INSERT INTO voucher_counters", "WITH w0 AS (INSERT INTO transactions", "INSERT INTO receipts",
                  "UPDATE idempotency_records", "COMMIT"):
        assert sum(sql.startswith(start) for sql in seen) == 1, (start, listing)
    # Sent one after the other, the six take 12 statements each here (72); together, 12 in all.
    assert len(seen) <= 14, listing
    numbers_are_gapless()
    books_are_clean(app)

"""Anchored chains (API.md "Published anchors"): a published statement freezes each covered unit's chain
head, and a report sent up is recorded in the parent's chain. A database superuser who rewrites posted
lines, fixes the kept balances and rehashes the whole chain with the project's own hash functions passes
every link and balance check, but no longer passes through the anchors: `ledger check`,
/units/{code}/verify and /public/verify/{hash} say so.

On PostgreSQL the intruder switches the guards off with session_replication_role; on SQLite by dropping
the triggers.
"""
import json
import threading
import time
from collections import Counter
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import func, select, text

from ledger.accounts import ledger, verify
from ledger.accounts.models import ChainHead, Entry
from ledger.core.dates import month_start
from ledger.extensions import db

Q1 = {"period_start": "2026-01-01", "period_end": "2026-03-31"}
QUARTER_REPORT = {"kind": "quarterly", "period": "2026-Q1"}


@pytest.fixture
def commune(tree, receive, close):
    """SL-X01 took two donations in the first quarter of 2026 and closed its books; returns the first's entry id."""
    first = receive("SL-X01", 2_000_000, on=date(2026, 2, 10))
    receive("SL-X01", 500_000, on=date(2026, 3, 5))
    close("SL-X01")
    return first.transaction.entries[0].id


@contextmanager
def as_superuser():
    """Guards off for this session, as an intruder with the database superuser's password would."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET session_replication_role = replica"))
        yield
        db.session.execute(text("SET session_replication_role = DEFAULT"))
    else:
        for (name,) in db.session.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).all():
            db.session.execute(text(f'DROP TRIGGER "{name}"'))
        yield
    db.session.commit()


def rewrite_receipt(entry_id: int, amount: int) -> None:
    """Both lines of a posted receipt get a new amount, the kept balances follow, the chain is rehashed."""
    entry = db.session.get(Entry, entry_id)
    lines = db.session.execute(text("SELECT id, account_id, fund_id, debit, credit, counterparty_unit_id "
                                    "FROM lines WHERE entry_id = :id"), {"id": entry_id}).all()
    assert len(lines) == 2
    with as_superuser():
        for line in lines:
            debit, credit = (amount, 0) if line.debit else (0, amount)
            db.session.execute(text("UPDATE lines SET debit = :d, credit = :c WHERE id = :id"),
                               {"d": debit, "c": credit, "id": line.id})
            key = {"u": entry.unit_id, "a": line.account_id, "f": line.fund_id, "cp": line.counterparty_unit_id or 0,
                   "dd": debit - line.debit, "dc": credit - line.credit, "m": month_start(entry.dated_on)}
            db.session.execute(text("UPDATE balances SET debit_total = debit_total + :dd, "
                                    "credit_total = credit_total + :dc WHERE unit_id = :u AND account_id = :a "
                                    "AND fund_id = :f AND cp_unit_id = :cp"), key)
            db.session.execute(text("UPDATE monthly_balances SET debit = debit + :dd, credit = credit + :dc "
                                    "WHERE unit_id = :u AND account_id = :a AND fund_id = :f AND cp_unit_id = :cp "
                                    "AND month = :m"), key)
        rehash_chain(entry.unit_id)


def rehash_chain(unit_id: int) -> None:
    """Recompute every hash of the unit's chain from its lines (ledger.entry_content, ledger.chain_hash)."""
    accounts, funds, units = verify.code_maps()
    entries = db.session.execute(select(Entry.id, Entry.number, Entry.dated_on, Entry.memo, Entry.reverses_id)
                                 .where(Entry.unit_id == unit_id).order_by(Entry.chain_index)).all()
    numbers = {e.id: e.number for e in entries}
    prev = verify.GENESIS
    for entry in entries:
        lines = db.session.execute(text("SELECT account_id, fund_id, debit, credit, counterparty_unit_id, "
                                        "counterparty FROM lines WHERE entry_id = :id ORDER BY id"),
                                   {"id": entry.id}).all()
        content = ledger.entry_content(
            unit=units[unit_id], number=entry.number, dated_on=entry.dated_on.isoformat(), memo=entry.memo,
            reverses=numbers.get(entry.reverses_id),
            lines=[(accounts[ln[0]], funds[ln[1]], ln[2], ln[3], units.get(ln[4]), ln[5]) for ln in lines])
        digest = ledger.chain_hash(prev, content)
        db.session.execute(text("UPDATE entries SET prev_hash = :prev, hash = :hash WHERE id = :id"),
                           {"prev": prev, "hash": digest, "id": entry.id})
        prev = digest
    db.session.execute(text("UPDATE chain_heads SET head = :head WHERE unit_id = :id"), {"head": prev, "id": unit_id})


def check(app) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["check"])
    return result.exit_code, result.output


def public_verify(client, digest: str) -> dict:
    return client.get(f"/public/verify/{digest}", headers={"Accept": "application/json"}).json


def publish(publisher, unit: str, consolidated: bool = False) -> dict:
    draft = publisher.post(f"/units/{unit}/statements", json={**Q1, "consolidated": consolidated})
    assert draft.status_code == 201, draft.json
    published = publisher.post(f"/statements/{draft.json['id']}/publish", json={})
    assert published.status_code == 200, published.json
    return published.json


def test_a_published_statement_carries_each_covered_units_head_and_keeps_it_queryable(
        commune, close, publisher, client):
    from ledger.reports.models import ChainAnchor

    close("SL", "SL-B1")
    head = publisher.get("/units/SL-X01/verify").json["head"]
    published = publish(publisher, "SL", consolidated=True)
    content = json.loads(client.get(f"/public/statements/{published['id']}.json").data)
    # SL and SL-B1 have no entries: nothing of theirs to anchor
    assert content["chain_heads"] == [{"unit": "SL-X01", "index": 2, "hash": head}]
    assert len(content["chain_head"]) == 64  # the old field stays as it was
    anchors = db.session.scalars(select(ChainAnchor)).all()
    assert [(a.statement_id, a.chain_index, a.hash) for a in anchors] == [(published["id"], 2, head)]
    assert publisher.get("/units/SL-X01/verify").json["valid"] is True


def test_a_rewrite_rehashed_by_a_superuser_is_caught_by_the_published_anchor(commune, publisher, client, app):
    published = publish(publisher, "SL-X01")
    assert publisher.get("/units/SL-X01/verify").json["valid"] is True  # control: untouched books match
    assert check(app)[0] == 0
    assert public_verify(client, published["hash"])["books_match"] is True

    rewrite_receipt(commune, 20_000_000)

    verified = publisher.get("/units/SL-X01/verify").json
    assert verified["valid"] is False
    # the rehash was complete: links and kept balances pass; only the anchor sees the rewrite
    assert len(verified["problems"]) == 1, verified["problems"]
    assert f"Báo cáo công khai số {published['id']}" in verified["problems"][0]
    assert "01/01/2026 – 31/03/2026" in verified["problems"][0] and "bút toán thứ 2" in verified["problems"][0]
    code, output = check(app)
    assert code == 1 and "SL-X01:" in output and f"số {published['id']}" in output
    answer = public_verify(client, published["hash"])
    assert answer["valid"] is True and answer["books_match"] is False  # the document is intact; the books are not
    page = client.get(f"/public/verify/{published['hash']}", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "không còn khớp với sổ lúc công bố" in page
    assert app.test_cli_runner().invoke(args=["reports", "verify", published["hash"]]).exit_code == 1


def test_a_changed_posted_line_turns_books_match_false(commune, publisher, client, app):
    published = publish(publisher, "SL-X01")
    with as_superuser():
        db.session.execute(text("UPDATE lines SET counterparty = 'Người khác' WHERE entry_id = :id"), {"id": commune})
    answer = public_verify(client, published["hash"])
    assert answer["valid"] is True and answer["books_match"] is False


def test_public_verify_rehashes_the_stored_statement_it_does_not_just_look_the_digest_up(
        commune, publisher, client, app):
    published = publish(publisher, "SL-X01")
    canonical = db.session.scalar(text("SELECT canonical FROM statements WHERE id = :id"), {"id": published["id"]})
    content = json.loads(canonical)
    content["funds"][0]["receipts"] += 1_000_000
    with as_superuser():
        db.session.execute(text("UPDATE statements SET canonical = :c WHERE id = :id"),
                           {"c": ledger.canonical(content).decode(), "id": published["id"]})
    answer = public_verify(client, published["hash"])
    assert answer["statement_id"] == published["id"]
    assert answer["valid"] is False and answer["books_match"] is False
    assert "KHÔNG KHỚP" in client.get(f"/public/verify/{published['hash']}").get_data(as_text=True)
    assert app.test_cli_runner().invoke(args=["reports", "verify", published["hash"]]).exit_code == 1


def test_a_statement_published_before_anchors_existed_has_no_books_match(commune, publisher, client):
    from ledger.reports.content import sha256

    published = publish(publisher, "SL-X01")
    content = json.loads(db.session.scalar(text("SELECT canonical FROM statements WHERE id = :id"),
                                           {"id": published["id"]}))
    del content["chain_heads"]
    legacy = ledger.canonical(content).decode()
    with as_superuser():  # what a version 1 published by the earlier code looks like
        db.session.execute(text("UPDATE statements SET canonical = :c, hash = :h WHERE id = :id"),
                           {"c": legacy, "h": sha256(legacy), "id": published["id"]})
    answer = public_verify(client, sha256(legacy))
    assert answer["valid"] is True and answer["books_match"] is None


def submit(api_as, unit: str):
    r = api_as((unit, "treasurer")).post(f"/units/{unit}/reports", json=QUARTER_REPORT)
    assert r.status_code == 201, r.json
    return r.json


def test_a_report_sent_up_records_the_units_head_in_the_parents_chain(commune, api_as, app):
    from ledger.reports.models import ChainAnchor

    viewer = api_as(("VN", "viewer"))
    head = viewer.get("/units/SL-X01/verify").json["head"]
    report = submit(api_as, "SL-X01")
    anchor = db.session.scalar(select(ChainAnchor).where(ChainAnchor.report_id == report["id"]))
    recorder = db.session.get(Entry, anchor.entry_id)
    assert (anchor.chain_index, anchor.hash, recorder.unit.code, recorder.lines) == (2, head, "SL", [])
    assert "Mường Bú" in recorder.memo and "2026-Q1" in recorder.memo
    province = viewer.get("/units/SL/verify").json
    assert province["valid"] is True and province["entries_checked"] == 1, province
    assert db.session.get(ChainHead, recorder.unit_id).head == recorder.hash
    assert check(app)[0] == 0


def test_a_rewrite_of_a_commune_after_its_report_went_up_is_caught_in_the_province(commune, api_as, app):
    viewer = api_as(("VN", "viewer"))
    submit(api_as, "SL-X01")
    rewrite_receipt(commune, 20_000_000)

    province = viewer.get("/units/SL/verify").json
    assert province["valid"] is False
    assert "Mường Bú" in province["problems"][0] and "bút toán thứ 2" in province["problems"][0]
    own = viewer.get("/units/SL-X01/verify").json
    assert own["valid"] is False and "trong sổ của Hội Khuyến học tỉnh Sơn La" in own["problems"][0]
    code, output = check(app)
    assert code == 1 and "SL-X01:" in output and "SL:" in output


def test_the_parents_record_of_a_child_head_is_part_of_its_hashed_chain(commune, api_as):
    submit(api_as, "SL-X01")
    with as_superuser():
        db.session.execute(text("UPDATE chain_anchors SET hash = :h"), {"h": "f" * 64})
    province = api_as(("VN", "viewer")).get("/units/SL/verify").json
    assert province["valid"] is False and "đã bị thay đổi" in province["problems"][0]


def test_a_unit_without_entries_sends_its_report_without_an_anchor(tree, api_as):
    submit(api_as, "SL-B1")
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 0


def test_a_report_received_twice_is_refused_the_second_time(commune, api_as):
    report = submit(api_as, "SL-X01")
    parent = api_as(("SL", "treasurer"))
    assert parent.post(f"/reports/{report['id']}/receive").status_code == 200
    again = parent.post(f"/reports/{report['id']}/receive")
    assert again.status_code == 409 and again.json["code"] == "invalid_state" and "đã nhận" in again.json["detail"]


def race(app, count: int, request) -> list:
    """request(test_client) from `count` threads released together; the responses in order."""
    barrier, responses = threading.Barrier(count), [None] * count

    def run(i):
        client = app.test_client()
        barrier.wait(timeout=60)
        responses[i] = request(client, i)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return responses


def bearer(api) -> dict:
    return {"Authorization": f"Bearer {api.token}"}


@pytest.mark.postgres
def test_two_drafts_of_one_period_published_at_once_make_one_version(commune, publisher, app):
    """The first publisher holds its transaction open while the second computes the same version 1 and
    flushes: the second waits on the unique index, then loses with 409 — not a 500."""
    from ledger.core.errors import LedgerError
    from ledger.reports import services

    drafts = [publisher.post("/units/SL-X01/statements", json=Q1).json["id"] for _ in range(2)]
    first_flushed, outcomes = threading.Event(), {}

    def publish(i):
        with app.app_context():
            if i == 1:
                first_flushed.wait(timeout=60)
            try:
                services.publish_statement(services.get_statement(drafts[i]), {})
                if i == 0:
                    first_flushed.set()
                    time.sleep(1)  # the second is now blocked on the unique index
                db.session.commit()
                outcomes[i] = "published"
            except LedgerError as exc:
                db.session.rollback()
                outcomes[i] = (exc.status, exc.code)

    threads = [threading.Thread(target=publish, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert outcomes == {0: "published", 1: (409, "invalid_state")}
    db.session.rollback()
    assert db.session.scalar(text("SELECT count(*) FROM chain_anchors")) == 1
    assert Counter(publisher.get(f"/statements/{i}").json["status"] for i in drafts) == {"published": 1, "draft": 1}


@pytest.mark.postgres
def test_two_receivers_of_one_report_receive_it_once(commune, api_as, app):
    from ledger.core.audit import AuditEvent

    report = submit(api_as, "SL-X01")
    receivers = [api_as(("SL", "treasurer")) for _ in range(2)]
    responses = race(app, 2, lambda client, i: client.post(f"/api/v1/reports/{report['id']}/receive",
                                                          headers=bearer(receivers[i])))
    assert sorted(r.status_code for r in responses) == [200, 409]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "report.receive")) == 1


@pytest.mark.postgres
def test_two_submitters_of_one_period_make_one_report_and_one_anchor(commune, api_as, app):
    from ledger.reports.models import ChainAnchor, PeriodicReport
    from ledger.units.services import get_unit

    senders = [api_as(("SL-X01", "treasurer")) for _ in range(2)]
    responses = race(app, 2, lambda client, i: client.post("/api/v1/units/SL-X01/reports", json=QUARTER_REPORT,
                                                          headers=bearer(senders[i])))
    assert sorted(r.status_code for r in responses) == [201, 409], [r.json for r in responses]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(PeriodicReport)) == 1
    assert db.session.scalar(select(func.count()).select_from(ChainAnchor)) == 1
    province = verify.verify_unit(get_unit("SL"))
    assert province.valid and province.entries_checked == 1, province.problems

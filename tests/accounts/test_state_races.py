"""State changes happen once (API.md): every transition claims its row (ledger.core.state.claim) and
re-checks it there, in the transaction of the posting. Two requests at once on PostgreSQL — two
approvers, one approver twice, approve against reject, two reversers, two closers, two mergers, two
confirmations of one bank match, two receipts from one bank line, two payments of one allowance —
give exactly one success, 409 invalid_state for the rest, one posting, gapless numbers. Without
threads (SQLite too): the repeat answers 409 invalid_state and changes nothing.
"""
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import func, select

from ledger.accounts import verify
from ledger.accounts.banking.models import BankStatementLine
from ledger.accounts.models import Entry, Transaction
from ledger.accounts.treasury.models import Disbursement, Receipt
from ledger.core.audit import AuditEvent
from ledger.extensions import db
from ledger.units.services import get_unit
from tests.accounts.banking.test_reconciliation import HEADER, bank, bank_receipt, upload  # noqa: F401  (fixture)
from tests.accounts.treasury.test_disbursements import create, people  # noqa: F401  (fixture)

REVERSAL = {"date": "2026-03-12", "reason": "Ghi nhầm"}


def race(app, *calls):
    """Send every (api, path, body) in its own thread with its own client, released together by a
    barrier; (status, reply) in order."""
    barrier = threading.Barrier(len(calls))

    def send(call):
        api, path, body = call
        barrier.wait(timeout=60)
        response = app.test_client().post("/api/v1" + path, json=body, headers={"Authorization": f"Bearer {api.token}"})
        return response.status_code, response.get_json() or {}
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(send, calls))


def one_won(results, success: int) -> dict:
    """Exactly one `success`, every other answer 409 invalid_state; the winner's reply."""
    assert Counter(status for status, _reply in results) == {success: 1, 409: len(results) - 1}, results
    assert {reply.get("code") for status, reply in results if status == 409} <= {"invalid_state"}
    return next(reply for status, reply in results if status == success)


def gapless(*codes) -> None:
    """Numbers 1…n per voucher type and year in each unit's books, and the chain verifies."""
    db.session.rollback()  # read what the threads committed
    for code in codes:
        unit = get_unit(code)
        rows = db.session.execute(select(Entry.voucher_type, Entry.fiscal_year, Entry.seq)
                                  .where(Entry.unit_id == unit.id)).all()
        series = Counter((kind, year) for kind, year, _seq in rows)
        for (kind, year), count in series.items():
            assert sorted(seq for k, y, seq in rows if (k, y) == (kind, year)) == list(range(1, count + 1))
        result = verify.verify_unit(unit)
        assert result.valid, result.problems


def count(model, *where) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def audited(action: str) -> int:
    return count(AuditEvent, AuditEvent.action == action)


def vouchers(kind: str, unit="SL-X01") -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(select(Entry.number).where(Entry.unit_id == get_unit(unit).id,
                                                              Entry.voucher_type == kind).order_by(Entry.seq)))


# ---- disbursements --------------------------------------------------------------------------------

@pytest.mark.postgres
def test_two_approvers_post_one_voucher(app, people):
    made = create(people["treasurer"])
    path = f"/disbursements/{made['id']}/approve"
    winner = one_won(race(app, (people["approver"], path, None), (people["chair"], path, None)), 200)
    assert winner["number"] == "PC-2026-000001"
    assert vouchers("PC") == ["PC-2026-000001"] and audited("disbursement.approve") == 1
    gapless("SL-X01")


@pytest.mark.postgres
def test_one_approver_clicking_five_times_posts_once(app, people):
    made = create(people["treasurer"])
    one_won(race(app, *[(people["approver"], f"/disbursements/{made['id']}/approve", None)] * 5), 200)
    assert vouchers("PC") == ["PC-2026-000001"] and audited("disbursement.approve") == 1
    gapless("SL-X01")


@pytest.mark.postgres
def test_approve_against_reject_one_wins(app, people):
    made = create(people["treasurer"])
    results = race(app, (people["approver"], f"/disbursements/{made['id']}/approve", None),
                   (people["chair"], f"/disbursements/{made['id']}/reject", {"reason": "Thiếu hồ sơ"}))
    assert sorted(status for status, _reply in results) == [200, 409], results
    assert {reply.get("code") for status, reply in results if status == 409} == {"invalid_state"}
    approved = results[0][0] == 200
    status = count(Disbursement, Disbursement.id == made["id"], Disbursement.status == "posted")
    assert status == int(approved) and vouchers("PC") == (["PC-2026-000001"] if approved else [])
    assert audited("disbursement.approve") + audited("disbursement.reject") == 1
    gapless("SL-X01")


def test_approving_after_a_rejection_or_again_is_409_and_changes_nothing(people):
    rejected, approved = create(people["treasurer"]), create(people["treasurer"])
    assert people["approver"].post(f"/disbursements/{rejected['id']}/reject", json={"reason": "Sai"}).status_code == 200
    assert people["approver"].post(f"/disbursements/{approved['id']}/approve").status_code == 200
    for path, body in [(f"/disbursements/{rejected['id']}/approve", None),
                       (f"/disbursements/{rejected['id']}/reject", {"reason": "Lại"}),
                       (f"/disbursements/{approved['id']}/reject", {"reason": "Muộn"}),
                       (f"/disbursements/{approved['id']}/approve", None)]:
        r = people["chair"].post(path, json=body)
        assert (r.status_code, r.json["code"]) == (409, "invalid_state"), (path, r.json)
    assert [people["approver"].get(f"/disbursements/{d['id']}").json["status"] for d in (rejected, approved)] == [
        "rejected", "posted"]
    assert vouchers("PC") == ["PC-2026-000001"] and audited("disbursement.approve") == 1


def test_refused_for_money_stays_pending_and_can_be_approved_later(people, give):
    made = create(people["treasurer"], amount=6_000_000)
    r = people["approver"].post(f"/disbursements/{made['id']}/approve")
    assert (r.status_code, r.json["code"]) == (422, "insufficient_funds")
    assert people["approver"].get(f"/disbursements/{made['id']}").json["status"] == "pending_approval"
    give("SL-X01", 2_000_000, on=date(2026, 3, 2), fund="HOIPHI")
    assert people["approver"].post(f"/disbursements/{made['id']}/approve").status_code == 200


# ---- reversal and closing -------------------------------------------------------------------------

@pytest.fixture
def receipt(people):
    """A posted receipt of SL-X01 (PT-2026-000001, the donation of `people`)."""
    db.session.rollback()
    return db.session.scalar(select(Entry).where(Entry.unit_id == get_unit("SL-X01").id))


@pytest.mark.postgres
def test_ten_reversers_reverse_once(app, people, receipt):
    results = race(app, *[(people["treasurer"], f"/entries/{receipt.id}/reverse", REVERSAL)] * 10)
    winner = one_won(results, 201)
    assert winner["reverses"] == receipt.id
    assert count(Entry, Entry.reverses_id.isnot(None)) == 1 and audited("entry.reverse") == 1
    gapless("SL-X01")


def test_reversing_again_is_409_and_posts_nothing(people, receipt):
    first = people["treasurer"].post(f"/entries/{receipt.id}/reverse", json=REVERSAL)
    assert first.status_code == 201
    again = people["treasurer"].post(f"/entries/{receipt.id}/reverse", json=REVERSAL)
    assert (again.status_code, again.json["code"]) == (409, "invalid_state")
    assert receipt.number in again.json["detail"]
    mirror = people["treasurer"].post(f"/entries/{first.json['id']}/reverse", json=REVERSAL)
    assert (mirror.status_code, mirror.json["code"]) == (422, "invalid_state")  # a reversal is never reversed
    assert count(Entry, Entry.reverses_id.isnot(None)) == 1


@pytest.mark.postgres
def test_two_closers_close_once(app, people):
    body = {"through": "2026-03-31"}
    one_won(race(app, *[(people["treasurer"], "/units/SL-X01/periods/close", body)] * 2), 200)
    assert audited("books.close") == 1
    assert get_unit("SL-X01").closed_through == date(2026, 3, 31)


def test_closing_through_the_same_date_again_is_409_an_earlier_one_422(people):
    close = people["treasurer"].post
    assert close("/units/SL-X01/periods/close", json={"through": "2026-03-31"}).status_code == 200
    same = close("/units/SL-X01/periods/close", json={"through": "2026-03-31"})
    assert (same.status_code, same.json["code"]) == (409, "invalid_state") and "31/03/2026" in same.json["detail"]
    back = close("/units/SL-X01/periods/close", json={"through": "2026-02-28"})
    assert (back.status_code, back.json["code"]) == (422, "invalid_state")
    assert audited("books.close") == 1 and get_unit("SL-X01").closed_through == date(2026, 3, 31)
    assert close("/units/SL-X01/periods/close", json={"through": "2026-04-30"}).status_code == 200


# ---- merging and moving units ---------------------------------------------------------------------

@pytest.fixture
def admins(community_tree, give, api_as):
    give("SL-X02", 3_000_000, on=date(2026, 3, 10), fund="HOIPHI")
    give("SL-X01", 100_000, on=date(2026, 3, 11), fund="HOIPHI")
    return api_as(("SL", "admin")), api_as(("SL", "admin"))


@pytest.mark.postgres
def test_two_mergers_merge_once(app, admins):
    body = {"into": "SL-X01", "on": "2026-06-30"}
    winner = one_won(race(app, *[(admin, "/units/SL-X02/merge", body) for admin in admins]), 200)
    assert winner == {"status": "merged", "merged_into": "SL-X01", "merged_on": "2026-06-30"}
    assert count(Transaction, Transaction.kind == "merge") == 2 and audited("unit.merge") == 1  # out, and in
    assert get_unit("SL-B3").parent.code == "SL-X01"
    gapless("SL-X01", "SL-X02")


def test_merging_a_merged_unit_or_moving_it_is_409(admins):
    admin = admins[0]
    assert admin.post("/units/SL-X02/merge", json={"into": "SL-X01", "on": "2026-06-30"}).status_code == 200
    for path, body in [("/units/SL-X02/merge", {"into": "SL-X01", "on": "2026-07-01"}),
                       ("/units/SL-X01/merge", {"into": "SL-X02", "on": "2026-07-01"}),
                       ("/units/SL-X02/move", {"parent": "SL"})]:
        r = admin.post(path, json=body)
        assert (r.status_code, r.json["code"]) == (409, "invalid_state"), (path, r.json)
        assert "SL-X02" in r.json["detail"]
    assert count(Transaction, Transaction.kind == "merge") == 2 and audited("unit.merge") == 1
    assert audited("unit.move") == 1  # SL-B3 followed the merge


@pytest.mark.postgres
def test_two_movers_of_one_unit_leave_consistent_paths(app, admins, make_unit):
    make_unit("SL-D1", level="district", parent="SL")
    results = race(app, (admins[0], "/units/SL-X02/move", {"parent": "SL-D1"}),
                   (admins[1], "/units/SL-X02/move", {"parent": "SL"}))
    assert [status for status, _reply in results] == [200, 200]
    db.session.rollback()
    moved, branch = get_unit("SL-X02"), get_unit("SL-B3")
    assert moved.path == f"{moved.parent.path}/SL-X02" and branch.path == f"{moved.path}/SL-B3"


# ---- bank reconciliation --------------------------------------------------------------------------

@pytest.fixture
def suggested(bank):
    """A statement credit with one suggested receipt (amount and date only)."""
    bank_receipt(500_000, date(2026, 3, 9), "Ủng hộ")
    db.session.commit()
    assert upload(bank, HEADER + "10/03/2026,A1,UNG HO,,500.000\n").json["suggested"] == 1
    return bank.get(f"/bank-accounts/{bank.account_id}/lines?status=suggested").json["items"][0]


@pytest.mark.postgres
def test_a_bank_match_confirmed_twice_at_once_is_confirmed_once(app, bank, suggested):
    one_won(race(app, *[(bank, f"/bank-lines/{suggested['id']}/confirm", None)] * 2), 200)
    assert audited("bank.confirm") == 1
    assert count(BankStatementLine, BankStatementLine.status == "matched") == 1


@pytest.mark.postgres
def test_a_suggestion_rejected_twice_at_once_is_rejected_once(app, bank, suggested):
    one_won(race(app, *[(bank, f"/bank-lines/{suggested['id']}/reject", None)] * 2), 200)
    assert audited("bank.unmatch") == 1
    assert count(BankStatementLine, BankStatementLine.status == "unmatched") == 1


@pytest.mark.postgres
def test_one_bank_line_becomes_one_receipt_when_sent_twice_at_once(app, bank):
    upload(bank, HEADER + "12/03/2026,A9,CHU THI HOA ung ho,,3.000.000\n")
    line = bank.get(f"/bank-accounts/{bank.account_id}/lines").json["items"][0]
    body = {"donor": {"name": "Chu Thị Hoa", "kind": "individual", "publish": "initials"}}
    one_won(race(app, *[(bank, f"/bank-lines/{line['id']}/receipt", body)] * 3), 201)
    assert count(Receipt) == 1 and vouchers("PT", unit="BL") == ["PT-2026-000001"]
    gapless("BL")


def test_a_confirmed_or_rejected_suggestion_answers_409(bank, suggested):
    path = f"/bank-lines/{suggested['id']}"
    assert bank.post(path + "/confirm").status_code == 200
    again = bank.post(path + "/confirm")
    assert (again.status_code, again.json["code"]) == (409, "invalid_state") and "đã khớp" in again.json["detail"]
    assert bank.post(path + "/reject").status_code == 200
    for action in ("/confirm", "/reject"):
        r = bank.post(path + action)
        assert (r.status_code, r.json["code"]) == (409, "invalid_state")
    assert audited("bank.confirm") == 1 and audited("bank.unmatch") == 1


# ---- allowances -----------------------------------------------------------------------------------

@pytest.mark.postgres
def test_two_payments_of_one_allowance_at_once_make_one_voucher(app, people):
    rule = people["treasurer"].post("/units/SL-X01/allowance-rules", json={
        "position": "Phó Chủ tịch Hội", "payee_name": "Cầm Thị Xuân", "basis": "fixed", "amount": 60_000,
        "fund": "HOIPHI"}).json
    body = {"year": 2026, "date": "2026-04-01"}
    one_won(race(app, *[(people["treasurer"], f"/allowance-rules/{rule['id']}/payments", body)] * 2), 201)
    assert count(Disbursement, Disbursement.category == "allowance") == 1

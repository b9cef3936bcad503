"""Entries, reversal, closing, trial balance and verify through the contract's API."""
from datetime import date

import pytest

DONATION = [{"account": "111", "fund": "QKH", "debit": 2015000}, {"account": "511", "fund": "QKH", "credit": 2015000}]


@pytest.fixture
def books(api_as, make_unit, make_fund):
    make_unit("SL", level="province")
    make_unit("SL-X01", level="commune", parent="SL")
    make_fund("QKH", owner="SL", name="Quỹ khuyến học tỉnh Sơn La")
    return api_as(("SL", "treasurer"))


def test_post_entry_returns_number_hash_and_lines(books):
    r = books.post("/units/SL-X01/entries", json={"date": "2026-03-10", "memo": "Ủng hộ", "lines": DONATION})
    assert r.status_code == 201, r.json
    assert r.json["number"] == "BT-2026-000001"
    assert r.json["status"] == "posted" and len(r.json["hash"]) == 64
    assert ([(ln["account"], ln["debit"], ln["credit"]) for ln in r.json["lines"]]
            == [("111", 2015000, 0), ("511", 0, 2015000)])
    second = books.post("/units/SL-X01/entries", json={"date": "2026-03-11", "lines": DONATION})
    assert second.json["number"] == "BT-2026-000002"


@pytest.mark.parametrize("lines, code", [
    ([{"account": "111", "fund": "QKH", "debit": 100}, {"account": "511", "fund": "QKH", "credit": 90}],
     "unbalanced"),
    ([{"account": "111", "fund": "QKH", "debit": 100}, {"account": "511", "fund": "OTHER", "credit": 100}],
     "unbalanced_fund"),
    ([{"account": "611", "fund": "QKH", "debit": 100}, {"account": "111", "fund": "QKH", "credit": 100}],
     "insufficient_funds"),
])
def test_refused_entries_change_nothing(books, make_fund, lines, code):
    make_fund("OTHER", owner="SL")
    r = books.post("/units/SL-X01/entries", json={"date": "2026-03-10", "lines": lines})
    assert r.status_code == 422 and r.json["code"] == code, r.json
    assert books.get("/units/SL-X01/entries").json["total"] == 0
    assert books.get("/units/SL-X01/trial-balance").json["rows"] == []


def test_json_carries_vietnamese_as_is(books):
    r = books.post("/units/SL-X01/entries", json={"date": "2026-03-10", "memo": "Ủng hộ quỹ", "lines": DONATION})
    assert "Ủng hộ quỹ" in r.get_data(as_text=True)


def test_amount_as_string_or_float_is_refused(books):
    lines = [{"account": "111", "fund": "QKH", "debit": "2.015.000"},
             {"account": "511", "fund": "QKH", "credit": 2015000.5}]
    r = books.post("/units/SL-X01/entries", json={"date": "2026-03-10", "lines": lines})
    assert r.status_code == 422
    assert r.json["errors"]["lines"]["0"]["debit"]


def test_reverse_once_and_balances_follow(books):
    entry = books.post("/units/SL-X01/entries", json={"date": "2026-03-10", "lines": DONATION}).json
    r = books.post(f"/entries/{entry['id']}/reverse", json={"date": "2026-03-12", "reason": "Ghi nhầm"})
    assert r.status_code == 201, r.json
    assert r.json["reverses"] == entry["id"] and r.json["number"] == "BT-2026-000002"
    again = books.post(f"/entries/{entry['id']}/reverse", json={"date": "2026-03-12", "reason": "Lần nữa"})
    assert again.status_code == 409 and again.json["code"] == "invalid_state"
    rows = books.get("/units/SL-X01/trial-balance").json["rows"]
    assert {(row["account"], row["balance"]) for row in rows} == {("111", 0), ("511", 0)}
    assert books.get(f"/entries/{entry['id']}").json["reversed_by"] == r.json["id"]


def test_closed_period_refuses_and_date_only_moves_forward(books):
    books.post("/units/SL-X01/entries", json={"date": "2026-03-10", "lines": DONATION})
    assert books.post("/units/SL-X01/periods/close", json={"through": "2026-03-31"}).status_code == 200
    r = books.post("/units/SL-X01/entries", json={"date": "2026-03-31", "lines": DONATION})
    assert r.status_code == 422 and r.json["code"] == "period_closed"
    assert "31/03/2026" in r.json["detail"]
    back = books.post("/units/SL-X01/periods/close", json={"through": "2026-02-28"})
    assert back.status_code == 422 and back.json["code"] == "invalid_state"
    future = books.post("/units/SL-X01/periods/close", json={"through": "2099-01-01"})
    assert future.status_code == 422


def test_trial_balance_as_of_past_dates(books):
    books.post("/units/SL-X01/entries", json={"date": "2026-01-10", "lines": DONATION})
    books.post("/units/SL-X01/entries", json={"date": "2026-03-15", "lines": DONATION})
    def cash(as_of):
        rows = books.get(f"/units/SL-X01/trial-balance?as_of={as_of}").json["rows"]
        return sum(r["balance"] for r in rows if r["account"] == "111")
    assert cash("2025-12-31") == 0
    assert cash("2026-01-10") == 2015000
    assert cash("2026-03-14") == 2015000
    assert cash("2026-03-15") == 4030000
    assert cash(date.today().isoformat()) == 4030000


def test_consolidation_eliminates_inner_pairs(books, app, make_unit):
    from ledger.accounts.ledger import LineDraft
    from ledger.accounts.posting import EntryDraft, TransactionDraft, post_transaction
    from ledger.extensions import db
    from ledger.units.services import get_unit

    branch, province = get_unit("SL-X01"), get_unit("SL")
    post_transaction(TransactionDraft([
        EntryDraft(branch, date(2026, 3, 1), [LineDraft("111", "QKH", debit=500),
                                              LineDraft("336", "QKH", credit=500, counterparty_unit="SL")]),
        EntryDraft(province, date(2026, 3, 1), [LineDraft("136", "QKH", debit=500, counterparty_unit="SL-X01"),
                                                LineDraft("511", "QKH", credit=500)]),
    ]))
    db.session.commit()
    whole = books.get("/units/SL/trial-balance?consolidated=true").json
    assert {(r["account"], r["balance"]) for r in whole["rows"]} == {("111", 500), ("511", -500)}
    branch_only = books.get("/units/SL-X01/trial-balance?consolidated=true").json
    assert ("336", -500) in {(r["account"], r["balance"]) for r in branch_only["rows"]}


def test_verify_reports_clean_chain(books):
    for day in ("2026-03-10", "2026-03-11"):
        books.post("/units/SL-X01/entries", json={"date": day, "lines": DONATION})
    r = books.get("/units/SL-X01/verify").json
    assert r["valid"] is True and r["entries_checked"] == 2 and len(r["head"]) == 64


def test_idempotency_key_replays_and_refuses_other_body(books):
    headers = {"Idempotency-Key": "k-123"}
    first = books.post("/units/SL-X01/entries", json={"date": "2026-03-10", "lines": DONATION}, headers=headers)
    again = books.post("/units/SL-X01/entries", json={"date": "2026-03-10", "lines": DONATION}, headers=headers)
    assert (again.status_code, again.data) == (first.status_code, first.data)  # the same bytes
    assert books.get("/units/SL-X01/entries").json["total"] == 1
    other = books.post("/units/SL-X01/entries", json={"date": "2026-03-11", "lines": DONATION}, headers=headers)
    assert other.status_code == 409 and other.json["code"] == "idempotency_mismatch"

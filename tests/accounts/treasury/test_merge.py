"""Merging a unit into another (the 2025 reform) through the API: balances move by transfer entries
dated the merge day, claims towards the merged unit follow it, its books close, history stays.
"""
from datetime import date

import pytest

from ledger.extensions import db


@pytest.fixture
def reform(community_tree, api_as, give, make_fund):
    """SL-X02 (with branch SL-B3) holds its own HOIPHI cash, cash of its own fund, and Tô Hiệu money it owes SL."""
    make_fund("QKH-X02", owner="SL-X02", name="Quỹ khuyến học xã Mường Bú")
    give("SL-X02", 3000000, on=date(2026, 3, 10), fund="HOIPHI")
    give("SL-X02", 1200000, on=date(2026, 3, 10), fund="TOHIEU")
    give("SL-X02", 800000, on=date(2026, 3, 10), fund="QKH-X02")
    give("SL-B3", 500000, on=date(2026, 3, 11), fund="TOHIEU")
    give("SL-X01", 100000, on=date(2026, 3, 11), fund="HOIPHI")
    return api_as(("SL", "admin"))


def rows(api, unit, consolidated=False) -> dict[tuple[str, str], int]:
    tb = api.get(f"/units/{unit}/trial-balance?consolidated={'true' if consolidated else 'false'}").json["rows"]
    return {(r["account"], r["fund"]): r["balance"] for r in tb if r["balance"]}


def test_merge_moves_balances_closes_the_books_and_keeps_history(reform):
    before = rows(reform, "SL", consolidated=True)
    r = reform.post("/units/SL-X02/merge", json={"into": "SL-X01", "on": "2026-06-30"})
    assert r.status_code == 200, r.json
    assert r.json == {"status": "merged", "merged_into": "SL-X01", "merged_on": "2026-06-30"}
    assert rows(reform, "SL-X02") == {}
    into = rows(reform, "SL-X01")
    assert into[("111", "HOIPHI")] == 3100000 and into[("111", "TOHIEU")] == 1200000
    assert into[("111", "QKH-X02")] == 800000 and into[("336", "TOHIEU")] == -1200000
    assert rows(reform, "SL", consolidated=True) == before
    unit = reform.get("/units/SL-X02").json
    assert (unit["status"], unit["merged_into"], unit["closed_through"]) == ("merged", "SL-X01", "2026-06-30")
    assert reform.get("/units/SL-B3").json["parent"] == "SL-X01"
    assert reform.get("/funds/QKH-X02").json["owner_unit"] == "SL-X01"
    assert reform.get("/units/SL-X02/entries").json["total"] == 4  # three receipts and the closing transfer
    for code in ("SL", "SL-X01", "SL-X02"):
        assert reform.get(f"/units/{code}/verify").json["valid"] is True


def test_claims_towards_the_merged_unit_now_point_at_the_one_it_joined(reform):
    from ledger.accounts.models import Balance
    from ledger.units.services import get_unit

    reform.post("/units/SL-X02/merge", json={"into": "SL-X01", "on": "2026-06-30"})
    province, merged, joined = (get_unit(c) for c in ("SL", "SL-X02", "SL-X01"))
    db.session.expire_all()
    towards = {row.cp_unit_id: row.debit_total - row.credit_total
               for row in db.session.query(Balance).filter_by(unit_id=province.id)
               if row.cp_unit_id and row.debit_total != row.credit_total}
    assert merged.id not in towards and towards[joined.id] == 1200000


def test_afterwards_posting_to_the_merged_unit_is_refused(reform):
    reform.post("/units/SL-X02/merge", json={"into": "SL-X01", "on": "2026-06-30"})
    receipt = {"date": "2026-07-02", "amount": 1000, "method": "cash", "fund": "HOIPHI", "category": "donation",
               "donor": {"name": "Hà Văn Tú", "kind": "individual", "publish": "full"}}
    r = reform.post("/units/SL-X02/receipts", json=receipt)
    assert r.status_code == 422 and r.json["code"] == "period_closed"
    assert "sáp nhập vào" in r.json["detail"] and "30/06/2026" in r.json["detail"]
    later = reform.post("/units/SL-X02/receipts", json={**receipt, "date": "2026-07-01"})
    assert later.status_code == 422 and later.json["code"] == "period_closed"
    again = reform.post("/units/SL-X02/merge", json={"into": "SL-X01", "on": "2026-07-01"})
    assert again.status_code == 409 and again.json["code"] == "invalid_state"
    payment = {"date": "2026-07-02", "amount": 1000, "method": "cash", "fund": "HOIPHI", "category": "other",
               "payee": {"name": "Hà Văn Tú"}}
    assert reform.post("/units/SL-X02/disbursements", json=payment).json["code"] == "period_closed"
    assert reform.post("/units/SL-B3/receipts", json=receipt).status_code == 201


@pytest.mark.parametrize("into, on, code", [("SL-B3", "2026-06-30", "invalid_state"),
                                           ("SL-X02", "2026-06-30", "invalid_state"),
                                           ("SL-X01", "2026-03-09", "invalid_state"),
                                           ("NOWHERE", "2026-06-30", "validation")])
def test_refused_merges_change_nothing(reform, into, on, code):
    r = reform.post("/units/SL-X02/merge", json={"into": into, "on": on})
    assert r.status_code == 422 and r.json["code"] == code
    assert reform.get("/units/SL-X02").json["status"] == "active"
    assert rows(reform, "SL-X02")[("111", "HOIPHI")] == 3000000


def test_claims_between_the_two_units_cancel(reform):
    from ledger.accounts.ledger import LineDraft
    from ledger.accounts.posting import EntryDraft, TransactionDraft, post_transaction
    from ledger.units.services import get_unit

    joined, merged = get_unit("SL-X01"), get_unit("SL-X02")
    post_transaction(TransactionDraft([  # SL-X02 keeps 50.000 đ it owes SL-X01 (money handed over on the spot)
        EntryDraft(merged, date(2026, 4, 1), [LineDraft("111", "HOIPHI", debit=50000),
                                              LineDraft("336", "HOIPHI", credit=50000, counterparty_unit="SL-X01")]),
        EntryDraft(joined, date(2026, 4, 1), [LineDraft("136", "HOIPHI", debit=50000, counterparty_unit="SL-X02"),
                                              LineDraft("511", "HOIPHI", credit=50000)])]))
    db.session.commit()
    assert reform.post("/units/SL-X02/merge", json={"into": "SL-X01", "on": "2026-06-30"}).status_code == 200
    into = rows(reform, "SL-X01")
    assert ("136", "HOIPHI") not in into and ("336", "HOIPHI") not in into and ("421", "HOIPHI") not in into
    assert into[("111", "HOIPHI")] == 3150000


def test_only_an_admin_merges(reform, api_as):
    r = api_as(("SL", "treasurer")).post("/units/SL-X02/merge", json={"into": "SL-X01", "on": "2026-06-30"})
    assert r.status_code == 403

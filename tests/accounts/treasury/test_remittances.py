"""Remittances to an ancestor through the API: settling what was collected on behalf of a pooled
fund (never more), transferring a unit's own part (621/521), both books in one transaction.
"""
from datetime import date

import pytest


def remittance(**overrides) -> dict:
    return {"date": "2026-04-01", "to_unit": "SL", "fund": "TOHIEU", "amount": 3000000, "method": "cash", **overrides}


@pytest.fixture
def branch(community_tree, api_as, give):
    give("SL-B1", 5000000, on=date(2026, 3, 10), fund="TOHIEU")  # collected on behalf of SL
    give("SL-B1", 2000000, on=date(2026, 3, 10), fund="HOIPHI")  # the branch's own part
    return api_as(("SL", "treasurer"))


def lines(api, entry_id) -> set[tuple]:
    entry = api.get(f"/entries/{entry_id}").json
    return {(entry["unit"], ln["account"], ln["debit"], ln["credit"], ln["counterparty_unit"]) for ln in entry["lines"]}


def test_pooled_fund_settles_what_was_collected_on_behalf(branch, balance):
    r = branch.post("/units/SL-B1/remittances", json=remittance())
    assert r.status_code == 201, r.json
    assert r.json["kind"] == "settlement" and r.json["settled"] == 3000000 and r.json["transferred"] == 0
    sent, received = r.json["entry_ids"]
    assert lines(branch, sent) == {("SL-B1", "336", 3000000, 0, "SL"), ("SL-B1", "111", 0, 3000000, None)}
    assert lines(branch, received) == {("SL", "111", 3000000, 0, None), ("SL", "136", 0, 3000000, "SL-B1")}
    assert r.json["numbers"]["SL-B1"].startswith("PC-") and r.json["numbers"]["SL"].startswith("PT-")
    assert balance(branch, "SL-B1", "336", "TOHIEU") == -2000000
    assert balance(branch, "SL", "136", "TOHIEU") == 2000000


def test_more_than_is_owed_on_a_pooled_fund_is_refused(branch, balance):
    r = branch.post("/units/SL-B1/remittances", json=remittance(amount=5000001))
    assert r.status_code == 422 and r.json["code"] == "invalid_state"
    assert "5.000.000" in r.json["detail"]
    assert balance(branch, "SL-B1", "111", "TOHIEU") == 5000000
    to_commune = branch.post("/units/SL-B1/remittances", json=remittance(to_unit="SL-X01", amount=1000))
    assert to_commune.status_code == 422 and to_commune.json["code"] == "invalid_state"


def test_own_part_of_a_shared_fund_is_a_transfer(branch, balance):
    r = branch.post("/units/SL-B1/remittances", json=remittance(to_unit="SL-X01", fund="HOIPHI", amount=400000,
                                                                method="cash"))
    assert r.status_code == 201, r.json
    assert r.json["kind"] == "transfer" and r.json["transferred"] == 400000
    sent, received = r.json["entry_ids"]
    assert lines(branch, sent) == {("SL-B1", "621", 400000, 0, "SL-X01"), ("SL-B1", "111", 0, 400000, None)}
    assert lines(branch, received) == {("SL-X01", "111", 400000, 0, None), ("SL-X01", "521", 0, 400000, "SL-B1")}
    consolidated = branch.get("/units/SL/trial-balance?consolidated=true").json["rows"]
    assert not {row["account"] for row in consolidated} & {"521", "621", "136", "336"}


def test_what_is_owed_in_a_shared_fund_is_settled_first(community_tree, api_as, balance):
    from ledger.accounts.treasury.services.receipts import record_receipt
    from ledger.extensions import db
    from ledger.units.services import get_unit

    branch, commune = get_unit("SL-B1"), get_unit("SL-X01")
    dues = {"date": date(2026, 3, 10), "amount": 100000, "method": "cash", "fund": "HOIPHI", "category": "dues",
            "donor": {"name": "Lò Văn Hải", "kind": "individual", "publish": "full"}}
    record_receipt(branch, dues, by=None, shares=[(branch, 70000), (commune, 30000)])
    db.session.commit()
    api = api_as(("SL", "treasurer"))
    r = api.post("/units/SL-B1/remittances", json=remittance(to_unit="SL-X01", fund="HOIPHI", amount=50000))
    assert r.status_code == 201 and (r.json["settled"], r.json["transferred"]) == (30000, 20000)
    assert balance(api, "SL-B1", "336") == 0 and balance(api, "SL-X01", "136") == 0
    assert balance(api, "SL-X01", "521") == -20000


@pytest.mark.parametrize("overrides", [{"to_unit": "SL-B2"}, {"to_unit": "SL-B1"}, {"to_unit": "NOWHERE"}])
def test_only_to_an_ancestor(branch, overrides):
    r = branch.post("/units/SL-B1/remittances", json=remittance(**overrides))
    assert r.status_code == 422 and r.json["code"] == "validation" and "to_unit" in r.json["errors"]
    assert branch.get("/units/SL-B1/remittances").json["total"] == 0


def test_cash_the_branch_does_not_have_is_refused(branch):
    r = branch.post("/units/SL-B1/remittances", json=remittance(fund="HOIPHI", to_unit="SL-X01", amount=2000001))
    assert r.status_code == 422 and r.json["code"] == "insufficient_funds"


def test_idempotency_key_posts_once(branch):
    headers = {"Idempotency-Key": "nop-tohieu-thang-4"}
    first = branch.post("/units/SL-B1/remittances", json=remittance(), headers=headers)
    again = branch.post("/units/SL-B1/remittances", json=remittance(), headers=headers)
    assert again.json == first.json and branch.get("/units/SL-B1/remittances").json["total"] == 1

"""Merging two records of one donor (issue 14, item 2): every gift and pledge moves to the kept record,
the honor roll lists one row, the twin stays as "đã gộp vào …" history, the books do not move, and a
second merge of the same twin is 409.
"""
import re

import pytest
from sqlalchemy import select

from ledger.accounts.campaigns.models import Pledge
from ledger.accounts.treasury.models import Donor, Receipt
from ledger.core.audit import AuditEvent
from ledger.extensions import db

AN = {"name": "Nguyễn Văn An", "kind": "individual", "phone": "0912 345 678", "publish": "full"}
AN_AGAIN = {"name": "Nguyen Van An", "kind": "individual", "address": "Tổ 3, phường Tô Hiệu", "publish": "full"}


@pytest.fixture
def treasurer(community_tree, api_as):
    return api_as(("SL", "treasurer"))


@pytest.fixture
def twins(treasurer):
    """One person recorded twice at SL-X01 (the API does not reuse a donor on the name alone): three gifts to
    a campaign, 1,500,000 to the first record and 300,000 to the second, and a pledge of the second."""
    campaign = {"code": "TOHIEU26", "name": "Vận động Tô Hiệu 2026", "owner_unit": "SL", "fund": "HOIPHI",
                "starts_on": "2026-01-01", "ends_on": "2026-12-31"}
    assert treasurer.post("/campaigns", json=campaign).status_code == 201
    first = [give(treasurer, AN, 1_000_000), give(treasurer, AN, 500_000)][0]["donor_id"]
    second = give(treasurer, AN_AGAIN, 300_000)["donor_id"]
    pledge = treasurer.post("/campaigns/TOHIEU26/pledges", json={"donor": {"id": second}, "amount": 2_000_000,
                                                                   "due_on": "2026-09-30"})
    assert pledge.status_code == 201, pledge.json
    assert first != second
    return first, second


def give(api, donor: dict, amount: int, unit="SL-X01") -> dict:
    r = api.post(f"/units/{unit}/receipts", json={"date": "2026-03-10", "amount": amount, "method": "cash",
                                                   "fund": "HOIPHI", "category": "donation", "donor": donor,
                                                   "campaign": "TOHIEU26"})
    assert r.status_code == 201, r.json
    return r.json


def trial_balance(api, unit="SL") -> dict:
    rows = api.get(f"/units/{unit}/trial-balance?consolidated=true").json["rows"]
    return {(r["account"], r["fund"]): r["balance"] for r in rows}


def merge(api, donor, into, unit="SL-X01"):
    return api.post(f"/units/{unit}/donors/merge", json={"donor": donor, "into": into})


def test_merge_moves_every_gift_and_pledge_and_the_honor_roll_shows_one_row(treasurer, twins):
    first, second = twins
    assert len(treasurer.get("/campaigns/TOHIEU26/honor-roll").json["items"]) == 2
    books = trial_balance(treasurer)
    r = merge(treasurer, second, first)
    assert r.status_code == 200, r.json
    assert r.json == {"donor": second, "merged_into": first, "moved": {"receipts": 1, "pledges": 1}}
    roll = treasurer.get("/campaigns/TOHIEU26/honor-roll").json["items"]
    assert [(row["display_name"], row["amount"], row["gifts"]) for row in roll] == [("Nguyễn Văn An", 1_800_000, 3)]
    kept, merged = treasurer.get(f"/donors/{first}").json, treasurer.get(f"/donors/{second}").json
    assert (kept["total_given"], kept["receipts_count"], kept["merged_into"]) == (1_800_000, 3, None)
    assert (merged["total_given"], merged["receipts_count"], merged["merged_into"]) == (0, 0, first)
    assert set(db.session.scalars(select(Receipt.donor_id))) == {first}
    assert set(db.session.scalars(select(Pledge.donor_id))) == {first}
    assert trial_balance(treasurer) == books  # a receipt's donor is no part of the books
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "donor.merge"))
    assert (event.object_id, event.after["merged_into"]) == (str(second), first)
    assert event.after["moved"] == {"receipts": 1, "pledges": 1}


def test_a_second_merge_of_the_same_donor_is_409_and_changes_nothing(treasurer, twins):
    first, second = twins
    assert merge(treasurer, second, first).status_code == 200
    third = give(treasurer, {"name": "Lò Thị Mai", "kind": "individual", "publish": "full"}, 100_000)["donor_id"]
    for donor, into in ((second, first), (second, third), (third, second)):
        again = merge(treasurer, donor, into)
        assert (again.status_code, again.json["code"]) == (409, "invalid_state"), (donor, into)
    assert db.session.get(Donor, second).merged_into_id == first and db.session.get(Donor, third).merged_into_id is None
    assert db.session.scalar(select(Receipt.donor_id).where(Receipt.amount == 100_000)) == third


@pytest.mark.parametrize("case, field", [("itself", "into"), ("other_commune", "donor"), ("higher_unit", "into")])
def test_merge_refuses_itself_a_donor_outside_the_unit_and_a_higher_units_record(treasurer, twins, case, field):
    first = twins[0]
    elsewhere = give(treasurer, {**AN, "phone": "0900 000 111"}, 50_000, unit="SL-X02")["donor_id"]
    province = give(treasurer, {**AN, "phone": "0900 000 222"}, 50_000, unit="SL")["donor_id"]
    pairs = {"itself": (first, first), "other_commune": (elsewhere, first), "higher_unit": (first, province)}
    donor, into = pairs[case]
    r = merge(treasurer, donor, into)
    assert r.status_code == 422 and field in r.json["errors"], r.json
    assert db.session.scalar(select(Donor.id).where(Donor.merged_into_id.is_not(None))) is None


def test_a_gift_named_to_a_merged_donor_goes_to_the_kept_one(treasurer, twins):
    first, second = twins
    merge(treasurer, second, first)
    assert give(treasurer, {"id": second}, 70_000)["donor_id"] == first
    names = [d["name"] for d in treasurer.get("/units/SL/donors?q=van an").json["items"]]
    assert names == ["Nguyễn Văn An"]  # the merged record is history, no longer listed


def test_only_the_units_admin_or_treasurer_may_merge(twins, api_as):
    first, second = twins
    for role in ("approver", "viewer"):
        assert merge(api_as(("SL", role)), second, first).status_code == 403
    assert merge(api_as(("SL-X02", "treasurer")), second, first, unit="SL-X02").status_code == 422
    assert db.session.get(Donor, second).merged_into_id is None


# ---- the donor page --------------------------------------------------------------------------------

@pytest.fixture
def page(twins, page_as):
    return page_as(("SL", "treasurer"))


def test_donor_page_offers_the_twin_and_merges_after_a_tick(page, twins):
    first, second = twins
    shown = page.get(f"/donors/{second}").text
    assert "Gộp hồ sơ trùng" in shown and f'name="into" value="{first}"' in shown
    form = {"idempotency_key": "merge-1", "donor": second, "into": first}
    unticked = page.post("/units/SL-X01/donors/merge", data=form)
    assert unticked.status_code == 422 and "Cần đánh dấu xác nhận" in unticked.text
    assert db.session.get(Donor, second).merged_into_id is None
    done = page.post("/units/SL-X01/donors/merge", data={**form, "confirm": "1"})
    assert done.status_code == 303 and done.location.endswith(f"/donors/{first}")
    kept = page.get(done.location).text
    assert "Đã gộp Nguyen Van An vào Nguyễn Văn An: 1 phiếu thu và 1 cam kết" in kept
    assert "Đã gộp vào hồ sơ này" in kept and "1.800.000" in kept
    merged = page.get(f"/donors/{second}").text
    assert "Hồ sơ này đã gộp vào" in merged and f'href="/donors/{first}"' in merged and "Gộp hồ sơ trùng" not in merged
    again = page.post("/units/SL-X01/donors/merge", data={**form, "confirm": "1"})
    assert again.status_code == 303 and again.location == done.location  # the same form sent twice: once


def test_donor_page_finds_a_record_to_merge_into_and_hides_the_form_from_readers(page, twins, page_as):
    first, second = twins
    found = page.get(f"/donors/{first}?find=0912").text
    assert not re.search(r'name="into" value="\d+"', found)  # only itself has that phone
    found = page.get(f"/donors/{first}?find=van an").text
    assert f'name="into" value="{second}"' in found
    assert "Gộp hồ sơ trùng" not in page_as(("SL", "viewer")).get(f"/donors/{first}").text

"""Dues (hội phí): the split arithmetic, the inherited policy, one payment, the collection sheet,
duplicates (also under a race) and the status over a subtree."""
import re
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.accounts.community.services.dues import split_amount
from ledger.extensions import db

LEVELS = ("central", "province", "district", "commune", "branch")
DUES_SPLIT = {"branch": 70, "commune": 20, "province": 10}


# ---- the arithmetic, no app -----------------------------------------------------------------

def test_split_of_the_plan_amount_is_exact():
    assert split_amount(50_000, DUES_SPLIT) == {"province": 5_000, "commune": 10_000, "branch": 35_000}


def test_upper_shares_round_down_and_the_branch_gets_the_remainder():
    # 10.001 đ: province 1.000,1 → 1.000; commune 2.000,2 → 2.000; the branch keeps 7.001 (7.000,7 + 0,3).
    assert split_amount(10_001, DUES_SPLIT) == {"province": 1_000, "commune": 2_000, "branch": 7_001}
    assert split_amount(7, {"branch": 34, "commune": 33, "province": 33}) == {"province": 2, "commune": 2, "branch": 3}


def test_without_a_branch_share_the_lowest_named_level_gets_the_remainder():
    assert split_amount(3, {"commune": 50, "province": 50}) == {"province": 1, "commune": 2}


def test_percents_must_sum_to_100():
    with pytest.raises(ValueError):
        split_amount(50_000, {"branch": 70, "commune": 20})


@st.composite
def splits(draw):
    levels = draw(st.lists(st.sampled_from(LEVELS), min_size=1, max_size=5, unique=True))
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=len(levels) - 1, max_size=len(levels) - 1)))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, 100])]
    return {level: part for level, part in zip(levels, parts) if part}


@given(amount=st.integers(1, 10**12), split=splits())
def test_shares_are_whole_dong_and_always_add_up(amount, split):
    shares = split_amount(amount, split)
    assert sum(shares.values()) == amount
    lowest = [level for level in LEVELS if level in split][-1]
    for level, share in shares.items():
        floor = amount * split[level] // 100
        if level == lowest:
            assert floor <= share < floor + len(split)
        else:
            assert share == floor


# ---- through the API ------------------------------------------------------------------------

@pytest.fixture
def books(api_as, community_tree):
    api = api_as(("SL", "treasurer"))
    r = api.put("/units/SL/dues-policy", json={"year": 2026, "amount": 50_000, "fund": "HOIPHI", "split": DUES_SPLIT})
    assert r.status_code == 200, r.json
    return api


def add_members(api, branch, *names):
    return [api.post(f"/units/{branch}/members", json={"full_name": name}).json["id"] for name in names]


def pay(api, member_id, *, unit="SL-B1", year=2026, key=None):
    headers = {"Idempotency-Key": key} if key else None
    return api.post(f"/units/{unit}/dues", json={"member_id": member_id, "year": year, "date": "2026-03-10",
                                                 "method": "cash"}, headers=headers)


def test_policy_percents_not_summing_to_100_are_refused(books):
    r = books.put("/units/SL/dues-policy", json={"year": 2027, "amount": 50_000, "fund": "HOIPHI",
                                                 "split": {"branch": 70, "commune": 20, "province": 5}})
    assert r.status_code == 422 and r.json["errors"]["split"], r.json
    assert "95" in r.json["detail"] or "95" in str(r.json["errors"])


def test_policy_needs_a_fund_each_level_keeps_its_part_of(books):
    r = books.put("/units/SL/dues-policy", json={"year": 2027, "amount": 50_000, "fund": "TOHIEU-THU",
                                                 "split": DUES_SPLIT})
    assert r.status_code == 422 and "fund" in r.json["errors"]


def test_one_payment_posts_each_share_in_its_level_books(books, balance):
    member = add_members(books, "SL-B1", "Lò Văn Pọm")[0]
    r = pay(books, member)
    assert r.status_code == 201, r.json
    assert r.json["number"] == "PT-2026-000001" and r.json["amount"] == 50_000
    assert r.json["amount_in_words"] == "Năm mươi nghìn đồng"
    assert len(r.json["entry_ids"]) == 3  # the branch's PT, the commune's and the province's BT
    assert balance(books, "SL-B1", "111") == 50_000
    assert balance(books, "SL-B1", "512") == -35_000
    assert balance(books, "SL-B1", "336") == -15_000
    assert (balance(books, "SL-X01", "136"), balance(books, "SL-X01", "512")) == (10_000, -10_000)
    assert (balance(books, "SL", "136"), balance(books, "SL", "512")) == (5_000, -5_000)


def test_nearest_policy_applies(books, balance):
    books.put("/units/SL-X02/dues-policy", json={"year": 2026, "amount": 24_000, "fund": "HOIPHI",
                                                 "split": {"branch": 50, "commune": 50}})
    b1, b3 = add_members(books, "SL-B1", "A")[0], add_members(books, "SL-B3", "B")[0]
    assert pay(books, b1).json["amount"] == 50_000
    assert pay(books, b3, unit="SL-B3").json["amount"] == 24_000
    assert balance(books, "SL-X02", "512") == -12_000
    policy = books.get("/units/SL-B3/dues-policy?year=2026").json
    assert policy["unit"] == "SL-X02"
    assert [(s["unit"], s["amount"]) for s in policy["shares"]] == [("SL-B3", 12_000), ("SL-X02", 12_000)]


def test_a_level_missing_from_the_tree_passes_its_share_up(books, make_unit):
    make_unit("SL-B9", parent="SL", name="Ban khuyến học Sở Giáo dục")  # a branch right under the province
    policy = books.get("/units/SL-B9/dues-policy?year=2026").json
    assert [(s["unit"], s["amount"]) for s in policy["shares"]] == [("SL-B9", 35_000), ("SL", 15_000)]


def test_paying_twice_is_a_duplicate_and_posts_nothing(books):
    member = add_members(books, "SL-B1", "Lò Văn Pọm")[0]
    assert pay(books, member).status_code == 201
    entries = books.get("/units/SL-B1/entries").json["total"]
    again = pay(books, member)
    assert again.status_code == 409 and again.json["code"] == "duplicate", again.json
    assert books.get("/units/SL-B1/entries").json["total"] == entries


def test_the_unique_key_refuses_a_payment_the_check_did_not_see(books, monkeypatch, balance):
    """What decides a race: both requests passed the check before either committed."""
    from ledger.accounts.community.models import DuesPayment
    from ledger.accounts.community.services import dues

    member = add_members(books, "SL-B1", "Lò Văn Pọm")[0]
    assert pay(books, member).status_code == 201
    monkeypatch.setattr(dues, "check_sheet", lambda *args: None)
    again = pay(books, member)
    assert again.status_code == 409 and again.json["code"] == "duplicate", again.json
    assert db.session.query(DuesPayment).count() == 1
    assert balance(books, "SL-B1", "111") == 50_000


def test_concurrent_payments_of_one_member_post_once(app, books, balance):
    member = add_members(books, "SL-B1", "Lò Văn Pọm")[0]
    start, answers = threading.Barrier(2), []

    def one_request():
        with app.app_context():
            client = app.test_client()
            start.wait()
            r = client.post("/api/v1/units/SL-B1/dues", headers={"Authorization": f"Bearer {books.token}"},
                            json={"member_id": member, "year": 2026, "date": "2026-03-10", "method": "cash"})
            answers.append((r.status_code, r.json.get("code")))
            db.session.remove()

    db.session.remove()  # the test's own session must not hold SQLite's write lock
    threads = [threading.Thread(target=one_request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers, key=lambda a: a[0]) == [(201, None), (409, "duplicate")]
    assert balance(books, "SL-B1", "111") == 50_000


def test_idempotent_replay_posts_once(books, balance):
    member = add_members(books, "SL-B1", "Lò Văn Pọm")[0]
    first, second = pay(books, member, key="hp-1"), pay(books, member, key="hp-1")
    assert (first.status_code, second.status_code) == (201, 201) and first.json == second.json
    assert balance(books, "SL-B1", "111") == 50_000


def test_collection_sheet_is_one_receipt_with_a_line_per_member(books, balance):
    books.put("/units/SL/dues-policy", json={"year": 2026, "amount": 10_001, "fund": "HOIPHI", "split": DUES_SPLIT})
    ids = add_members(books, "SL-B1", "Lò Văn Pọm", "Cầm Thị Xuân", "Quàng Văn Tâm")
    r = books.post("/units/SL-B1/dues/sheet", json={"member_ids": ids, "year": 2026, "date": "2026-03-10"})
    assert r.status_code == 201, r.json
    assert r.json["amount"] == 30_003 and r.json["number"] == "PT-2026-000001"
    assert sorted(c["name"] for c in r.json["contributors"]) == ["Cầm Thị Xuân", "Lò Văn Pọm", "Quàng Văn Tâm"]
    # Three members paid singly would post exactly this: 3 × (7.001 + 2.000 + 1.000).
    assert balance(books, "SL-B1", "512") == -21_003
    assert balance(books, "SL-X01", "512") == -6_000 and balance(books, "SL", "512") == -3_000
    assert books.get("/units/SL-B1/entries").json["total"] == 1


def test_sheet_with_one_paid_member_is_refused_whole(books):
    ids = add_members(books, "SL-B1", "A", "B")
    pay(books, ids[0])
    r = books.post("/units/SL-B1/dues/sheet", json={"member_ids": ids, "year": 2026, "date": "2026-03-10"})
    assert r.status_code == 409 and r.json["code"] == "duplicate" and "A" in r.json["detail"]
    assert books.get("/units/SL-B1/dues-status?year=2026").json["paid"] == 1


def test_member_who_left_before_the_year_cannot_pay(books):
    member = add_members(books, "SL-B1", "A")[0]
    books.post(f"/members/{member}/leave", json={"on": "2025-06-30"})
    r = pay(books, member)
    assert r.status_code == 422 and r.json["code"] == "invalid_state"


def test_without_a_policy_dues_are_refused(books):
    member = add_members(books, "SL-B1", "A")[0]
    r = pay(books, member, year=2030)
    assert r.status_code == 422 and "2030" in r.json["detail"]


def test_status_over_a_subtree(books):
    b1 = add_members(books, "SL-B1", "A", "B", "C")
    b3 = add_members(books, "SL-B3", "D", "E")
    pay(books, b1[0])
    books.post("/units/SL-B3/dues/sheet", json={"member_ids": b3, "year": 2026, "date": "2026-04-02"})
    status = books.get("/units/SL/dues-status?year=2026").json
    assert {k: status[k] for k in ("members", "paid", "unpaid", "expected", "collected")} == {
        "members": 5, "paid": 3, "unpaid": 2, "expected": 250_000, "collected": 150_000}
    assert [(r["unit"], r["members"], r["paid"], r["collected"]) for r in status["by_unit"]] == [
        ("SL-B1", 3, 1, 50_000), ("SL-B3", 2, 2, 100_000)]
    commune = books.get("/units/SL-X01/dues-status?year=2026").json
    assert (commune["members"], commune["paid"]) == (3, 1)


@pytest.mark.parametrize("role, status", [("treasurer", 201), ("viewer", 403), ("auditor", 403)])
def test_who_may_collect_dues(books, api_as, role, status):
    member = add_members(books, "SL-B1", "A")[0]
    assert pay(api_as(("SL-X01", role)), member).status_code == status
    assert pay(api_as(("SL-X02", "treasurer")), member).status_code == 403


# ---- allowances (phụ cấp) paid from the dues a unit keeps -----------------------------------------

def test_allowances_from_retained_dues_paid_through_disbursements(books, api_as, balance):
    ids = add_members(books, "SL-B1", *[f"Hội viên {i}" for i in range(10)])
    books.post("/units/SL-B1/dues/sheet", json={"member_ids": ids, "year": 2026, "date": "2026-03-10"})
    head = books.post("/units/SL-B1/allowance-rules", json={
        "position": "Chi hội trưởng", "payee_name": "Lò Văn Pọm", "basis": "share", "percent": 30, "fund": "HOIPHI"})
    assert head.status_code == 201, head.json
    vice = books.post("/units/SL-X01/allowance-rules", json={
        "position": "Phó Chủ tịch Hội", "payee_name": "Cầm Thị Xuân", "basis": "fixed", "amount": 60_000,
        "fund": "HOIPHI"})
    report = books.get("/units/SL-X01/allowances?year=2026").json
    rows = {row["position"]: row for row in report["rows"]}
    assert (rows["Chi hội trưởng"]["retained"], rows["Chi hội trưởng"]["due"]) == (350_000, 105_000)
    assert (rows["Phó Chủ tịch Hội"]["retained"], rows["Phó Chủ tịch Hội"]["due"]) == (None, 60_000)
    r = books.post(f"/allowance-rules/{head.json['id']}/payments", json={"year": 2026, "date": "2026-04-01"})
    assert r.status_code == 201 and r.json["status"] == "pending_approval" and r.json["amount"] == 105_000
    again = books.post(f"/allowance-rules/{head.json['id']}/payments", json={"year": 2026, "date": "2026-04-01"})
    assert again.status_code == 409 and again.json["code"] == "invalid_state"
    approver = api_as(("SL-X01", "approver"))
    assert approver.post(f"/disbursements/{r.json['id']}/approve").status_code == 200
    assert balance(books, "SL-B1", "615") == 105_000
    part = books.post(f"/allowance-rules/{vice.json['id']}/payments", json={"year": 2026, "date": "2026-04-01",
                                                                            "amount": 20_000})
    assert part.json["amount"] == 20_000
    report = books.get("/units/SL-X01/allowances?year=2026").json
    assert ((report["due"], report["paid"], report["pending"], report["outstanding"])
            == (165_000, 105_000, 20_000, 40_000))


def test_allowance_rule_needs_its_value(books):
    r = books.post("/units/SL-B1/allowance-rules", json={"position": "Chi hội trưởng", "payee_name": "A",
                                                         "basis": "share", "fund": "HOIPHI"})
    assert r.status_code == 422 and "percent" in r.json["errors"]


# ---- the collection sheet page ---------------------------------------------------------------------

def test_branch_head_ticks_members_and_gets_one_voucher(books, page_as, tmp_path):
    import subprocess

    ids = add_members(books, "SL-B1", "Lò Văn Pọm", "Cầm Thị Xuân", "Quàng Văn Tâm")
    head = page_as(("SL-B1", "treasurer"))
    sheet = head.get("/units/SL-B1/dues/sheet?year=2026")
    assert sheet.status_code == 200 and sheet.text.count('type="checkbox" name="member_id"') == 3
    key = re.search(r'name="idempotency_key" value="([^"]+)"', sheet.text)[1]
    form = {"idempotency_key": key, "year": "2026", "date": "2026-03-10", "method": "cash",
            "member_id": [str(ids[0]), str(ids[2])]}
    done = head.post("/units/SL-B1/dues/sheet", data=form)
    assert done.status_code == 303 and "/dues/receipts/" in done.location
    assert head.post("/units/SL-B1/dues/sheet", data=form).location == done.location  # a resent form posts once
    result = head.get(done.location).text
    assert "Lò Văn Pọm" in result and "Quàng Văn Tâm" in result and "Cầm Thị Xuân" not in result
    assert "100.000 ₫" in result
    pdf_link = re.search(r'href="([^"]+/pdf)"', result)[1]
    pdf = head.get(pdf_link)
    assert pdf.mimetype == "application/pdf"
    (tmp_path / "pt.pdf").write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", str(tmp_path / "pt.pdf"), "-"], capture_output=True, text=True).stdout
    assert "PHIẾU THU" in text and "Lò Văn Pọm" in text and "Quàng Văn Tâm" in text
    again = head.get("/units/SL-B1/dues/sheet?year=2026").text
    assert again.count('type="checkbox" name="member_id"') == 1
    nothing = head.post("/units/SL-B1/dues/sheet", data={**form, "idempotency_key": "other", "member_id": []})
    assert nothing.status_code == 422 and "Chưa chọn hội viên nào" in nothing.text

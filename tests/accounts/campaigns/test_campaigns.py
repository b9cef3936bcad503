"""Campaigns: growth targets, targets handed down, per-capita targets, pledges, and progress equal to
the tagged receipts of the subtree with collections at several depths and remittances between them."""
from datetime import date

import pytest

from ledger.accounts.campaigns.services.campaigns import day_pay, grown


def test_growth_target_rounds_up_to_a_thousand_dong():
    assert grown(1_000_000, 20) == 1_200_000
    assert grown(1_666_999_999, 20) == 2_000_400_000  # 2.000.399.998,8 → 2.000.400.000
    assert grown(1_001, 20) == 2_000  # 1.201,2 → 2.000
    assert grown(0, 20) == 0


def test_a_days_pay_is_the_monthly_salary_over_22_days_rounded_up():
    assert day_pay(6_600_000) == 300_000
    assert day_pay(7_000_000) == 319_000  # 318.181,8 → 319.000


@pytest.fixture
def api(api_as, community_tree):
    return api_as(("SL", "admin"))


def campaign(api, code="TOHIEU-2024", **extra):
    body = {"code": code, "name": "Vận động Quỹ học bổng Tô Hiệu 2024", "owner_unit": "SL", "fund": "TOHIEU",
            "starts_on": "2024-01-01", "ends_on": "2024-12-31", **extra}
    r = api.post("/campaigns", json=body)
    assert r.status_code == 201, r.json
    return r.json


def test_progress_counts_each_tagged_receipt_once_at_any_depth(api, give, remit):
    campaign(api, target_amount=2_000_000_000)
    at_province = give("SL", 500_000_000, on=date(2024, 3, 1), campaign="TOHIEU-2024")
    at_commune = give("SL-X01", 120_000_000, on=date(2024, 4, 1), campaign="TOHIEU-2024")
    at_branch = give("SL-B1", 7_500_000, on=date(2024, 5, 1), campaign="TOHIEU-2024")
    at_other = give("SL-B3", 30_000_000, on=date(2024, 5, 2), campaign="TOHIEU-2024")
    give("SL-X01", 9_000_000, on=date(2024, 5, 3))  # to the fund, not tagged with the campaign
    remit("SL-B1", "SL", 7_500_000, on=date(2024, 6, 1))
    tagged = [at_province, at_commune, at_branch, at_other]
    progress = api.get("/campaigns/TOHIEU-2024/progress").json
    assert progress["raised"] == sum(r.amount for r in tagged) == 657_500_000
    assert progress["target"] == 2_000_000_000 and progress["percent"] == 32.9
    rows = {row["unit"]: row["raised"] for row in progress["by_unit"]}
    assert rows == {"SL-X01": 127_500_000, "SL-X02": 30_000_000}
    commune = api.get("/campaigns/TOHIEU-2024/progress?unit=SL-X01").json
    assert commune["raised"] == 127_500_000
    assert [(r["unit"], r["raised"]) for r in commune["by_unit"]] == [("SL-B1", 7_500_000)]


def test_remittances_after_collection_do_not_count_again(api, give, remit):
    campaign(api)
    give("SL-B1", 7_500_000, on=date(2024, 5, 1), campaign="TOHIEU-2024")
    give("SL-X01", 20_000_000, on=date(2024, 5, 2), campaign="TOHIEU-2024")
    before = api.get("/campaigns/TOHIEU-2024/progress").json["raised"]
    remit("SL-B1", "SL", 7_500_000, on=date(2024, 6, 1))
    remit("SL-X01", "SL", 20_000_000, on=date(2024, 6, 2))
    after = api.get("/campaigns/TOHIEU-2024/progress").json
    assert before == after["raised"] == 27_500_000
    assert after["by_unit"][0]["raised"] == 27_500_000


def test_a_reversed_receipt_raises_nothing(api, give):
    campaign(api)
    kept = give("SL-X01", 20_000_000, on=date(2024, 5, 2), campaign="TOHIEU-2024")
    mistaken = give("SL-B1", 7_500_000, on=date(2024, 5, 1), campaign="TOHIEU-2024")
    entry_id = mistaken.transaction.entries[0].id
    r = api.post(f"/entries/{entry_id}/reverse", json={"date": "2024-05-20", "reason": "Ghi nhầm đợt vận động"})
    assert r.status_code == 201, r.json
    assert api.get("/campaigns/TOHIEU-2024/progress").json["raised"] == kept.amount
    before = api.get("/campaigns/TOHIEU-2024/progress?as_of=2024-05-10").json  # before the reversal
    assert before["raised"] == kept.amount + mistaken.amount


def test_money_counts_from_the_day_it_was_collected(api, give):
    campaign(api)
    give("SL-B1", 1_000_000, on=date(2024, 5, 1), campaign="TOHIEU-2024")
    give("SL-X02", 2_000_000, on=date(2024, 7, 1), campaign="TOHIEU-2024")
    assert api.get("/campaigns/TOHIEU-2024/progress?as_of=2024-06-30").json["raised"] == 1_000_000
    assert api.get("/campaigns/TOHIEU-2024/progress?as_of=2024-07-01").json["raised"] == 3_000_000


def test_growth_over_last_year_for_the_province_and_each_sub_unit(api, give):
    campaign(api)
    give("SL", 1_000_000_001, on=date(2024, 3, 1), campaign="TOHIEU-2024")
    give("SL-X01", 500_000_000, on=date(2024, 4, 1), campaign="TOHIEU-2024")
    give("SL-B3", 166_999_999, on=date(2024, 4, 2), campaign="TOHIEU-2024")
    body = campaign(api, code="TOHIEU-2025", name="Vận động Quỹ học bổng Tô Hiệu 2025", starts_on="2025-01-01",
                    ends_on="2025-12-31", growth_over={"campaign": "TOHIEU-2024", "percent": 20})
    assert body["target_amount"] == 2_000_400_000  # 1.667.000.000 × 1,2 = 2.000.400.000
    assert body["growth_over"] == {"campaign": "TOHIEU-2024", "percent": 20}
    assert {t["unit"]: t["amount"] for t in body["targets"]} == {"SL-X01": 600_000_000, "SL-X02": 200_400_000}


def test_targets_are_handed_down_by_the_unit_above(api, api_as):
    campaign(api, target_amount=2_000_000_000)
    province = api_as(("SL", "treasurer"))
    r = province.put("/campaigns/TOHIEU-2024/targets", json={"targets": [{"unit": "SL-X01", "amount": 300_000_000}]})
    assert r.status_code == 200, r.json
    commune = api_as(("SL-X01", "treasurer"))
    r = commune.put("/campaigns/TOHIEU-2024/targets", json={"targets": [{"unit": "SL-B1", "amount": 20_000_000},
                                                                        {"unit": "SL-B2", "amount": 15_000_000}]})
    assert r.status_code == 200
    own = commune.put("/campaigns/TOHIEU-2024/targets", json={"targets": [{"unit": "SL-X01", "amount": 1}]})
    assert own.status_code == 403
    progress = api.get("/campaigns/TOHIEU-2024/progress?unit=SL-X01").json
    assert progress["target"] == 300_000_000
    assert {r["unit"]: r["target"] for r in progress["by_unit"]} == {"SL-B1": 20_000_000, "SL-B2": 15_000_000}


def test_a_target_outside_the_owner_is_refused(api, api_as, make_unit):
    make_unit("LC", level="province")
    campaign(api)
    r = api_as(("VN", "admin")).put("/campaigns/TOHIEU-2024/targets",
                                    json={"targets": [{"unit": "LC", "amount": 1_000}]})
    assert r.status_code == 422


def test_per_capita_target_follows_population(api, make_unit, make_fund):
    make_fund("QKH-X01", owner="SL-X01")
    api.put("/units/SL-X01/population", json={"population": 12_000})
    api.put("/units/SL-B1/population", json={"population": 800})
    body = {"code": "BD-2026", "name": "Vận động xây dựng Quỹ khuyến học 2026 (50.000 đ/người/năm)",
            "owner_unit": "SL-X01", "fund": "QKH-X01", "starts_on": "2026-01-01", "ends_on": "2026-12-31",
            "per_capita_amount": 50_000}
    r = api.post("/campaigns", json=body)
    assert r.json["target_amount"] == 600_000_000
    progress = api.get("/campaigns/BD-2026/progress").json
    assert [(row["unit"], row["target"]) for row in progress["by_unit"]] == [("SL-B1", 40_000_000)]


def test_pledges_a_days_pay_and_a_piggy_bank_fulfilled_by_later_receipts(api, give):
    campaign(api)
    staff = [{"full_name": "Lò Thị Mai", "monthly_salary": 6_600_000},
             {"full_name": "Cầm Văn Hùng", "monthly_salary": 8_800_000},
             {"full_name": "Quàng Thị Lan", "day_pay": 250_000}]
    agency = {"name": "Sở Giáo dục và Đào tạo Sơn La", "kind": "organization", "publish": "full"}
    r = api.post("/campaigns/TOHIEU-2024/pledges", json={"donor": agency, "due_on": "2024-11-15", "staff": staff})
    assert r.status_code == 201, r.json
    days_pay = r.json
    assert (days_pay["amount"], days_pay["channel"]) == (300_000 + 400_000 + 250_000, "days_pay")
    family = {"name": "Gia đình ông Lò Văn Pọm", "kind": "family", "publish": "full", "phone": "0912000111"}
    piggy = api.post("/campaigns/TOHIEU-2024/pledges", json={
        "donor": family, "amount": 1_200_000, "due_on": "2024-12-01", "unit": "SL-B1", "channel": "piggy_bank"}).json
    assert api.get("/campaigns/TOHIEU-2024/progress").json["pledged_outstanding"] == 2_150_000
    give("SL", 950_000, on=date(2024, 11, 10), donor={"id": days_pay["donor_id"]}, pledge=days_pay["id"],
         channel="days_pay", contributors=[{"name": s["full_name"], "amount": a} for s, a in
                                           zip(staff, (300_000, 400_000, 250_000))])
    give("SL-B1", 700_000, on=date(2024, 12, 2), donor={"id": piggy["donor_id"]}, pledge=piggy["id"],
         channel="piggy_bank")
    progress = api.get("/campaigns/TOHIEU-2024/progress").json
    assert (progress["raised"], progress["pledged_outstanding"]) == (1_650_000, 500_000)
    pledges = {p["id"]: p for p in api.get("/campaigns/TOHIEU-2024/pledges").json["items"]}
    assert (pledges[piggy["id"]]["fulfilled"], pledges[piggy["id"]]["outstanding"]) == (700_000, 500_000)


def test_pledge_amount_must_match_the_staff_list(api):
    campaign(api)
    r = api.post("/campaigns/TOHIEU-2024/pledges", json={
        "donor": {"name": "Trường THCS Tô Hiệu", "kind": "organization"}, "amount": 1_000, "due_on": "2024-11-15",
        "staff": [{"full_name": "A", "day_pay": 300_000}]})
    assert r.status_code == 422 and "amount" in r.json["errors"]


@pytest.mark.parametrize("body, field", [
    ({"target_amount": 1_000, "growth_over": {"campaign": "X", "percent": 20}}, "growth_over"),
    ({"fund": "NOPE"}, None),
    ({"ends_on": "2023-12-31"}, "ends_on"),
])
def test_bad_campaigns_are_refused(api, body, field):
    base = {"code": "C1", "name": "Đợt", "owner_unit": "SL", "fund": "TOHIEU", "starts_on": "2024-01-01",
            "ends_on": "2024-12-31"}
    r = api.post("/campaigns", json={**base, **body})
    assert r.status_code in (404, 422), r.json
    if field:
        assert field in r.json["errors"]
    assert api.post("/campaigns", json=base).status_code == 201
    assert api.post("/campaigns", json=base).json["code"] == "duplicate"


def test_campaign_pages_create_hand_down_and_pledge(api, page_as, give):
    province = page_as(("SL", "treasurer"))
    created = province.post("/units/SL/campaigns", data={
        "code": "TOHIEU-2024", "name": "Vận động Quỹ học bổng Tô Hiệu 2024", "fund": "TOHIEU",
        "starts_on": "2024-01-01", "ends_on": "2024-12-31", "target_amount": "2.000.000.000"})
    assert created.status_code == 303, created.text
    targets = province.post("/campaigns/TOHIEU-2024/targets?unit=SL",
                            data={"target-SL-X01": "300.000.000", "target-SL-X02": "150.000.000"})
    assert targets.status_code == 303
    give("SL-X01", 60_000_000, on=date(2024, 5, 1), campaign="TOHIEU-2024")
    commune = page_as(("SL-X01", "treasurer"))
    pledge = commune.post("/campaigns/TOHIEU-2024/pledges?unit=SL-X01", data={
        "donor_name": "Trường THPT Tô Hiệu", "donor_kind": "organization", "channel": "days_pay",
        "due_on": "2024-11-15", "staff": "Lò Thị Mai; 6.600.000\nCầm Văn Hùng\t8.800.000\n"})
    assert pledge.status_code == 303, pledge.text
    page = commune.get("/campaigns/TOHIEU-2024").text  # a commune user sees its own part
    assert "<svg" in page and "60.000.000 ₫" in page and "300.000.000 ₫" in page and "700.000 ₫" in page
    bad = commune.post("/campaigns/TOHIEU-2024/pledges?unit=SL-X01", data={
        "donor_name": "A", "due_on": "2024-11-15", "staff": "chỉ có tên"})
    assert bad.status_code == 422 and "Dòng 1" in bad.text
    assert api.get("/campaigns/TOHIEU-2024/progress").json["by_unit"][0]["target"] == 300_000_000

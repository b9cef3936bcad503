"""A campaign target as a floor and a growth together (seed 004: "phấn đấu đạt 2 tỷ đồng trở lên", +20% over
last year): both parts kept, the larger binds, progress measured against it, both shown on the pages."""
from datetime import date

import pytest

from ledger.accounts.campaigns.services.campaigns import get_campaign, set_targets


@pytest.fixture
def api(api_as, community_tree):
    return api_as(("SL", "admin"))


def launch(api, code, start, end, **target):
    r = api.post("/campaigns", json={"code": code, "name": f"Vận động Quỹ học bổng Tô Hiệu {start[:4]}",
                                     "owner_unit": "SL", "fund": "TOHIEU", "starts_on": start, "ends_on": end,
                                     **target})
    assert r.status_code == 201, r.json
    return r.json


@pytest.fixture
def last_year(api, give):
    """2024 raised 1.667.000.000 đ: +20% is 2.000.400.000 đ, just above a 2 tỷ floor."""
    launch(api, "TOHIEU-2024", "2024-01-01", "2024-12-31", target_amount=1_650_000_000)
    give("SL", 1_000_000_000, on=date(2024, 3, 7), campaign="TOHIEU-2024")
    give("SL-X01", 500_000_000, on=date(2024, 4, 1), campaign="TOHIEU-2024")
    give("SL-B3", 167_000_000, on=date(2024, 5, 2), campaign="TOHIEU-2024")


def test_the_growth_binds_when_it_asks_more_than_the_floor(api, last_year):
    body = launch(api, "TOHIEU-2025", "2025-01-01", "2025-12-31", target_amount=2_000_000_000,
                  growth_over={"campaign": "TOHIEU-2024", "percent": 20})
    assert (body["target_floor"], body["growth_target"], body["target_amount"], body["binding"]) == (
        2_000_000_000, 2_000_400_000, 2_000_400_000, "growth")
    assert body["growth_over"] == {"campaign": "TOHIEU-2024", "percent": 20}
    # the growth is handed down to each commune that raised last year; the floor is the whole campaign's
    assert {t["unit"]: t["amount"] for t in body["targets"]} == {"SL-X01": 600_000_000, "SL-X02": 200_400_000}


def test_the_floor_binds_when_the_growth_falls_short_and_progress_is_measured_against_it(api, last_year, give):
    body = launch(api, "TOHIEU-2025", "2025-01-01", "2025-12-31", target_amount=2_500_000_000,
                  growth_over={"campaign": "TOHIEU-2024", "percent": 20})
    assert (body["target_amount"], body["binding"]) == (2_500_000_000, "floor")
    give("SL", 500_000_000, on=date(2025, 3, 7), campaign="TOHIEU-2025")
    progress = api.get("/campaigns/TOHIEU-2025/progress").json
    assert (progress["target"], progress["raised"], progress["percent"]) == (2_500_000_000, 500_000_000, 20.0)


def test_one_part_targets_have_no_binding_part(api, last_year):
    growth = launch(api, "TOHIEU-2025", "2025-01-01", "2025-12-31",
                    growth_over={"campaign": "TOHIEU-2024", "percent": 20})
    assert (growth["target_floor"], growth["growth_target"], growth["binding"]) == (None, 2_000_400_000, None)
    floor = launch(api, "TOHIEU-2026", "2026-01-01", "2026-12-31", target_amount=2_000_000_000)
    assert (floor["target_floor"], floor["growth_target"], floor["binding"]) == (None, None, None)
    assert floor["target_amount"] == 2_000_000_000


def test_a_target_set_by_hand_afterwards_is_no_longer_two_part(app, api, last_year):
    launch(api, "TOHIEU-2025", "2025-01-01", "2025-12-31", target_amount=2_000_000_000,
           growth_over={"campaign": "TOHIEU-2024", "percent": 20})
    set_targets(get_campaign("TOHIEU-2025"), [{"unit": "SL", "amount": 3_000_000_000}])
    assert get_campaign("TOHIEU-2025").binding_part is None


def test_an_unknown_earlier_campaign_is_a_form_error(api):
    r = api.post("/campaigns", json={"code": "C1", "name": "Đợt", "owner_unit": "SL", "fund": "TOHIEU",
                                     "starts_on": "2025-01-01", "ends_on": "2025-12-31", "target_amount": 1_000,
                                     "growth_over": {"campaign": "NOPE", "percent": 20}})
    assert r.status_code == 422 and "growth_over" in r.json["errors"]


def test_the_public_page_shows_both_parts_and_marks_the_binding_one(api, client, last_year):
    launch(api, "TOHIEU-2025", "2025-01-01", "2025-12-31", target_amount=2_000_000_000,
           growth_over={"campaign": "TOHIEU-2024", "percent": 20})
    page = client.get("/public/campaigns/TOHIEU-2025").get_data(as_text=True)
    parts = page[page.index('class="target-parts"'):page.index("</ul>", page.index('class="target-parts"'))]
    assert "Tối thiểu 2.000.000.000 ₫" in parts
    assert "Tăng 20% so với Vận động Quỹ học bổng Tô Hiệu 2024: 2.000.400.000 ₫ — <strong>mức áp dụng" in parts

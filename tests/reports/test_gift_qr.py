"""Citizens find campaigns and funds from the portal and give with a VietQR for the amount they type:
a GET form, "1.500.000" typed with dots works, bad input gets a Vietnamese message and the plain QR."""
from datetime import date

import pytest

from ledger.accounts.banking import vietqr


@pytest.fixture
def tohieu(tree, app):
    """The Tô Hiệu fund takes transfers and its campaign runs; an older campaign is over."""
    from ledger.accounts.campaigns.services.campaigns import create_campaign
    from ledger.accounts.services import get_fund
    from ledger.extensions import db

    fund = get_fund("TOHIEU")
    fund.bank_bin, fund.bank_account, fund.memo_code = "970405", "7900201012345", "TOHIEU"
    fund.bank_account_name = "HOI KHUYEN HOC TINH SON LA"
    for code, start, end in (("TOHIEU-2026", date(2026, 1, 1), date(2099, 12, 31)),
                             ("TOHIEU-2024", date(2024, 1, 1), date(2024, 12, 31))):
        create_campaign({"code": code, "name": f"Vận động Quỹ học bổng Tô Hiệu {code[-4:]}", "owner_unit": "SL",
                         "fund": "TOHIEU", "starts_on": start, "ends_on": end, "target_amount": 2_000_000_000})
    db.session.commit()


def listed(page: str, css_class: str) -> str:
    start = page.index(f'class="{css_class}"')
    return page[start:page.index("</ul>", start)]


def test_the_home_lists_running_campaigns_and_search_finds_campaigns_and_funds(tohieu, client):
    home = client.get("/public/").get_data(as_text=True)
    running = home[home.index('class="campaigns running"'):]
    assert 'href="/public/campaigns/TOHIEU-2026"' in running and "TOHIEU-2024" not in running
    found = client.get("/public/?q=to hieu").get_data(as_text=True)  # typed without diacritics
    campaigns = listed(found, "campaigns found")
    assert campaigns.index("TOHIEU-2026") < campaigns.index("TOHIEU-2024")  # running first, then older ones
    funds = listed(found, "funds found")
    assert 'href="/public/funds/TOHIEU"' in funds
    by_fund_name = client.get("/public/?q=Quỹ học bổng").get_data(as_text=True)
    assert 'href="/public/funds/TOHIEU"' in by_fund_name and "/public/funds/QKH" not in by_fund_name


@pytest.mark.parametrize("typed, amount", [("500.000", 500_000), ("1.500.000", 1_500_000),
                                           ("2000000", 2_000_000), ("1 500 000 đ", 1_500_000)])
def test_a_typed_amount_goes_into_the_campaign_qr_with_the_campaign_memo(tohieu, client, typed, amount):
    page = client.get("/public/campaigns/TOHIEU-2026", query_string={"amount": typed}).get_data(as_text=True)
    expected = vietqr.payload("970405", "7900201012345", amount=amount, memo="TOHIEU TOHIEU-2026")
    assert vietqr.svg(expected) in page  # the very QR of that amount and memo, nothing else
    assert vietqr.parse(expected)["54"] == str(amount)
    assert "TOHIEU TOHIEU-2026" in page and 'role="alert"' not in page


@pytest.mark.parametrize("typed, message", [
    ("abc", "Số tiền phải là số nguyên đồng dương"), ("-5", "Số tiền phải là số nguyên đồng dương"),
    ("0", "Số tiền phải là số nguyên đồng dương"), ("1,5", "Số tiền phải là số nguyên đồng dương"),
    ("99.999.999.999.999", "Mã VietQR chỉ ghi được số tiền tới 9.999.999.999.999 đồng"),
    ("9" * 200, "Số tiền"),
])
def test_bad_amounts_get_a_vietnamese_message_and_the_qr_without_amount(tohieu, client, typed, message):
    r = client.get("/public/funds/TOHIEU", query_string={"amount": typed})
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert 'role="alert"' in page and message in page
    assert vietqr.svg(vietqr.payload("970405", "7900201012345", memo="TOHIEU")) in page


def test_an_ended_campaign_and_a_fund_without_account_offer_no_qr(tohieu, client):
    assert 'id="ung-ho"' not in client.get("/public/campaigns/TOHIEU-2024").get_data(as_text=True)
    page = client.get("/public/funds/QKH?amount=500.000").get_data(as_text=True)
    assert 'class="vietqr"' not in page and "chưa công bố tài khoản ngân hàng" in page
    assert client.get("/public/funds/NOPE").status_code == 404


def test_the_unit_page_links_each_fund_to_its_gift_page(tohieu, client):
    page = client.get("/public/units/SL-B1").get_data(as_text=True)
    assert 'href="/public/funds/TOHIEU#ung-ho"' in page

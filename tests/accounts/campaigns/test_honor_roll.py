"""The honor roll as each donor chose to be named, the public campaign page (no login, SVG chart),
thank-you letters and yearly giving statements as PDFs."""
import re
import subprocess
from datetime import date

import pytest

from ledger.accounts.treasury.models import Donor
from ledger.extensions import db

AN = {"name": "Nguyễn Văn An", "kind": "individual", "publish": "full", "phone": "0912000001"}
BINH = {"name": "Trần Thị Bình", "kind": "individual", "publish": "initials", "phone": "0912000002"}
HIDDEN = {"name": "Lê Văn Cường", "kind": "individual", "publish": "anonymous", "phone": "0912000003"}
COMPANY = {"name": "Công ty Cổ phần Mía đường Sơn La", "kind": "business", "publish": "full"}


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def gifts(api_as, community_tree, give):
    api = api_as(("SL", "admin"))
    r = api.post("/campaigns", json={"code": "TOHIEU-2025", "name": "Vận động Quỹ học bổng Tô Hiệu 2025",
                                     "owner_unit": "SL", "fund": "TOHIEU", "starts_on": "2025-01-01",
                                     "ends_on": "2025-12-31", "target_amount": 2_000_000_000})
    assert r.status_code == 201, r.json
    tagged = {"campaign": "TOHIEU-2025"}
    give("SL", 50_000_000, on=date(2025, 3, 1), donor=COMPANY, **tagged)
    give("SL-X01", 3_000_000, on=date(2025, 3, 2), donor=AN, **tagged)
    give("SL-B1", 2_000_000, on=date(2025, 4, 2), donor=AN, **tagged)
    give("SL-B3", 5_000_000, on=date(2025, 4, 3), donor=BINH, **tagged)
    give("SL-X02", 10_000_000, on=date(2025, 4, 4), donor=HIDDEN, **tagged)
    give("SL-X01", 700_000, on=date(2025, 5, 1), donor=AN, fund="TOHIEU")  # a gift outside the campaign
    give("SL-X01", 400_000, on=date(2024, 5, 1), donor=AN, fund="TOHIEU")  # last year
    return api


def test_honor_roll_names_each_donor_as_they_chose(gifts):
    roll = gifts.get("/campaigns/TOHIEU-2025/honor-roll").json
    assert [(i["display_name"], i["amount"], i["gifts"]) for i in roll["items"]] == [
        ("Công ty Cổ phần Mía đường Sơn La", 50_000_000, 1), ("Nhà hảo tâm ẩn danh", 10_000_000, 1),
        ("Nguyễn Văn An", 5_000_000, 2), ("T. T. B.", 5_000_000, 1)]  # a tie: the earlier donor first
    assert (roll["total"], roll["amount"]) == (4, 70_000_000)


def test_a_reversed_gift_leaves_the_honor_roll(gifts, give):
    mistaken = give("SL-X01", 90_000_000, on=date(2025, 6, 1), donor={"name": "Phạm Văn Dũng", "kind": "individual",
                                                                       "publish": "full"}, campaign="TOHIEU-2025")
    assert "Phạm Văn Dũng" in [i["display_name"] for i in gifts.get("/campaigns/TOHIEU-2025/honor-roll").json["items"]]
    entry_id = mistaken.transaction.entries[0].id
    assert gifts.post(f"/entries/{entry_id}/reverse",
                      json={"date": "2025-06-02", "reason": "Nhầm người"}).status_code == 201
    roll = gifts.get("/campaigns/TOHIEU-2025/honor-roll").json
    assert "Phạm Văn Dũng" not in [i["display_name"] for i in roll["items"]] and roll["amount"] == 70_000_000


def test_dues_do_not_appear_on_the_honor_roll(gifts, client):
    gifts.put("/units/SL/dues-policy", json={"year": 2025, "amount": 50_000, "fund": "HOIPHI",
                                             "split": {"branch": 70, "commune": 20, "province": 10}})
    member = gifts.post("/units/SL-B1/members", json={"full_name": "Hội Viên Nộp Phí"}).json["id"]
    assert gifts.post("/units/SL-B1/dues", json={"member_id": member, "year": 2025, "date": "2025-03-10",
                                                 "method": "cash"}).status_code == 201
    page = client.get("/public/units/SL/honor-roll?year=2025").text
    assert "Nguyễn Văn An" in page and "H. V. N. P." not in page and "Hội Viên Nộp Phí" not in page


def test_public_campaign_page_needs_no_login(gifts, client):
    r = client.get("/public/campaigns/TOHIEU-2025")
    assert r.status_code == 200
    page = r.text
    assert "Vận động Quỹ học bổng Tô Hiệu 2025" in page and "<svg" in page and "<script" not in page
    assert "70.000.000 ₫" in page and "2.000.000.000 ₫" in page
    assert "Lê Văn Cường" not in page and "Trần Thị Bình" not in page
    assert "Nhà hảo tâm ẩn danh" in page and "T. T. B." in page
    leaderboard = page.split('class="leaderboard"')[1].split("</table>")[0]
    assert leaderboard.index("xã Mường Bú") < leaderboard.index("phường Tô Hiệu")  # 15.000.000 before 5.000.000
    commune = client.get("/public/campaigns/TOHIEU-2025?unit=SL-X01")
    assert commune.status_code == 200 and "5.000.000 ₫" in commune.text
    assert client.get("/public/campaigns/TOHIEU-2025?unit=NOPE").status_code == 404


def test_chart_bars_are_proportional(gifts, client):
    svg = client.get("/public/campaigns/TOHIEU-2025").text.split("<svg")[1].split("</svg>")[0]
    widths = [float(w) for w in re.findall(r'width="([\d.]+)" height="16" class="chart-bar"', svg)]
    assert len(widths) == 2  # the two communes
    assert max(widths) / min(widths) == pytest.approx(15_000_000 / 5_000_000, rel=0.01)


def test_unit_honor_roll_by_year(gifts, client):
    this_year = client.get("/public/units/SL-X01/honor-roll?year=2025").text
    assert "5.700.000 ₫" in this_year  # 3.000.000 + 2.000.000 + 700.000 in the commune's subtree
    assert "400.000" not in this_year
    assert "400.000 ₫" in client.get("/public/units/SL-X01/honor-roll?year=2024").text


def test_giving_statement_and_thank_you_letter(gifts, page_as, tmp_path):
    an = db.session.query(Donor).filter_by(name="Nguyễn Văn An").one()  # the honor roll names, never ids
    statement = gifts.get(f"/units/SL/donors/{an.id}/statement?year=2025").json
    assert statement["total"] == 5_700_000 and len(statement["receipts"]) == 3
    browser = page_as(("SL", "treasurer"))
    letter = browser.get(f"/units/SL/donors/{an.id}/thank-you.pdf?campaign=TOHIEU-2025")
    assert letter.status_code == 200 and letter.mimetype == "application/pdf"
    text = pdf_text(letter.data, tmp_path)
    assert "THƯ CẢM ƠN" in text and "Nguyễn Văn An" in text and "Năm triệu đồng" in text
    yearly = pdf_text(browser.get(f"/units/SL/donors/{an.id}/statement.pdf?year=2025").data, tmp_path)
    assert "BẢNG KÊ ĐÓNG GÓP NĂM 2025" in yearly and "5.700.000 đ" in yearly
    assert browser.get(f"/units/SL/donors/{an.id}/thank-you.pdf?year=2023").status_code == 404

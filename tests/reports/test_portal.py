"""The public portal without a login: find a unit, its statements, campaigns, honor roll, how to give."""
from datetime import date

from ledger.core.security import COSTLY_READS

Q1 = {"period_start": "2026-01-01", "period_end": "2026-03-31"}


def test_a_unit_is_found_without_diacritics_and_shows_what_it_published(quarter, close, publisher, client):
    close("SL")
    draft = publisher.post("/units/SL/statements", json=Q1).json
    publisher.post(f"/statements/{draft['id']}/publish", json={})
    publisher.post("/units/SL/statements", json=Q1)  # a second draft stays private
    found = client.get("/public/?q=muong bu").get_data(as_text=True)
    assert 'href="/public/units/SL-X01"' in found and "Sơn La" in found
    home = client.get("/public/").get_data(as_text=True)
    assert "Hội Khuyến học tỉnh Sơn La" in home and f"/public/statements/{draft['id']}" in home
    page = client.get("/public/units/SL").get_data(as_text=True)
    assert page.count("/public/statements/") == 2  # the one published statement and its PDF
    assert "Kỳ 01/01/2026 – 31/03/2026" in page and 'href="/public/units/SL-X01"' in page


def test_how_to_give_shows_the_account_the_memo_code_and_a_vietqr(tree, client, app):
    from ledger.accounts.banking import vietqr
    from ledger.accounts.services import get_fund
    from ledger.extensions import db

    fund = get_fund("QKH")
    fund.bank_bin, fund.bank_account, fund.memo_code = "970405", "8600123456789", "QKHSL"
    fund.bank_account_name = "HOI KHUYEN HOC TINH SON LA"
    db.session.commit()
    page = client.get("/public/units/SL-B1").get_data(as_text=True)  # a branch gives to its province's fund
    assert "8600123456789" in page and "QKHSL" in page and "HOI KHUYEN HOC TINH SON LA" in page
    assert "Agribank — Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam" in page  # the bank named, not its BIN
    assert 'class="vietqr"' in page
    assert vietqr.parse(vietqr.payload("970405", "8600123456789", memo="QKHSL"))["62"]["08"] == "QKHSL"


def test_running_campaigns_link_to_their_page_and_the_honor_roll_is_linked(tree, client, app):
    from ledger.accounts.campaigns.services.campaigns import create_campaign
    from ledger.extensions import db

    create_campaign({"code": "TOHIEU-2026", "name": "Vận động Quỹ học bổng Tô Hiệu 2026", "owner_unit": "SL",
                     "fund": "TOHIEU", "starts_on": date(2026, 1, 1), "ends_on": date(2099, 12, 31),
                     "target_amount": 2_000_000_000})
    create_campaign({"code": "OLD-2025", "name": "Đợt đã xong", "owner_unit": "SL", "fund": "QKH",
                     "starts_on": date(2025, 1, 1), "ends_on": date(2025, 12, 31)})
    db.session.commit()
    page = client.get("/public/units/SL-X01").get_data(as_text=True)
    assert 'href="/public/campaigns/TOHIEU-2026"' in page and "Đợt đã xong" not in page
    assert 'href="/public/units/SL-X01/honor-roll"' in page


def test_the_openapi_document_describes_the_public_endpoints(client):
    paths = client.get("/api/openapi.json").json["paths"]
    for path in ("/public/statements/{statement_id}", "/public/statements/{statement_id}.pdf",
                 "/public/statements/{statement_id}.json", "/public/statements/{statement_id}.csv",
                 "/public/verify/{digest}", "/api/v1/units/{code}/statements",
                 "/api/v1/statements/{statement_id}/publish"):
        assert path in paths, path


def test_a_published_document_is_cached_by_its_tag_for_weak_connections(quarter, close, publisher, client):
    close("SL")
    draft = publisher.post("/units/SL/statements", json=Q1).json
    publisher.post(f"/statements/{draft['id']}/publish", json={})
    first = client.get(f"/public/statements/{draft['id']}")
    assert first.headers["Cache-Control"].startswith("public") and first.headers["ETag"]
    again = client.get(f"/public/statements/{draft['id']}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    second = publisher.post("/units/SL/statements", json=Q1).json
    publisher.post(f"/statements/{second['id']}/publish", json={"reason": "Đính chính"})
    changed = client.get(f"/public/statements/{draft['id']}", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and "Đính chính" in changed.get_data(as_text=True)


def test_public_verify_has_a_ceiling_per_address_because_it_recomputes_chains(client):
    """Anyone may verify, but each answer re-hashes the covered units' chains: past the ceiling, 429."""
    limit = int(COSTLY_READS.split()[0])
    digest = "0" * 64
    answers = [client.get(f"/public/verify/{digest}?format=json").status_code for _ in range(limit)]
    assert answers == [200] * limit
    refused = client.get(f"/public/verify/{digest}?format=json")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "quá nhiều yêu cầu kiểm tra" in refused.get_data(as_text=True)
    other = client.get(f"/public/verify/{digest}?format=json", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200

"""Statements through the contract: drafts need closed books, publishing freezes and hashes them."""
import hashlib
import json
import subprocess
import threading
from datetime import date

import pytest

Q1 = {"period_start": "2026-01-01", "period_end": "2026-03-31"}

CONTRACT_KEYS = {"unit", "period_start", "period_end", "consolidated", "funds", "receipts_by_category",
                 "disbursements_by_category", "donors", "recipients", "chain_head", "version", "hash",
                 "published_at"}


def test_a_statement_needs_closed_books_in_every_unit_it_covers(quarter, close, publisher):
    close("SL", "SL-B1")
    r = publisher.post("/units/SL/statements", json={**Q1, "consolidated": True})
    assert r.status_code == 422 and r.json["code"] == "invalid_state", r.json
    assert r.json["errors"]["units"] == ["SL-X01"]
    assert "Mường Bú" in r.json["detail"] and "31/03/2026" in r.json["detail"]
    alone = publisher.post("/units/SL/statements", json={**Q1, "consolidated": False})
    assert alone.status_code == 201, alone.json


def test_draft_content_reads_the_books_of_the_period(quarter, close, publisher):
    close("SL", "SL-X01", "SL-B1")
    r = publisher.post("/units/SL/statements", json={**Q1, "consolidated": False})
    assert r.status_code == 201, r.json
    assert r.json["status"] == "draft" and r.json["content"]["version"] is None
    content = r.json["content"]
    assert CONTRACT_KEYS - {"hash"} <= set(content)
    funds = {row["fund"]: row for row in content["funds"]}
    # QKH: 10m opening entry (a fund-balance movement), 8m donations, 1.5m awards.
    assert funds["QKH"] | {"name": None} == {"fund": "QKH", "name": None, "opening": 0, "receipts": 18_000_000,
                                            "disbursements": 1_500_000, "closing": 16_500_000}
    # TOHIEU: 3m collected on behalf by the branch counts as the province's revenue (136 due from the branch).
    assert (funds["TOHIEU"]["receipts"], funds["TOHIEU"]["disbursements"], funds["TOHIEU"]["closing"]) == (
        7_000_000, 200_000, 6_800_000)
    assert content["receipts_by_category"] == {"donation": 15_000_000, "fund_balance": 10_000_000}
    assert content["disbursements_by_category"] == {"award": 1_500_000, "operations": 200_000}
    donors = [(d["display_name"], d["amount"]) for d in content["donors"]]
    assert donors == [("Công ty Cổ phần Sông Đà", 5_000_000), ("Ngân hàng Nông nghiệp", 4_000_000),
                      ("Dòng họ Cầm", 3_000_000), ("T. T. B.", 2_000_000), ("Nhà hảo tâm ẩn danh", 1_000_000)]
    assert content["management_costs"] == [{"fund": "TOHIEU", "revenue": 7_000_000, "operations": 200_000,
                                            "cap_percent": 10}]
    assert len(content["chain_head"]) == 64


def test_consolidation_counts_money_collected_on_behalf_once(quarter, close, publisher):
    close("SL", "SL-X01", "SL-B1")
    whole = publisher.post("/units/SL/statements", json={**Q1, "consolidated": True}).json["content"]
    funds = {row["fund"]: row for row in whole["funds"]}
    assert funds["TOHIEU"]["receipts"] == 7_000_000 and funds["TOHIEU"]["closing"] == 6_800_000
    branch = publisher.post("/units/SL-B1/statements", json={**Q1, "consolidated": False}).json["content"]
    assert branch["receipts_by_category"] == {} and branch["donors"] == []
    assert branch["funds"] == []  # it holds 3m in cash but owes all of it to the province


def test_publish_freezes_the_content_with_its_hash(quarter, close, publisher, client):
    close("SL")
    draft = publisher.post("/units/SL/statements", json=Q1).json
    r = publisher.post(f"/statements/{draft['id']}/publish", json={})
    assert r.status_code == 200, r.json
    assert r.json["status"] == "published" and r.json["version"] == 1
    assert r.json["public_url"].endswith(f"/public/statements/{draft['id']}")
    body = client.get(f"/public/statements/{draft['id']}.json").data
    content = json.loads(body)
    assert content["hash"] == r.json["hash"] and content["version"] == 1 and content["published_at"]
    unhashed = {k: v for k, v in content.items() if k != "hash"}
    canonical = json.dumps(unhashed, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    assert hashlib.sha256(canonical).hexdigest() == r.json["hash"]
    again = publisher.post(f"/statements/{draft['id']}/publish", json={})
    assert again.status_code == 409 and again.json["code"] == "invalid_state"
    assert "đã công bố" in again.json["detail"]


def test_later_postings_reversals_and_edits_leave_version_1_byte_identical(
        quarter, close, publisher, client, post, receive, app):
    from ledger.accounts.services import reverse_entry
    from ledger.accounts.treasury.models import Donor
    from ledger.extensions import db

    close("SL", "SL-X01", "SL-B1")
    draft = publisher.post("/units/SL/statements", json={**Q1, "consolidated": True}).json
    digest = publisher.post(f"/statements/{draft['id']}/publish", json={}).json["hash"]
    before = {fmt: client.get(f"/public/statements/{draft['id']}.{fmt}").data for fmt in ("json", "csv")}

    receive("SL", 9_000_000, on=date(2026, 4, 2),
            donor={"name": "Người đến sau", "kind": "individual", "publish": "full"})
    donation = receive("SL", 700_000, on=date(2026, 4, 3))
    reverse_entry(donation.transaction.entries[0], on=date(2026, 4, 4), reason="Ghi nhầm")
    for donor in db.session.query(Donor):
        donor.name, donor.publish = donor.name + " (đã sửa)", "full"
    db.session.commit()

    after = {fmt: client.get(f"/public/statements/{draft['id']}.{fmt}").data for fmt in ("json", "csv")}
    assert after == before
    assert json.loads(after["json"])["hash"] == digest
    verified = client.get(f"/public/verify/{digest}", headers={"Accept": "application/json"}).json
    assert verified["valid"] is True and verified["statement_id"] == draft["id"]


def test_a_correction_is_version_2_with_a_reason_and_the_old_stays_visible(quarter, close, publisher, client):
    close("SL")
    first = publisher.post("/units/SL/statements", json=Q1).json
    v1 = publisher.post(f"/statements/{first['id']}/publish", json={}).json
    second = publisher.post("/units/SL/statements", json=Q1).json
    refused = publisher.post(f"/statements/{second['id']}/publish", json={})
    assert refused.status_code == 422 and "reason" in refused.json["errors"]
    v2 = publisher.post(f"/statements/{second['id']}/publish", json={"reason": "Bổ sung tên nhà hảo tâm"}).json
    assert (v2["version"], v2["supersedes"]) == (2, first["id"]) and v2["hash"] != v1["hash"]
    old_page = client.get(f"/public/statements/{first['id']}").get_data(as_text=True)
    assert "đã được thay thế bởi phiên bản 2" in old_page and "Bổ sung tên nhà hảo tâm" in old_page
    assert client.get(f"/public/verify/{v1['hash']}?format=json").json["valid"] is True
    assert publisher.get(f"/statements/{first['id']}").json["superseded_by"] == second["id"]


def embedded_fonts(pdf: bytes, tmp_path) -> set[str]:
    """Font names (subset prefix dropped) that pdffonts reports as embedded."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    return {line.split()[0].split("+")[-1] for line in lines if line.split()[-5] == "yes"}


def test_public_endpoints_answer_without_a_token_but_hide_drafts(quarter, close, publisher, client, tmp_path):
    close("SL")
    draft = publisher.post("/units/SL/statements", json=Q1).json
    for suffix in ("", ".pdf", ".json", ".csv"):
        assert client.get(f"/public/statements/{draft['id']}{suffix}").status_code == 404
    digest = publisher.post(f"/statements/{draft['id']}/publish", json={}).json["hash"]
    suffixes = ("", ".pdf", ".json", ".csv")
    responses = {suffix: client.get(f"/public/statements/{draft['id']}{suffix}") for suffix in suffixes}
    assert {suffix: r.status_code for suffix, r in responses.items()} == dict.fromkeys(suffixes, 200)
    assert responses[".pdf"].data.startswith(b"%PDF")
    assert embedded_fonts(responses[".pdf"].data, tmp_path) == {"DejaVu-Sans", "DejaVu-Sans-Bold",
                                                                       "DejaVu-Sans-Italic"}
    assert responses[".csv"].data.startswith("\ufeff".encode())
    for path in ("/public/", "/public/units/SL", f"/public/verify/{digest}", "/public/?q=sơn la"):
        assert client.get(path).status_code == 200, path
    assert client.get("/api/v1/statements/1").status_code == 401


def test_verify_answers_json_when_asked_and_explains_a_match_in_vietnamese(quarter, close, publisher, client):
    close("SL")
    draft = publisher.post("/units/SL/statements", json=Q1).json
    digest = publisher.post(f"/statements/{draft['id']}/publish", json={}).json["hash"]
    r = client.get(f"/public/verify/{digest}", headers={"Accept": "application/json"})
    assert r.json == {"valid": True, "books_match": True, "statement_id": draft["id"], "unit": "SL",
                      "period_start": "2026-01-01", "period_end": "2026-03-31"}
    page = client.get(f"/public/verify/{digest}", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "khớp" in page and "không ai sửa" in page
    wrong = client.get("/public/verify/" + "0" * 64, headers={"Accept": "application/json"}).json
    assert wrong["valid"] is False and wrong["statement_id"] is None
    assert "KHÔNG KHỚP" in client.get("/public/verify/abc").get_data(as_text=True)


def test_the_database_refuses_to_change_a_published_statement(quarter, close, publisher, app):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from ledger.extensions import db

    close("SL")
    draft = publisher.post("/units/SL/statements", json=Q1).json
    publisher.post(f"/statements/{draft['id']}/publish", json={})
    for sql in ("UPDATE statements SET canonical = 'x' WHERE id = :id", "DELETE FROM statements WHERE id = :id"):
        with pytest.raises(DBAPIError):
            db.session.execute(text(sql), {"id": draft["id"]})
            db.session.flush()
        db.session.rollback()


def test_who_may_draft_and_who_may_publish(quarter, close, api_as):
    close("SL")
    viewer, treasurer, approver = (api_as(("SL", role)) for role in ("viewer", "treasurer", "approver"))
    assert viewer.post("/units/SL/statements", json=Q1).status_code == 403
    draft = treasurer.post("/units/SL/statements", json=Q1)
    assert draft.status_code == 201
    assert treasurer.post(f"/statements/{draft.json['id']}/publish", json={}).status_code == 403
    assert approver.post(f"/statements/{draft.json['id']}/publish", json={}).status_code == 200
    outsider = api_as(("SL-X01", "approver"))
    assert outsider.get(f"/statements/{draft.json['id']}").status_code == 403


def test_drafted_and_published_in_one_transaction_by_users_loaded_earlier(quarter, close, people, app):
    """The demo and the CLI publish right after drafting: one UPDATE must freeze the row (trigger-safe)."""
    from ledger.extensions import db
    from ledger.reports import services
    from ledger.units.services import get_unit

    close("SL")
    db.session.expire_all()  # the users' attributes load lazily, as after any commit
    draft = services.create_statement(get_unit("SL"), {"period_start": date(2026, 1, 1),
                                                       "period_end": date(2026, 3, 31)}, by=people["treasurer"])
    services.publish_statement(draft, {}, by=people["approver"])
    db.session.commit()
    assert (draft.status, draft.version, draft.published_by_id) == ("published", 1, people["approver"].id)


def test_publishing_renders_the_pdf_once_and_a_correction_renders_the_old_one_with_its_notice(
        quarter, close, publisher, client, app):
    from ledger.extensions import db
    from ledger.reports.models import StatementFile

    close("SL")
    first = publisher.post("/units/SL/statements", json=Q1).json
    publisher.post(f"/statements/{first['id']}/publish", json={})
    kept = {(f.statement_id, f.variant): f.data for f in db.session.query(StatementFile)}
    assert [statement_id for statement_id, _variant in kept] == [first["id"]]  # rendered by the publisher
    pdf = client.get(f"/public/statements/{first['id']}.pdf").data
    assert pdf == next(iter(kept.values())) and db.session.query(StatementFile).count() == 1
    second = publisher.post("/units/SL/statements", json=Q1).json
    publisher.post(f"/statements/{second['id']}/publish", json={"reason": "Sửa tên quỹ"})
    assert db.session.query(StatementFile).count() == 3  # v2, and v1 again with the notice of v2
    assert client.get(f"/public/statements/{first['id']}.pdf").data != pdf
    assert db.session.query(StatementFile).count() == 3


@pytest.mark.postgres
def test_two_approvers_publishing_one_draft_at_once_make_one_version(quarter, close, publisher, app):
    from ledger.core.errors import LedgerError
    from ledger.extensions import db
    from ledger.reports import services

    close("SL")
    draft_id = publisher.post("/units/SL/statements", json=Q1).json["id"]
    start, outcomes = threading.Barrier(2), []

    def publish():
        with app.app_context():
            statement = services.get_statement(draft_id)
            start.wait()
            try:
                services.publish_statement(statement, {})
                db.session.commit()
                outcomes.append("published")
            except LedgerError as exc:
                db.session.rollback()
                outcomes.append(exc.code)

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["invalid_state", "published"]
    assert publisher.get(f"/statements/{draft_id}").json["version"] == 1


def test_a_statement_shows_the_units_own_campaigns_with_what_was_raised_by_its_end(tree, receive, close, publisher):
    from ledger.accounts.campaigns.services.campaigns import create_campaign
    from ledger.extensions import db

    for code, owner, fund in (("TOHIEU-2026", "SL", "TOHIEU"), ("MUONGBU-2026", "SL-X01", "QKH")):
        create_campaign({"code": code, "name": f"Vận động {code}", "owner_unit": owner, "fund": fund,
                         "starts_on": date(2026, 1, 1), "ends_on": date(2026, 12, 31), "target_amount": 10_000_000})
    db.session.commit()
    receive("SL-B1", 3_000_000, fund="TOHIEU", campaign="TOHIEU-2026", on=date(2026, 3, 1))
    receive("SL", 1_000_000, fund="TOHIEU", campaign="TOHIEU-2026", on=date(2026, 4, 1))  # after the period
    close("SL", "SL-X01", "SL-B1")
    content = publisher.post("/units/SL/statements", json={**Q1, "consolidated": True}).json["content"]
    assert [(c["code"], c["target"], c["raised"]) for c in content["campaigns"]] == [
        ("TOHIEU-2026", 10_000_000, 3_000_000)]

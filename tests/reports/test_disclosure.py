"""The charity-fund regime: quarterly and yearly disclosures that fall due, and management costs."""
from datetime import date

Q1 = {"period_start": "2026-01-01", "period_end": "2026-03-31"}


def test_quarters_without_a_published_statement_are_overdue_until_published(quarter, close, publisher, app):
    from ledger.reports import disclosure
    from ledger.units.services import get_unit

    sl = get_unit("SL")
    due = disclosure.calendar(sl, today=date(2026, 11, 23))
    assert [(row["period_start"], row["due_on"], row["status"]) for row in due] == [
        (date(2026, 1, 1), date(2026, 4, 30), "overdue"), (date(2026, 4, 1), date(2026, 7, 30), "overdue"),
        (date(2026, 7, 1), date(2026, 10, 30), "overdue")]
    assert disclosure.calendar(sl, today=date(2026, 4, 20))[0]["status"] == "due"
    close("SL")
    draft = publisher.post("/units/SL/statements", json=Q1).json
    publisher.post(f"/statements/{draft['id']}/publish", json={})
    overview = publisher.get("/units/SL/disclosure").json
    assert [row["status"] for row in overview["due"]] == ["late", "overdue", "overdue"]
    assert overview["overdue"] == 2 and overview["due"][0]["statement_id"] == draft["id"]
    app.config["LEDGER_DISCLOSURE_DAYS"] = {"quarterly": 365}
    assert disclosure.calendar(sl, today=date(2026, 11, 23))[0]["status"] == "published"


def test_management_costs_are_measured_against_the_configurable_cap(quarter, publisher, app):
    costs = {row["year"]: row for row in publisher.get("/units/SL/disclosure").json["management_costs"]}
    assert costs[2026] | {"cap_percent": None} == {"fund": "TOHIEU", "year": 2026, "revenue": 7_000_000,
                                                  "operations": 200_000, "cap_percent": None, "over_cap": False}
    assert costs[2026]["cap_percent"] == 10
    app.config["LEDGER_MANAGEMENT_COST_CAP_PERCENT"] = 2
    assert publisher.get("/units/SL/disclosure").json["management_costs"][1]["over_cap"] is True


def test_the_unit_page_flags_overdue_disclosures(quarter, client, make_user):
    make_user("kiemtra", roles=[("SL", "auditor")])
    client.post("/login", data={"username": "kiemtra", "password": "mat-khau-dai"})
    page = client.get("/units/SL").get_data(as_text=True)
    assert "Lịch công khai của quỹ từ thiện" in page and "3 kỳ quá hạn" in page
    assert "Quá hạn, chưa công khai" in page and "2,9 %" in page
    assert "Lịch công khai" not in client.get("/units/SL-X01").get_data(as_text=True)

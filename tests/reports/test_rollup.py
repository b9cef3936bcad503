"""Reports up the tree: periods and deadlines, consolidated figures sent to the parent, who is late."""
from datetime import date

import pytest


@pytest.mark.parametrize("kind, period, start, end", [
    ("monthly", "2026-02", date(2026, 2, 1), date(2026, 2, 28)),
    ("quarterly", "2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
    ("yearly", "2026", date(2025, 11, 1), date(2026, 10, 31)),
])
def test_periods_and_their_names(app, kind, period, start, end):
    from ledger.reports import rollup

    assert rollup.period_bounds(kind, period) == (start, end)
    assert rollup.period_name(kind, start) == period


def test_the_yearly_report_is_due_on_15_november_and_the_year_end_is_configurable(app):
    from ledger.reports import rollup

    assert rollup.deadline("yearly", rollup.period_bounds("yearly", "2026")[1]) == date(2026, 11, 15)
    app.config["LEDGER_REPORT_YEAR_END_MONTH"] = 12
    assert rollup.period_bounds("yearly", "2026") == (date(2026, 1, 1), date(2026, 12, 31))


@pytest.mark.parametrize("kind, period", [("monthly", "2026-Q1"), ("quarterly", "2026-13"), ("yearly", "26")])
def test_a_period_of_the_wrong_shape_is_refused(quarter, publisher, kind, period):
    r = publisher.post("/units/SL-X01/reports", json={"kind": kind, "period": period})
    assert r.status_code == 422


def test_a_unit_sends_its_consolidated_figures_and_the_parent_receives_them(quarter, api_as, make_unit):
    branch = api_as(("SL-B1", "treasurer"))
    r = branch.post("/units/SL-B1/reports", json={"kind": "quarterly", "period": "2026-Q1", "note": "Quý I"})
    assert r.status_code == 201, r.json
    assert (r.json["parent"], r.json["status"]) == ("SL-X01", "submitted")
    assert r.json["content"]["funds"] == []  # it collected 3m for the province and owes all of it
    again = branch.post("/units/SL-B1/reports", json={"kind": "quarterly", "period": "2026-Q1"})
    assert again.status_code == 409 and again.json["code"] == "duplicate"
    assert branch.post(f"/reports/{r.json['id']}/receive").status_code == 403
    commune = api_as(("SL-X01", "treasurer"))
    received = commune.post(f"/reports/{r.json['id']}/receive")
    assert received.status_code == 200 and received.json["status"] == "received"
    province = api_as(("SL", "treasurer")).post("/units/SL/reports", json={"kind": "quarterly", "period": "2026-Q1"})
    tohieu = next(row for row in province.json["content"]["funds"] if row["fund"] == "TOHIEU")
    assert (province.json["parent"], tohieu["receipts"], tohieu["closing"]) == ("VN", 7_000_000, 6_800_000)
    root = api_as(("VN", "admin")).post("/units/VN/reports", json={"kind": "quarterly", "period": "2026-Q1"})
    assert root.status_code == 422 and root.json["code"] == "invalid_state"


def test_status_lists_who_has_not_reported_by_the_deadline(quarter, api_as, make_unit):
    make_unit("SL-X02", level="commune", parent="SL")
    make_unit("SL-X03", level="commune", parent="SL")
    api_as(("SL-X02", "treasurer")).post("/units/SL-X02/reports", json={"kind": "quarterly", "period": "2026-Q1"})
    status = api_as(("SL", "viewer")).get("/units/SL/reports/status?kind=quarterly&period=2026-Q1").json
    assert status["deadline"] == "2026-04-15"
    assert {row["unit"]: (row["status"], row["overdue"]) for row in status["children"]} == {
        "SL-X01": ("missing", True), "SL-X02": ("submitted", False), "SL-X03": ("missing", True)}
    assert status["missing"] == ["SL-X01", "SL-X03"]


def test_a_period_not_yet_over_cannot_be_reported(tree, api_as):
    r = api_as(("SL-X01", "treasurer")).post("/units/SL-X01/reports", json={"kind": "yearly", "period": "2027"})
    assert r.status_code == 422 and r.json["code"] == "invalid_state"

"""The plan pages: a province sets a plan from the form, reads progress and the ranking, hands targets down to
its communes on the grid, and a commune reports its manual value; refused forms come back with the message."""
from datetime import date

import pytest

from ledger.extensions import db
from ledger.learning.models import ManualValue, Plan, Target
from ledger.learning.plans.forms import figure, parse_figure

YEAR = 2025


def plan_form(**changes):
    data = {"year": str(YEAR), "name": "Kế hoạch năm 2025", "report_due": "2025-11-15",
            "ind-0-code": "HV", "ind-0-name": "Hội viên đạt 5% dân số", "ind-0-measure": "members_percent_population",
            "ind-0-target": "5", "ind-0-param": "",
            "ind-1-code": "VD", "ind-1-name": "Vận động quỹ xã", "ind-1-measure": "raised",
            "ind-1-target": "1.500.000", "ind-1-param": "fund:QC1",
            "ind-2-code": "TC", "ind-2-name": "Trung tâm học tập cộng đồng", "ind-2-measure": "manual",
            "ind-2-target": "2,5", "ind-2-param": ""}
    data.update(changes)
    return data


@pytest.fixture
def province(page_as, money):
    return page_as(("P", "approver"))


def test_a_province_sets_a_plan_and_reads_its_progress(province):
    page = province.get("/units/P/plans")
    assert page.status_code == 200 and "Lập kế hoạch mới" in page.text and "Quỹ: Quỹ khuyến học xã" in page.text
    r = province.post("/units/P/plans", data=plan_form())
    assert r.status_code == 303, r.text
    plan = db.session.query(Plan).one()
    assert [(i.code, i.measure, float(i.target), i.params) for i in plan.indicators] == [
        ("HV", "members_percent_population", 5.0, None), ("VD", "raised", 1_500_000.0, {"fund": "QC1"}),
        ("TC", "manual", 2.5, None)]
    assert plan.report_due == date(2025, 11, 15)
    shown = province.get(r.headers["Location"]).text
    assert "6,7%" in shown and "1.560.000 ₫" in shown and "15/11/2025" in shown  # 6 of 90 people; QC1 receipts
    assert "Xếp hạng đơn vị trực thuộc" in shown and "Hội Khuyến học xã Chiềng An" in shown
    assert province.get("/units/P/plans").text.count(f"/plans/{plan.id}") == 1


def test_a_refused_plan_form_comes_back_with_what_was_typed(province):
    r = province.post("/units/P/plans", data=plan_form(**{"ind-1-param": "model:family", "ind-2-target": "nhiều"}))
    assert r.status_code == 422
    assert "nhiều" in r.text and "Vận động quỹ xã" in r.text
    assert db.session.query(Plan).count() == 0


def test_targets_are_handed_down_on_the_grid_and_values_reported(province, page_as):
    province.post("/units/P/plans", data=plan_form())
    plan = db.session.query(Plan).one()
    grid = province.get(f"/plans/{plan.id}/targets")
    assert grid.status_code == 200 and 'name="t-C1-VD"' in grid.text and 'name="t-C2-HV"' in grid.text
    r = province.post(f"/plans/{plan.id}/targets", data={"t-C1-VD": "1.000.000", "t-C2-HV": "2,5", "t-C2-VD": ""})
    assert r.status_code == 303, r.text
    assert sorted((t.unit_id, float(t.target)) for t in db.session.query(Target)) == sorted(
        [(unit_id("C1"), 1_000_000.0), (unit_id("C2"), 2.5)])
    assert 'value="1.000.000"' in province.get(f"/plans/{plan.id}/targets").text
    assert province.post(f"/plans/{plan.id}/targets", data={"t-C1-VD": "mười"}).status_code == 422
    commune = page_as(("C1", "treasurer"))
    assert commune.get(f"/plans/{plan.id}").status_code == 403  # the province's own view
    view = commune.get(f"/plans/{plan.id}?unit=C1")
    assert view.status_code == 200 and "tự báo cáo" in view.text
    r = commune.post(f"/plans/{plan.id}/values?unit=C1", data={"v-TC": "3", "n-TC": "Ba trung tâm"})
    assert r.status_code == 303, r.text
    [value] = db.session.query(ManualValue).all()
    assert (value.unit_id, float(value.value), value.note) == (unit_id("C1"), 3.0, "Ba trung tâm")
    assert commune.get(f"/plans/{plan.id}/targets?unit=C1").status_code == 200  # C1 hands down to its branches
    assert page_as(("C1", "viewer")).get(f"/plans/{plan.id}/targets?unit=C1").status_code == 403


def unit_id(code):
    from ledger.units.services import get_unit
    return get_unit(code).id


@pytest.mark.parametrize(("value", "measure", "shown"), [
    (3_860_000, "raised", "3.860.000 ₫"), (63.5, "learning_percent", "63,5%"),
    (6, "members_percent_population", "6,0%"), (1200, "scholarships_awarded", "1.200"), (2.5, "manual", "2,5"),
    (None, "manual", "—")])
def test_figures_are_shown_the_vietnamese_way(value, measure, shown):
    assert figure(value, measure) == shown


@pytest.mark.parametrize(("typed", "number"), [("1.500.000", 1_500_000), ("63,5", 63.5), (" 80 % ", 80),
                                                ("2.000.000 đ", 2_000_000)])
def test_typed_figures_are_read(typed, number):
    assert parse_figure(typed, "target") == number

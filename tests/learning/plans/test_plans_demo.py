"""The demo's plans are the seeds' real indicators and targets, loaded once however often the demo runs."""
from datetime import date

from sqlalchemy import select

from ledger.demo.places import BO_DE
from ledger.extensions import db
from ledger.learning.models import Plan
from ledger.learning.plans import demo
from ledger.learning.plans.services import progress
from ledger.units.services import get_unit


def test_son_la_and_bo_de_plans_are_loaded_once(app, make_unit):
    make_unit("SL", level="province", name="Hội Khuyến học tỉnh Sơn La")
    make_unit("BODE", level="commune", parent="SL", name="Hội Khuyến học phường Bồ Đề")
    ctx = {"units": {"SL": get_unit("SL"), BO_DE: get_unit("BODE")}, "users": {}}
    demo.load(ctx)
    demo.load(ctx)
    plans = {p.unit.code: p for p in db.session.scalars(select(Plan))}
    assert sorted(plans) == ["BODE", "SL"]
    son_la = plans["SL"]
    assert son_la.report_due == date(2025, 11, 15)
    assert [(i.params["model"], float(i.target)) for i in son_la.indicators[:5]] == [
        ("citizen", 63), ("family", 85), ("clan", 80), ("organisation", 95), ("community", 80)]
    assert [float(i.target) for i in plans["BODE"].indicators] == [20, 70, 60, 80, 100]
    assert len(progress(son_la)["indicators"]) == 8

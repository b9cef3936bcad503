"""Demo step: the two real plans of the seeds — Sơn La's 2025 plan (seed 004: the five learning models at
63/85/80/95/80%, members up 0,5% on 2024, training and learning centres, report due 15/11/2025) and phường
Bồ Đề's 2026 plan (seed 002: members 20% of the population, families over 70%, clans 60%, units 80%,
residential groups 100%). Sơn La hands lower family and village targets down to two communes (xã Mường La, a
mountain commune, and xã Mai Sơn), so the emulation board measures them against their own. Idempotent: a plan
already there is left alone, and targets are handed down only when the plan has none yet.
"""
from datetime import date

from sqlalchemy import select

from ledger.demo.places import BO_DE
from ledger.extensions import db
from ledger.learning.models import Plan
from ledger.learning.plans.services import create_plan, set_targets, targets_of
from ledger.units.models import Unit

SON_LA_2025 = {"year": 2025, "name": "Kế hoạch hoạt động năm 2025 của Hội Khuyến học tỉnh Sơn La",
               "report_due": date(2025, 11, 15), "indicators": [
                   {"code": "CDHT", "name": "Công dân học tập phấn đấu đạt 63%", "measure": "learning_percent",
                    "target": 63, "params": {"model": "citizen"}},
                   {"code": "GDHT", "name": "Gia đình học tập phấn đấu đạt 85%", "measure": "learning_percent",
                    "target": 85, "params": {"model": "family"}},
                   {"code": "DHHT", "name": "Dòng họ học tập phấn đấu đạt 80%", "measure": "learning_percent",
                    "target": 80, "params": {"model": "clan"}},
                   {"code": "DVHT", "name": "Đơn vị học tập phấn đấu đạt 95%", "measure": "learning_percent",
                    "target": 95, "params": {"model": "organisation"}},
                   {"code": "CĐHT", "name": "Cộng đồng học tập phấn đấu đạt 80%", "measure": "learning_percent",
                    "target": 80, "params": {"model": "community"}},
                   {"code": "HV", "name": "Phát triển hội viên tăng 0,5% so với năm 2024",
                    "measure": "members_growth_percent", "target": 0.5},
                   {"code": "TAPHUAN", "name": "100% cán bộ Hội các cấp được tập huấn nghiệp vụ (%)",
                    "measure": "manual", "target": 100},
                   {"code": "TTHTCD", "name": "100% các TTHTCĐ được củng cố, duy trì hoạt động có hiệu quả (%)",
                    "measure": "manual", "target": 100}]}

BO_DE_2026 = {"year": 2026, "name": "Kế hoạch xây dựng xã hội học tập phường Bồ Đề năm 2026", "indicators": [
    {"code": "HV", "name": "Số hội viên đạt tỷ lệ 20% dân số", "measure": "members_percent_population", "target": 20},
    {"code": "GDHT", "name": "Trên 70% hộ gia đình đạt danh hiệu \u201cGia đình học tập\u201d",
     "measure": "learning_percent", "target": 70, "params": {"model": "family"}},
    {"code": "DHHT", "name": "60% dòng họ đạt danh hiệu \u201cDòng họ học tập\u201d", "measure": "learning_percent",
     "target": 60, "params": {"model": "clan"}},
    {"code": "DVHT", "name": "80% trở lên đơn vị đạt danh hiệu đơn vị học tập", "measure": "learning_percent",
     "target": 80, "params": {"model": "organisation"}},
    {"code": "CĐHT", "name": "100% tổ dân phố được đánh giá xếp loại \u201cCộng đồng học tập\u201d",
     "measure": "learning_percent", "target": 100, "params": {"model": "community"}}]}


# Sơn La's targets handed down: commune code → indicator → target (the plan's own target elsewhere).
SON_LA_TARGETS = {"SL-03808": {"GDHT": 60, "CĐHT": 70}, "SL-04105": {"GDHT": 75}}


def load(ctx: dict) -> None:
    admin = ctx["users"].get("chutich.sonla")
    for unit, spec in ((ctx["units"]["SL"], SON_LA_2025), (ctx["units"][BO_DE], BO_DE_2026)):
        plan = db.session.scalar(select(Plan).where(Plan.unit_id == unit.id, Plan.year == spec["year"],
                                                    Plan.name == spec["name"]))
        if plan is None:
            plan = create_plan(unit, spec, by=admin)
        if plan.year == SON_LA_2025["year"] and not targets_of(plan):
            hand_down(plan, SON_LA_TARGETS, by=admin)


def hand_down(plan: Plan, targets: dict, *, by=None) -> None:
    units = {unit.code: unit for unit in db.session.scalars(select(Unit).where(Unit.code.in_(targets)))}
    rows = [(units[code], indicator, target) for code, given in targets.items() if code in units
            for indicator, target in given.items()]
    if rows:
        set_targets(plan, rows, by=by)

"""Coverage from the kept tallies equals hand sums on a three-level tree; base rules, rounding, order, targets,
and a unit move."""
from decimal import Decimal

import pytest

from ledger.extensions import db
from ledger.learning import tallies
from ledger.learning.coverage.services import coverage, percent_of, targets_for
from ledger.learning.models import Indicator, Plan, Target
from ledger.units.services import get_unit, move_unit

YEAR = 2026


def fig(subjects, assessed, passed, recognized, base, percent):
    return {"subjects": subjects, "assessed": assessed, "passed": passed, "recognized": recognized, "base": base,
            "percent": Decimal(percent)}


EMPTY = fig(0, 0, 0, 0, 0, "0.0")


@pytest.fixture
def season(registry, three_levels):
    """2026: branch 1 of commune 1 has families f1, f2 (recognised), f3 (failed) and a recognised clan; branch 2
    has f4 (recognised) and f5 (passed, not yet recognised); commune 2's branch has f6 (recognised) and the
    commune itself a recognised organisation. 2025 has one recognised family in branch 1 (another year)."""
    (c1, c2), (b1, b2, b3) = three_levels["communes"], three_levels["branches"]
    f1, f2, _f3 = (registry.full(b1, YEAR, passed=passed) for passed in (True, True, False))
    clan = registry.full(b1, YEAR, "clan")
    f4, _f5 = registry.full(b2, YEAR), registry.full(b2, YEAR)
    f6, org = registry.full(b3, YEAR), registry.full(c2, YEAR, "organisation")
    registry.recognize(c1, YEAR, "family", [f1, f2, f4])
    registry.recognize(c1, YEAR, "clan", [clan])
    registry.recognize(c2, YEAR, "family", [f6])
    registry.recognize(c2, YEAR, "organisation", [org])
    old = registry.full(b1, YEAR - 1)
    registry.recognize(c1, YEAR - 1, "family", [old])
    db.session.commit()
    return three_levels


def test_coverage_equals_hand_sums_on_three_levels(season):
    province = season["province"]
    got = coverage(province, YEAR)
    assert got["year"] == YEAR and got["unit"] == "TSL"
    assert got["models"] == {"family": fig(6, 6, 5, 4, 6, "66.7"), "clan": fig(1, 1, 1, 1, 1, "100.0"),
                             "community": EMPTY, "organisation": fig(1, 1, 1, 1, 1, "100.0"), "citizen": EMPTY}
    c1, c2 = got["by_unit"]
    assert (c1["unit"], c2["unit"]) == ("TSL-C1", "TSL-C2")
    assert c1["models"]["family"] == fig(5, 5, 4, 3, 5, "60.0")
    assert c1["models"]["clan"] == fig(1, 1, 1, 1, 1, "100.0")
    assert c1["models"]["organisation"] == EMPTY
    assert c2["models"]["family"] == fig(1, 1, 1, 1, 1, "100.0")
    assert c2["models"]["organisation"] == fig(1, 1, 1, 1, 1, "100.0")
    commune = coverage(season["communes"][0], YEAR)
    assert [row["unit"] for row in commune["by_unit"]] == ["TSL-C1-B1", "TSL-C1-B2"]
    assert commune["by_unit"][0]["models"]["family"] == fig(3, 3, 2, 2, 3, "66.7")
    assert commune["by_unit"][1]["models"]["family"] == fig(2, 2, 2, 1, 2, "50.0")
    assert coverage(province, YEAR - 1)["models"]["family"] == fig(1, 1, 1, 1, 1, "100.0")
    assert coverage(province, YEAR + 1)["models"]["family"] == EMPTY


def test_family_base_is_households_when_recorded(season, registry):
    (c1, c2), (b1, b2, _b3) = season["communes"], season["branches"]
    registry.households(b1, population=20, households=4)
    registry.households(b2, population=15, households=3)
    db.session.commit()
    got = coverage(season["province"], YEAR)
    assert got["models"]["family"]["base"] == 7 and got["models"]["family"]["percent"] == Decimal("57.1")  # 4/7
    assert got["models"]["clan"]["base"] == 1        # other models: always the registered subjects
    c1_row, c2_row = got["by_unit"]
    assert c1_row["models"]["family"]["base"] == 7 and c1_row["models"]["family"]["percent"] == Decimal("42.9")
    assert c2_row["models"]["family"]["base"] == 1   # no households recorded there: registered families
    registry.households(c2, population=40, households=8)  # a commune's own count joins its branches'
    db.session.commit()
    got = coverage(season["province"], YEAR)
    assert got["models"]["family"]["base"] == 15 and got["models"]["family"]["percent"] == Decimal("26.7")
    assert tallies.bases_of([season["province"].id])[season["province"].id] == {"population": 75, "households": 15}
    b2_row = coverage(c1, YEAR)["by_unit"][1]
    assert b2_row["models"]["family"]["base"] == 3 and b2_row["models"]["family"]["percent"] == Decimal("33.3")


@pytest.mark.parametrize(("part", "whole", "expected"), [
    (2, 3, "66.7"), (1, 3, "33.3"), (1, 16, "6.3"), (1, 400, "0.3"), (1, 8, "12.5"), (7, 7, "100.0"),
    (9, 4, "225.0"), (0, 5, "0.0"), (0, 0, "0.0"), (5, 0, "0.0"), (1, 2000, "0.1"), (1, 2001, "0.0"),
])
def test_percent_rounds_half_up_to_one_decimal(part, whole, expected):
    assert percent_of(part, whole) == Decimal(expected)
    assert str(percent_of(part, whole)) == expected


def test_by_unit_is_ordered_by_code_not_by_creation(make_unit, registry):
    parent = make_unit("ORD", level="province")
    for code in ("ORD-Z", "ORD-A", "ORD-M"):
        make_unit(code, level="commune", parent="ORD")
    assert [row["unit"] for row in coverage(parent, YEAR)["by_unit"]] == ["ORD-A", "ORD-M", "ORD-Z"]


def test_moving_a_branch_moves_its_counts(season):
    (_c1, c2), (_b1, b2, _b3) = season["communes"], season["branches"]
    move_unit(b2, "TSL-C2")
    db.session.commit()
    got = coverage(season["province"], YEAR)
    assert got["models"]["family"] == fig(6, 6, 5, 4, 6, "66.7")  # the province keeps both communes
    c1_row, c2_row = got["by_unit"]
    assert c1_row["models"]["family"] == fig(3, 3, 2, 2, 3, "66.7")
    assert c2_row["models"]["family"] == fig(3, 3, 3, 2, 3, "66.7")
    assert [row["unit"] for row in coverage(c2, YEAR)["by_unit"]] == ["TSL-C1-B2", "TSL-C2-B1"]
    assert tallies.verify_counts(get_unit("VN")) == []


def test_targets_from_the_nearest_plan_and_handed_down_targets(season):
    province, (c1, c2), (b1, _b2, _b3) = season["province"], season["communes"], season["branches"]
    plan = Plan(unit_id=province.id, year=YEAR, name="Kế hoạch 2026")
    db.session.add(plan)
    db.session.flush()
    family = Indicator(plan_id=plan.id, position=1, code="gdht", name="Gia đình học tập",
                       measure="learning_percent", target=Decimal("70"), params={"model": "family"})
    clan = Indicator(plan_id=plan.id, position=2, code="dhht", name="Dòng họ học tập",
                     measure="learning_percent", target=Decimal("60"), params={"model": "clan"})
    raised = Indicator(plan_id=plan.id, position=3, code="thu", name="Thu", measure="raised", target=Decimal("1000"))
    db.session.add_all([family, clan, raised])
    db.session.flush()
    db.session.add(Target(indicator_id=family.id, unit_id=c1.id, target=Decimal("80")))
    own = Plan(unit_id=c1.id, year=YEAR, name="Kế hoạch của xã")
    db.session.add(own)
    db.session.flush()
    db.session.add(Indicator(plan_id=own.id, position=1, code="cdht", name="Cộng đồng học tập",
                             measure="learning_percent", target=Decimal("95"), params={"model": "community"}))
    db.session.add(Plan(unit_id=c2.id, year=YEAR - 1, name="Năm trước"))
    db.session.commit()
    assert targets_for(province, YEAR) == {"family": Decimal("70"), "clan": Decimal("60")}
    assert targets_for(c1, YEAR) == {"family": Decimal("80"), "clan": Decimal("60"), "community": Decimal("95")}
    assert targets_for(c2, YEAR) == {"family": Decimal("70"), "clan": Decimal("60")}
    assert targets_for(b1, YEAR) == {"family": Decimal("70"), "clan": Decimal("60"), "community": Decimal("95")}
    assert targets_for(c1, YEAR + 1) == {}

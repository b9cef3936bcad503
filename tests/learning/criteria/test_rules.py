"""Criteria definitions without an app: what a set may hold, and judging with computed criteria."""
import pytest

from ledger.core.errors import ValidationFailed
from ledger.learning.criteria.rules import computed_criteria, judge, validate_definition

CLAN = {"criteria": [{"code": "ty_le", "name": "Một nửa số gia đình là GĐHT",
                      "computed": {"measure": "family_share", "percent": 50}},
                     {"code": "quy", "name": "Có quỹ khuyến học"}],
        "pass_mark": None, "grades": None}
ORG = {"criteria": [{"code": "a", "name": "Điều kiện", "points": 30}, {"code": "b", "name": "Kết quả", "points": 30},
                    {"code": "c", "name": "Hiệu quả", "points": 40}],
       "pass_mark": 50, "grades": [{"name": "Tốt", "min_points": 85}, {"name": "Khá", "min_points": 70},
                                   {"name": "Trung bình", "min_points": 50}]}


def test_a_computed_criterion_shows_its_figure_and_ignores_an_answer():
    judgement = judge(CLAN, {"quy": True, "ty_le": False}, {"ty_le": 62.5})
    assert judgement.is_passed is True and judgement.score is None and judgement.grade is None
    assert judgement.reasons == [
        {"criterion": "ty_le", "met": True, "points": None, "text": "Tỷ lệ gia đình học tập 62,5% (cần ≥ 50%): đạt"},
        {"criterion": "quy", "met": True, "points": None, "text": "Có quỹ khuyến học: đạt"}]


def test_a_computed_criterion_below_its_threshold_fails_the_set():
    judgement = judge(CLAN, {"quy": True}, {"ty_le": 49.9})
    assert judgement.is_passed is False
    assert judgement.reasons[0]["text"] == "Tỷ lệ gia đình học tập 49,9% (cần ≥ 50%): không đạt"


def test_a_computed_figure_not_given_is_not_met():
    judgement = judge(CLAN, {"quy": True})
    assert judgement.is_passed is False
    assert judgement.reasons[0]["text"] == "Tỷ lệ gia đình học tập: chưa có số liệu (cần ≥ 50%): không đạt"


def test_scored_set_with_grades():
    judgement = judge(ORG, {"a": 25, "b": 25, "c": 22})   # 72
    assert (judgement.score, judgement.is_passed, judgement.grade) == (72, True, "Khá")
    assert judge(ORG, {"a": 10, "b": 10, "c": 29}).is_passed is False   # 49


def test_scored_computed_criterion_earns_full_points_when_met():
    definition = {"criteria": [{"code": "x", "name": "X", "points": 40},
                               {"code": "share", "name": "Tỷ lệ", "points": 60,
                                "computed": {"measure": "family_share", "percent": 60}}], "pass_mark": 70}
    assert judge(definition, {"x": 20}, {"share": 60}).score == 80
    assert judge(definition, {"x": 40}, {"share": 59}).score == 40
    assert computed_criteria(definition) == [definition["criteria"][1]]


@pytest.mark.parametrize("definition, field", [
    ({"criteria": [], "pass_mark": None}, "criteria"),
    ({"criteria": [{"code": "a", "name": "A"}, {"code": "a", "name": "B"}], "pass_mark": None}, "criteria"),
    ({"criteria": [{"code": "", "name": "A"}], "pass_mark": None}, "criteria[0].code"),
    ({"criteria": [{"code": "a", "name": "A", "points": 0}], "pass_mark": 1}, "criteria[0].points"),
    ({"criteria": [{"code": "a", "name": "A", "points": 10, "min_points": 11}], "pass_mark": 5},
     "criteria[0].min_points"),
    ({"criteria": [{"code": "a", "name": "A", "points": 10}], "pass_mark": 11}, "pass_mark"),
    ({"criteria": [{"code": "a", "name": "A", "points": 10}], "pass_mark": 5,
      "grades": [{"name": "Khá", "min_points": 5}, {"name": "Tốt", "min_points": 8}]}, "grades"),
    ({"criteria": [{"code": "a", "name": "A", "computed": {"measure": "family_share", "percent": 150}}],
      "pass_mark": None}, "criteria[0].computed"),
    ({"criteria": [{"code": "a", "name": "A", "computed": {"measure": ["x"], "percent": 50}}],
      "pass_mark": None}, "criteria[0].computed"),
    ({"criteria": [{"code": "a", "name": "A", "points": 5}], "pass_mark": None}, "criteria[0].points"),
])
def test_invalid_definitions_name_the_field(definition, field):
    with pytest.raises(ValidationFailed) as info:
        validate_definition(definition)
    assert field in info.value.errors


def test_the_default_shapes_are_valid():
    validate_definition(CLAN)
    validate_definition(ORG)

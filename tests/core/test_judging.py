"""The shared judging core without an app: scored sets pass exactly when the sum reaches the mark and every
minimum is reached, all-of sets exactly when every criterion is met, and any answer dictionary either
judges or is refused with ValidationFailed naming the criterion — never another exception."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.core import judging
from ledger.core.errors import ValidationFailed
from ledger.learning.criteria import rules

CODES = st.text(alphabet="abcdefgh_", min_size=1, max_size=6)


@st.composite
def scored_sets(draw):
    codes = draw(st.lists(CODES, min_size=1, max_size=6, unique=True))
    criteria = []
    for code in codes:
        points = draw(st.integers(1, 40))
        minimum = draw(st.none() | st.integers(0, points))
        criteria.append({"code": code, "name": f"Tiêu chí {code}", "points": points,
                         **({"min_points": minimum} if minimum is not None else {})})
    mark = draw(st.integers(1, sum(c["points"] for c in criteria)))
    return criteria, mark


@st.composite
def scored_with_answers(draw):
    criteria, mark = draw(scored_sets())
    answers = {c["code"]: draw(st.integers(0, c["points"])) for c in criteria}
    return criteria, mark, answers


@given(scored_with_answers())
def test_scored_passes_exactly_when_the_sum_reaches_the_mark_and_every_minimum(case):
    criteria, mark, answers = case
    outcome = judging.judge_scored(criteria, answers, mark)
    hand_sum = 0
    for code in answers:
        hand_sum += answers[code]
    minimums_ok = all(answers[c["code"]] >= c["min_points"] for c in criteria if "min_points" in c)
    assert outcome.score == hand_sum
    assert outcome.passed is (hand_sum >= mark and minimums_ok)
    assert [r.field for r in outcome.reasons] == [c["code"] for c in criteria]
    assert [r.points for r in outcome.reasons] == [answers[c["code"]] for c in criteria]


@given(st.lists(st.tuples(CODES, st.booleans()), min_size=1, max_size=8, unique_by=lambda t: t[0]))
def test_all_of_passes_exactly_when_every_criterion_is_met(pairs):
    criteria = [{"code": code, "name": f"Tiêu chí {code}"} for code, _met in pairs]
    outcome = judging.judge_all_of(criteria, dict(pairs))
    assert outcome.passed is (False not in [met for _code, met in pairs])
    assert outcome.score is None
    assert [(r.field, r.passed) for r in outcome.reasons] == pairs
    assert all(r.text.endswith(": đạt" if r.passed else ": không đạt") for r in outcome.reasons)


ANY_VALUE = st.recursive(st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats() | st.text(max_size=5),
                         lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                                      max_size=3), max_leaves=6)


@given(scored_sets(), st.dictionaries(st.text(alphabet="abcdefgh_", max_size=6), ANY_VALUE, max_size=8) | ANY_VALUE)
def test_scored_never_raises_anything_but_the_validation_error(case, answers):
    criteria, mark = case
    try:
        outcome = judging.judge_scored(criteria, answers, mark)
    except ValidationFailed as exc:
        assert exc.errors and all(key == "answers" or key.startswith("answers.") for key in exc.errors)
    else:  # accepted: every answer was an int in range, never a bool
        assert all(type(answers[c["code"]]) is int and 0 <= answers[c["code"]] <= c["points"] for c in criteria)
        assert 0 <= outcome.score <= sum(c["points"] for c in criteria)


@given(st.lists(CODES, min_size=1, max_size=6, unique=True),
       st.dictionaries(st.text(alphabet="abcdefgh_", max_size=6), ANY_VALUE, max_size=8) | ANY_VALUE,
       st.dictionaries(st.text(max_size=4), ANY_VALUE, max_size=3) | ANY_VALUE)
def test_learning_judge_never_raises_anything_but_the_validation_error(codes, answers, computed):
    definition = {"criteria": [{"code": code, "name": code} for code in codes[1:]]
                  + [{"code": codes[0], "name": "share", "computed": {"measure": "family_share", "percent": 50}}],
                  "pass_mark": None, "grades": None}
    try:
        judgement = rules.judge(definition, answers, computed)
    except ValidationFailed as exc:
        assert set(exc.errors) <= {"answers"} | {f"answers.{code}" for code in codes[1:]}
    else:
        assert all(answers[code] in (True, False) and type(answers[code]) is bool for code in codes[1:])
        assert len(judgement.reasons) == len(codes)


def test_a_missing_and_an_out_of_range_answer_are_named():
    criteria = [{"code": "a", "name": "Đọc sách", "points": 10}, {"code": "b", "name": "Tin học", "points": 10},
                {"code": "c", "name": "Ngoại ngữ", "points": 10}]
    with pytest.raises(ValidationFailed) as info:
        judging.judge_scored(criteria, {"a": 11, "c": True}, 20)
    assert info.value.errors == {"answers.a": ["Tiêu chí “Đọc sách”: điểm phải là số nguyên từ 0 đến 10."],
                                 "answers.b": ["Thiếu câu trả lời cho tiêu chí “Tin học”."],
                                 "answers.c": ["Tiêu chí “Ngoại ngữ”: điểm phải là số nguyên từ 0 đến 10."]}


def test_all_of_refuses_numbers_for_true_and_false():
    with pytest.raises(ValidationFailed) as info:
        judging.judge_all_of([{"code": "quy", "name": "Có quỹ"}], {"quy": 1})
    assert list(info.value.errors) == ["answers.quy"]


@pytest.mark.parametrize("score, expected", [(100, "Tốt"), (85, "Tốt"), (84, "Khá"), (70, "Khá"), (69, "Trung bình"),
                                             (50, "Trung bình"), (49, None), (None, None)])
def test_grade_is_the_highest_band_reached(score, expected):
    bands = [{"name": "Tốt", "min_points": 85}, {"name": "Khá", "min_points": 70},
             {"name": "Trung bình", "min_points": 50}]
    assert judging.grade(score, bands) == expected


def test_scored_reason_texts():
    criterion = {"code": "a", "name": "Tin học", "points": 10, "min_points": 5}
    assert judging.scored_reason(criterion, 4).text == "Tin học: 4/10 điểm (tối thiểu 5): không đạt"
    assert judging.scored_reason({"code": "b", "name": "Đọc", "points": 30}, 25).text == "Đọc: 25/30 điểm: đạt"

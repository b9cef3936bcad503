"""Eligibility rules: operators on every field, validation messages, reasons, scoring, presets."""
import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.core.errors import ValidationFailed
from ledger.scholarships.rules import (
    BOOLEAN_FIELDS,
    DOMAINS,
    FIELD_LABELS,
    LABELS,
    MAX_DEPTH,
    OPERATORS,
    PRESETS,
    Evaluation,
    Reason,
    best_prize_level,
    evaluate,
    in_domain,
    label,
    score,
    validate_rules,
    validate_scoring,
)

STUDENT = {
    "full_name": "Lò Thị Mai", "household_status": "near_poor", "household_certificate": "123/2025",
    "orphan": "one_parent", "disability": False, "ethnic_minority": True, "grade": 9,
    "academic_result": "kha", "conduct": "tot",
    "prizes": [{"level": "district", "rank": "first", "year": 2025}, {"level": "school", "rank": "third"}],
}


def passes(rule: dict, student: dict = STUDENT) -> bool:
    evaluation = evaluate(rule, student)
    assert len(evaluation.reasons) == 1
    return evaluation.eligible


@pytest.mark.parametrize(("field", "op", "value", "expected"), [
    ("household_status", "eq", "near_poor", True),
    ("household_status", "eq", "poor", False),
    ("household_status", "ne", "poor", True),
    ("household_status", "in", ["poor", "near_poor"], True),
    ("household_status", "not_in", ["poor", "near_poor"], False),
    ("household_status", "gte", "near_poor", True),
    ("household_status", "gt", "near_poor", False),
    ("household_status", "lt", "poor", True),
    ("household_status", "lte", "none", False),
    ("orphan", "gte", "one_parent", True),
    ("orphan", "eq", "both_parents", False),
    ("orphan", "gt", "none", True),
    ("orphan", "lt", "one_parent", False),
    ("disability", "eq", False, True),
    ("disability", "eq", True, False),
    ("disability", "ne", True, True),
    ("ethnic_minority", "eq", True, True),
    ("ethnic_minority", "in", [True], True),
    ("ethnic_minority", "not_in", [True], False),
    ("grade", "eq", 9, True),
    ("grade", "lte", 9, True),
    ("grade", "lt", 9, False),
    ("grade", "gt", 8, True),
    ("grade", "gte", 10, False),
    ("grade", "in", [6, 7, 8, 9], True),
    ("grade", "not_in", [10, 11, 12], True),
    ("academic_result", "gte", "kha", True),
    ("academic_result", "gte", "tot", False),
    ("academic_result", "gt", "dat", True),
    ("academic_result", "lt", "tot", True),
    ("academic_result", "lte", "dat", False),
    ("conduct", "eq", "tot", True),
    ("conduct", "ne", "tot", False),
    ("best_prize_level", "eq", "district", True),
    ("best_prize_level", "gte", "province", False),
    ("best_prize_level", "gt", "school", True),
    ("best_prize_level", "lt", "province", True),
    ("best_prize_level", "in", ["national", "international"], False),
])
def test_operator_on_field(field, op, value, expected):
    assert passes({"field": field, op: value}) is expected


@pytest.mark.parametrize(("rules", "expected"), [
    ({"all": [{"field": "grade", "eq": 9}, {"field": "conduct", "eq": "tot"}]}, True),
    ({"all": [{"field": "grade", "eq": 9}, {"field": "conduct", "eq": "kha"}]}, False),
    ({"any": [{"field": "grade", "eq": 1}, {"field": "conduct", "eq": "tot"}]}, True),
    ({"any": [{"field": "grade", "eq": 1}, {"field": "conduct", "eq": "kha"}]}, False),
    ({"not": {"field": "grade", "eq": 9}}, False),
    ({"not": {"any": [{"field": "grade", "eq": 1}, {"field": "conduct", "eq": "kha"}]}}, True),
])
def test_combinators(rules, expected):
    assert evaluate(rules, STUDENT).eligible is expected


def test_every_leaf_gives_a_reason_even_after_the_outcome_is_known():
    rules = {"all": [{"field": "grade", "eq": 1}, {"field": "conduct", "eq": "tot"},
                     {"any": [{"field": "disability", "eq": False}, {"field": "orphan", "eq": "none"}]}]}
    evaluation = evaluate(rules, STUDENT)
    assert evaluation == Evaluation(False, evaluation.reasons)
    assert [(r.field, r.passed) for r in evaluation.reasons] == [
        ("grade", False), ("conduct", True), ("disability", True), ("orphan", False)]


@pytest.mark.parametrize(("rule", "text"), [
    ({"field": "household_status", "in": ["poor", "near_poor"]},
     "Hộ cận nghèo (GCN 123/2025; yêu cầu thuộc hộ nghèo, hộ cận nghèo): đạt"),
    ({"field": "academic_result", "gte": "tot"}, "Kết quả học tập Khá (yêu cầu từ Tốt): không đạt"),
    ({"field": "grade", "in": [6, 7, 8, 9]}, "Lớp 9 (yêu cầu thuộc 6, 7, 8, 9): đạt"),
    ({"field": "grade", "lte": 9}, "Lớp 9 (yêu cầu 9 trở xuống): đạt"),
    ({"field": "orphan", "eq": "both_parents"}, "Mồ côi cha hoặc mẹ (yêu cầu mồ côi cả cha lẫn mẹ): không đạt"),
    ({"field": "disability", "eq": True}, "Không khuyết tật (yêu cầu khuyết tật): không đạt"),
    ({"field": "ethnic_minority", "ne": False}, "Dân tộc thiểu số (yêu cầu dân tộc thiểu số): đạt"),
    ({"field": "conduct", "gt": "kha"}, "Kết quả rèn luyện Tốt (yêu cầu trên Khá): đạt"),
    ({"field": "best_prize_level", "lt": "district"},
     "Giải cao nhất: giải cấp huyện (yêu cầu dưới giải cấp huyện): không đạt"),
])
def test_reason_text_names_the_value_and_the_verdict(rule, text):
    assert evaluate(rule, STUDENT).reasons == (Reason(rule["field"], text.endswith(": đạt"), text),)


def test_household_text_without_certificate():
    student = {**STUDENT, "household_status": "poor", "household_certificate": None}
    [reason] = evaluate({"field": "household_status", "eq": "poor"}, student).reasons
    assert reason.text == "Hộ nghèo (yêu cầu hộ nghèo): đạt"


@pytest.mark.parametrize(("field", "bad"), [
    ("household_status", None), ("household_status", "rich"), ("orphan", 1), ("disability", "yes"),
    ("disability", 0), ("grade", True), ("grade", "9"), ("grade", 13), ("grade", 9.0),
    ("academic_result", "Khá"), ("conduct", ["tot"]), ("best_prize_level", {"level": "national"}),
])
def test_malformed_student_value_fails_with_a_reason(field, bad):
    rule = {"field": field, "ne" if field not in BOOLEAN_FIELDS else "eq": DOMAINS[field][0]}
    [reason] = evaluate(rule, {**STUDENT, field: bad}).reasons
    assert reason == Reason(field, False, f"{FIELD_LABELS[field]} không có dữ liệu: không đạt")


def test_missing_student_value_fails():
    evaluation = evaluate({"field": "conduct", "gte": "dat"}, {})
    assert evaluation == Evaluation(False, (Reason("conduct", False, "Kết quả rèn luyện không có dữ liệu: không đạt"),))


def test_best_prize_level_comes_from_prizes_when_not_given():
    assert passes({"field": "best_prize_level", "eq": "none"}, {**STUDENT, "prizes": []})
    assert passes({"field": "best_prize_level", "eq": "national"}, {**STUDENT, "best_prize_level": "national"})


@pytest.mark.parametrize(("prizes", "level"), [
    ([], "none"),
    ([{"level": "school", "rank": "first"}], "school"),
    ([{"level": "province", "rank": "consolation"}, {"level": "national", "rank": "third"},
      {"level": "district", "rank": "first"}], "national"),
    ([{"level": "international"}, {"level": "school"}], "international"),
    ([{"level": "galaxy"}, "junk", None, {"rank": "first"}], "none"),
    (None, "none"),
    ("national", "none"),
])
def test_best_prize_level(prizes, level):
    assert best_prize_level(prizes) == level


def problems_of(rules) -> list[str]:
    with pytest.raises(ValidationFailed) as info:
        validate_rules(rules)
    assert info.value.field == "rules"
    return info.value.errors["rules"]


@pytest.mark.parametrize(("rules", "message"), [
    ({"all": [{"field": "grade", "eq": 9}, {"field": "gpa", "gte": 8}]}, "all[1].field: trường 'gpa' không tồn tại"),
    ({"field": "grade", "between": [1, 5]}, "between: toán tử 'between' không tồn tại"),
    ({"field": "grade"}, "rules: thiếu toán tử"),
    ({"eq": 9}, "rules: thiếu 'field'"),
    ({"field": "grade", "gt": 1, "lt": 5}, "rules: chỉ được dùng một toán tử, đang có: gt, lt"),
    ({"field": "household_status", "eq": "rich"}, "eq: giá trị 'rich' không thuộc trường 'household_status'"),
    ({"field": "academic_result", "gte": 3}, "gte: giá trị phải là chuỗi"),
    ({"field": "grade", "eq": 13}, "eq: giá trị '13' không thuộc trường 'grade'"),
    ({"field": "grade", "eq": "9"}, "eq: lớp phải là số nguyên từ 1 đến 12"),
    ({"field": "grade", "eq": True}, "eq: lớp phải là số nguyên từ 1 đến 12"),
    ({"field": "disability", "eq": "true"}, "eq: giá trị phải là true hoặc false"),
    ({"field": "disability", "gte": True}, "gte: không so sánh lớn/nhỏ với trường đúng/sai 'disability'"),
    ({"field": "grade", "in": 9}, "in: phải là một danh sách giá trị"),
    ({"field": "grade", "not_in": []}, "not_in: danh sách giá trị không được rỗng"),
    ({"field": "orphan", "in": ["none", "half"]}, "in[1]: giá trị 'half' không thuộc trường 'orphan'"),
    ({"all": []}, "all: danh sách điều kiện không được rỗng"),
    ({"any": {"field": "grade", "eq": 1}}, "any: phải là một danh sách điều kiện"),
    ({"all": [{"field": "grade", "eq": 1}], "any": []}, "rules: quy tắc ghép chỉ có đúng một khóa"),
    ({"not": [{"field": "grade", "eq": 1}]}, "not: mỗi quy tắc phải là một đối tượng JSON"),
    ([{"field": "grade", "eq": 1}], "rules: mỗi quy tắc phải là một đối tượng JSON"),
    (None, "rules: mỗi quy tắc phải là một đối tượng JSON"),
])
def test_validation_messages(rules, message):
    assert any(problem.startswith(message) for problem in problems_of(rules)), problems_of(rules)


def test_validation_lists_every_problem_with_its_path():
    rules = {"all": [{"field": "gpa", "eq": 1}, {"any": [{"field": "conduct", "eq": "xuat_sac", "foo": 1}]},
                     {"not": {"field": "ethnic_minority", "lt": False}}]}
    assert [p.split(":")[0] for p in problems_of(rules)] == [
        "all[0].field", "all[1].any[0].foo", "all[1].any[0].eq", "all[2].not.lt"]


def nested(depth: int) -> dict:
    rules = {"field": "grade", "eq": 1}
    for _ in range(depth):
        rules = {"not": rules}
    return rules


def test_nesting_up_to_the_limit_is_fine_and_beyond_is_refused():
    validate_rules(nested(MAX_DEPTH))
    assert problems_of(nested(MAX_DEPTH + 1))[0].endswith("lồng quá 10 cấp")
    assert len(problems_of(nested(1000))) == 1


def test_evaluate_refuses_invalid_rules():
    with pytest.raises(ValidationFailed):
        evaluate({"field": "gpa", "gte": 8}, STUDENT)


@pytest.mark.parametrize("scoring", [
    {}, {"household_status": {"poor": 30, "near_poor": 20}}, {"disability": {"true": 10, "false": 0}},
    {"grade": {"1": 5, "12": 1}}, {"best_prize_level": {"international": 100}},
])
def test_valid_scoring(scoring):
    validate_scoring(scoring)


@pytest.mark.parametrize(("scoring", "message"), [
    ({"gpa": {"9": 1}}, "gpa: trường 'gpa' không tồn tại"),
    ({"orphan": ["one_parent"]}, "orphan: phải là một đối tượng {giá trị: điểm}"),
    ({"orphan": {"half": 5}}, "orphan.half: giá trị 'half' không thuộc trường 'orphan'"),
    ({"disability": {"True": 5}}, "disability.True: giá trị 'True' không thuộc trường 'disability'"),
    ({"grade": {"13": 5}}, "grade.13: giá trị '13' không thuộc trường 'grade'"),
    ({"conduct": {"tot": -1}}, "conduct.tot: điểm phải là số nguyên không âm"),
    ({"conduct": {"tot": 1.5}}, "conduct.tot: điểm phải là số nguyên không âm"),
    ({"conduct": {"tot": True}}, "conduct.tot: điểm phải là số nguyên không âm"),
    ([("conduct", {"tot": 1})], "scoring: phải là một đối tượng"),
])
def test_scoring_validation_messages(scoring, message):
    with pytest.raises(ValidationFailed) as info:
        validate_scoring(scoring)
    assert any(problem.startswith(message) for problem in info.value.errors["scoring"])


def test_score_sums_points_and_ignores_missing_data():
    scoring = {"household_status": {"poor": 30, "near_poor": 20}, "orphan": {"one_parent": 15},
               "ethnic_minority": {"true": 10}, "disability": {"true": 15}, "grade": {"9": 3},
               "best_prize_level": {"district": 7}, "conduct": {"kha": 100}}
    assert score(scoring, STUDENT) == 20 + 15 + 10 + 3 + 7
    assert score(scoring, {"grade": "9", "disability": True}) == 15
    assert score({}, STUDENT) == 0


def test_labels_cover_every_value_of_every_field():
    assert set(LABELS) == set(DOMAINS) == set(FIELD_LABELS)
    for field, values in DOMAINS.items():
        assert list(LABELS[field]) == list(values)
        assert all(label(field, value).strip() for value in values)


@pytest.mark.parametrize("code", ["ngheo_vuot_kho", "hoc_sinh_gioi", "con_nuoi", "hoc_khong_bao_gio_cung"])
def test_presets_are_valid_and_complete(code):
    preset = PRESETS[code]
    assert set(preset) == {"name", "rules", "scoring", "description"}
    assert str(preset["name"]) and str(preset["description"])
    validate_rules(preset["rules"])
    validate_scoring(preset["scoring"])


@pytest.mark.parametrize(("code", "changes", "eligible"), [
    ("ngheo_vuot_kho", {}, True),
    ("ngheo_vuot_kho", {"household_status": "none"}, False),
    ("ngheo_vuot_kho", {"conduct": "dat"}, False),
    ("hoc_sinh_gioi", {}, False),
    ("hoc_sinh_gioi", {"academic_result": "tot"}, True),
    ("hoc_sinh_gioi", {"prizes": [{"level": "province", "rank": "consolation"}]}, True),
    ("con_nuoi", {}, False),
    ("con_nuoi", {"orphan": "both_parents"}, True),
    ("con_nuoi", {"orphan": "both_parents", "grade": 10}, False),
    ("hoc_khong_bao_gio_cung", {}, True),
    ("hoc_khong_bao_gio_cung", {"household_status": "none", "orphan": "none"}, False),
    ("hoc_khong_bao_gio_cung", {"household_status": "none", "orphan": "none", "disability": True}, True),
])
def test_presets_select_the_intended_students(code, changes, eligible):
    assert evaluate(PRESETS[code]["rules"], {**STUDENT, **changes}).eligible is eligible


def test_presets_favour_the_poorest_in_ngheo_vuot_kho():
    scoring = PRESETS["ngheo_vuot_kho"]["scoring"]
    assert score(scoring, {**STUDENT, "household_status": "poor"}) > score(scoring, STUDENT)


# --- property: any valid rule tree over any garbage student never raises and explains itself ---

def _nested(inner):
    return st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3))


JUNK = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 20) | st.floats(allow_nan=True) | st.text(max_size=5),
    _nested, max_leaves=5)


def _values(field: str):
    return st.sampled_from(DOMAINS[field])


def _leaf(field: str):
    ops = [op for op in OPERATORS if not (field in BOOLEAN_FIELDS and op in ("gt", "gte", "lt", "lte"))]
    return st.sampled_from(ops).flatmap(lambda op: (
        st.lists(_values(field), min_size=1, max_size=4) if op in ("in", "not_in") else _values(field)
    ).map(lambda value: {"field": field, op: value}))


LEAVES = st.one_of([_leaf(field) for field in DOMAINS])


def _trees(depth: int):
    if depth == 0:
        return LEAVES
    child = _trees(depth - 1)
    return st.one_of(
        LEAVES,
        st.lists(child, min_size=1, max_size=3).map(lambda items: {"all": items}),
        st.lists(child, min_size=1, max_size=3).map(lambda items: {"any": items}),
        child.map(lambda item: {"not": item}))


STUDENTS = st.fixed_dictionaries({}, optional={
    **{field: _values(field) | JUNK for field in DOMAINS},
    "household_certificate": st.text(max_size=10) | JUNK,
    "prizes": st.lists(st.fixed_dictionaries({"level": _values("best_prize_level") | JUNK}) | JUNK, max_size=3)
    | JUNK,
    "note": JUNK,
})


def recompute(node: dict, passed: list[bool]) -> bool:
    """Independent truth of the tree, consuming one leaf verdict per condition in order."""
    if "not" in node:
        return not recompute(node["not"], passed)
    if "all" in node:
        return all([recompute(child, passed) for child in node["all"]])
    if "any" in node:
        return any([recompute(child, passed) for child in node["any"]])
    return passed.pop(0)


def leaf_fields(node: dict) -> list[str]:
    if "not" in node:
        return leaf_fields(node["not"])
    children = node.get("all") or node.get("any")
    return [f for child in children for f in leaf_fields(child)] if children else [node["field"]]


@settings(max_examples=3 * settings.default.max_examples)  # 300 in the ci profile
@given(rules=_trees(MAX_DEPTH - 6), student=STUDENTS)
def test_evaluate_is_total_and_explains_every_condition(rules, student):
    before = copy.deepcopy(student)
    validate_rules(rules)
    evaluation = evaluate(rules, student)
    assert [reason.field for reason in evaluation.reasons] == leaf_fields(rules)
    assert all(reason.text.endswith((": đạt", ": không đạt")) for reason in evaluation.reasons)
    assert all(reason.passed == reason.text.endswith(": đạt") for reason in evaluation.reasons)
    verdicts = [reason.passed for reason in evaluation.reasons]
    assert evaluation.eligible == recompute(rules, verdicts)
    assert verdicts == []
    assert student == before  # evaluation never mutates its input


@given(student=STUDENTS)
def test_score_is_total_and_never_negative(student):
    for preset in PRESETS.values():
        assert score(preset["scoring"], student) >= 0


@given(field=st.sampled_from(sorted(DOMAINS)), value=JUNK)
def test_in_domain_agrees_with_the_domain(field, value):
    if in_domain(field, value):
        assert value in DOMAINS[field] and type(value) is type(DOMAINS[field][0])

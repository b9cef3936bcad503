"""Scholarship eligibility and scoring: a small JSON rule language, validated and explained.

Pure: evaluate() checks every condition and says why in Vietnamese, for committee and family alike.
"""
import operator
from collections.abc import Mapping
from dataclasses import dataclass

from ledger.core.errors import ValidationFailed
from ledger.core.i18n import _, _l

_RESULTS = ("chua_dat", "dat", "kha", "tot")

# Every field's values, lowest first: ordering operators compare positions in these tuples.
DOMAINS: dict[str, tuple] = {
    "household_status": ("none", "near_poor", "poor"),
    "orphan": ("none", "one_parent", "both_parents"),
    "disability": (False, True),
    "ethnic_minority": (False, True),
    "grade": tuple(range(1, 13)),
    "academic_result": _RESULTS,
    "conduct": _RESULTS,
    "best_prize_level": ("none", "school", "district", "province", "national", "international"),
}
BOOLEAN_FIELDS = frozenset({"disability", "ethnic_minority"})
OPERATORS = ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte")
_ORDERING = frozenset({"gt", "gte", "lt", "lte"})
_COMPARE = {"eq": operator.eq, "ne": operator.ne, "gt": operator.gt, "gte": operator.ge,
            "lt": operator.lt, "lte": operator.le}
_LISTS = frozenset({"in", "not_in"})
MAX_DEPTH = 10

_RESULT_LABELS = {"chua_dat": _l("Chưa đạt"), "dat": _l("Đạt"), "kha": _l("Khá"), "tot": _l("Tốt")}
LABELS: dict[str, dict] = {
    "household_status": {"none": _l("không thuộc hộ nghèo/cận nghèo"),
                         "near_poor": _l("hộ cận nghèo"), "poor": _l("hộ nghèo")},
    "orphan": {"none": _l("không mồ côi"), "one_parent": _l("mồ côi cha hoặc mẹ"),
               "both_parents": _l("mồ côi cả cha lẫn mẹ")},
    "disability": {False: _l("không khuyết tật"), True: _l("khuyết tật")},
    "ethnic_minority": {False: _l("không phải dân tộc thiểu số"), True: _l("dân tộc thiểu số")},
    "grade": {grade: str(grade) for grade in DOMAINS["grade"]},
    "academic_result": _RESULT_LABELS,
    "conduct": _RESULT_LABELS,
    "best_prize_level": {"none": _l("không có giải"), "school": _l("giải cấp trường"),
                         "district": _l("giải cấp huyện"), "province": _l("giải cấp tỉnh"),
                         "national": _l("giải cấp quốc gia"), "international": _l("giải cấp quốc tế")},
}
FIELD_LABELS = {
    "household_status": _l("Hoàn cảnh gia đình"), "orphan": _l("Tình trạng mồ côi"),
    "disability": _l("Tình trạng khuyết tật"), "ethnic_minority": _l("Dân tộc"), "grade": _l("Lớp"),
    "academic_result": _l("Kết quả học tập"), "conduct": _l("Kết quả rèn luyện"),
    "best_prize_level": _l("Giải học sinh giỏi cao nhất"),
}
PRIZE_RANK_LABELS = {"first": _l("giải Nhất"), "second": _l("giải Nhì"), "third": _l("giải Ba"),
                     "consolation": _l("giải Khuyến khích")}
# How a student's own value is introduced; fields not listed show the bare label.
_SUBJECTS = {"grade": _l("Lớp %(value)s"), "academic_result": _l("Kết quả học tập %(value)s"),
             "conduct": _l("Kết quả rèn luyện %(value)s"), "best_prize_level": _l("Giải cao nhất: %(value)s")}
_REQUIREMENTS = {
    "eq": _l("yêu cầu %(value)s"), "ne": _l("yêu cầu khác %(value)s"),
    "in": _l("yêu cầu thuộc %(value)s"), "not_in": _l("yêu cầu không thuộc %(value)s"),
    "gt": _l("yêu cầu trên %(value)s"), "gte": _l("yêu cầu từ %(value)s"),
    "lt": _l("yêu cầu dưới %(value)s"), "lte": _l("yêu cầu %(value)s trở xuống"),
}
_MISSING = object()


@dataclass(frozen=True)
class Reason:
    field: str
    passed: bool
    text: str


@dataclass(frozen=True)
class Evaluation:
    eligible: bool
    reasons: tuple[Reason, ...]


def in_domain(field: str, value) -> bool:
    """True if value is one of the field's values, with the right type (True is not grade 1)."""
    if field in BOOLEAN_FIELDS:
        return type(value) is bool
    if field == "grade":
        return type(value) is int and value in DOMAINS["grade"]
    return isinstance(value, str) and value in DOMAINS[field]


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _choices(field: str) -> str:
    return ", ".join(_score_key(value) for value in DOMAINS[field])


def _scalar_problems(field: str, value, path: str) -> list[str]:
    if in_domain(field, value):
        return []
    if field in BOOLEAN_FIELDS:
        return [_("%(path)s: giá trị phải là true hoặc false", path=path)]
    if field == "grade" and type(value) is not int:
        return [_("%(path)s: lớp phải là số nguyên từ 1 đến 12", path=path)]
    if field != "grade" and not isinstance(value, str):
        return [_("%(path)s: giá trị phải là chuỗi, một trong: %(choices)s", path=path, choices=_choices(field))]
    return [_("%(path)s: giá trị '%(value)s' không thuộc trường '%(field)s' (một trong: %(choices)s)",
              path=path, value=value, field=field, choices=_choices(field))]


def _value_problems(field: str, op: str, value, path: str) -> list[str]:
    if op in _ORDERING and field in BOOLEAN_FIELDS:
        return [_("%(path)s: không so sánh lớn/nhỏ với trường đúng/sai '%(field)s'", path=path, field=field)]
    if op not in _LISTS:
        return _scalar_problems(field, value, path)
    if not isinstance(value, list):
        return [_("%(path)s: phải là một danh sách giá trị", path=path)]
    if not value:
        return [_("%(path)s: danh sách giá trị không được rỗng", path=path)]
    return [p for i, item in enumerate(value) for p in _scalar_problems(field, item, f"{path}[{i}]")]


def _condition_problems(node: Mapping, path: str) -> list[str]:
    field, where = node.get("field"), path or "rules"
    ops = [key for key in node if key != "field"]
    known = [key for key in ops if key in OPERATORS]
    problems = [_("%(path)s: toán tử '%(op)s' không tồn tại", path=_join(path, str(key)), op=key)
                for key in ops if key not in OPERATORS]
    if "field" not in node:
        problems.append(_("%(path)s: thiếu 'field' (hoặc 'all', 'any', 'not')", path=where))
    elif not isinstance(field, str) or field not in DOMAINS:
        problems.append(_("%(path)s: trường '%(field)s' không tồn tại", path=_join(path, "field"), field=field))
    elif len(known) == 1:
        problems += _value_problems(field, known[0], node[known[0]], _join(path, known[0]))
    if not ops:
        problems.append(_("%(path)s: thiếu toán tử (một trong: %(ops)s)", path=where, ops=", ".join(OPERATORS)))
    elif len(known) > 1:
        problems.append(_("%(path)s: chỉ được dùng một toán tử, đang có: %(ops)s", path=where, ops=", ".join(known)))
    return problems


def _node_problems(node, path: str, depth: int) -> list[str]:
    where = path or "rules"
    if not isinstance(node, Mapping):
        return [_("%(path)s: mỗi quy tắc phải là một đối tượng JSON", path=where)]
    combinators = [key for key in ("all", "any", "not") if key in node]
    if not combinators:
        return _condition_problems(node, path)
    if len(node) != 1:
        return [_("%(path)s: quy tắc ghép chỉ có đúng một khóa 'all', 'any' hoặc 'not'", path=where)]
    if depth >= MAX_DEPTH:
        return [_("%(path)s: lồng quá %(max)s cấp", path=where, max=MAX_DEPTH)]
    key = combinators[0]
    inner = _join(path, key)
    if key == "not":
        return _node_problems(node["not"], inner, depth + 1)
    children = node[key]
    if not isinstance(children, list):
        return [_("%(path)s: phải là một danh sách điều kiện", path=inner)]
    if not children:
        return [_("%(path)s: danh sách điều kiện không được rỗng", path=inner)]
    return [p for i, child in enumerate(children) for p in _node_problems(child, f"{inner}[{i}]", depth + 1)]


def validate_rules(rules) -> None:
    """Raise ValidationFailed listing every problem of the rule tree, each with its path."""
    problems = _node_problems(rules, "", 0)
    if problems:
        raise ValidationFailed(_("Điều kiện xét chọn không hợp lệ."), field="rules", errors={"rules": problems})


def _score_key(value) -> str:
    """How a value is written as a JSON object key: booleans "true"/"false", grades "9"."""
    return ("true" if value else "false") if type(value) is bool else str(value)


def _scoring_problems(scoring) -> list[str]:
    if not isinstance(scoring, Mapping):
        return [_("scoring: phải là một đối tượng {trường: {giá trị: điểm}}")]
    problems = []
    for field, table in scoring.items():
        if not isinstance(field, str) or field not in DOMAINS:
            problems.append(_("%(path)s: trường '%(field)s' không tồn tại", path=field, field=field))
        elif not isinstance(table, Mapping):
            problems.append(_("%(path)s: phải là một đối tượng {giá trị: điểm}", path=field))
        else:
            problems += _table_problems(field, table)
    return problems


def _table_problems(field: str, table: Mapping) -> list[str]:
    keys = {_score_key(value) for value in DOMAINS[field]}
    problems = []
    for key, points in table.items():
        path = f"{field}.{key}"
        if key not in keys:
            problems.append(_("%(path)s: giá trị '%(value)s' không thuộc trường '%(field)s' (một trong: %(choices)s)",
                              path=path, value=key, field=field, choices=_choices(field)))
        if type(points) is not int or points < 0:
            problems.append(_("%(path)s: điểm phải là số nguyên không âm", path=path))
    return problems


def validate_scoring(scoring) -> None:
    """Raise ValidationFailed listing every problem of a {field: {value: points}} table."""
    problems = _scoring_problems(scoring)
    if problems:
        raise ValidationFailed(_("Cách tính điểm không hợp lệ."), field="scoring", errors={"scoring": problems})


def best_prize_level(prizes) -> str:
    """Highest level among [{level, rank, ...}]; "none" without a recognisable prize."""
    order = DOMAINS["best_prize_level"]
    prizes = prizes if isinstance(prizes, list | tuple) else ()
    levels = [prize.get("level") for prize in prizes if isinstance(prize, Mapping)]
    return order[max((order.index(level) for level in levels if in_domain("best_prize_level", level)), default=0)]


def _student_value(student, field: str):
    """The student's value for field, or _MISSING when absent or malformed."""
    if not isinstance(student, Mapping):
        return _MISSING
    value = student.get(field, _MISSING)
    if field == "best_prize_level" and value is _MISSING and "prizes" in student:
        value = best_prize_level(student["prizes"])
    return value if in_domain(field, value) else _MISSING


def _holds(field: str, op: str, actual, expected) -> bool:
    if op in _LISTS:
        return (actual in expected) == (op == "in")
    position = DOMAINS[field].index  # values are unique, so eq/ne on positions is eq/ne on values
    return _COMPARE[op](position(actual), position(expected))


def label(field: str, value) -> str:
    """The Vietnamese label of one value, as pages and reasons show it."""
    return str(LABELS[field][value])


def _requirement(field: str, op: str, expected) -> str:
    values = expected if op in _LISTS else [expected]
    return str(_REQUIREMENTS[op]) % {"value": ", ".join(label(field, value) for value in values)}


def _subject(field: str, value) -> str:
    text = str(_SUBJECTS.get(field, "%(value)s")) % {"value": label(field, value)}
    return text[0].upper() + text[1:]


def _certificate(field: str, value, student: Mapping) -> list[str]:
    number = student.get("household_certificate")
    shown = field == "household_status" and value != "none" and isinstance(number, str) and number.strip()
    return [_("GCN %(number)s", number=number.strip())] if shown else []


def _leaf_reason(node: Mapping, student) -> Reason:
    field = node["field"]
    op = next(key for key in node if key != "field")
    actual = _student_value(student, field)
    if actual is _MISSING:
        return Reason(field, False, _("%(field)s không có dữ liệu: %(verdict)s",
                                      field=FIELD_LABELS[field], verdict=_("không đạt")))
    passed = _holds(field, op, actual, node[op])
    details = "; ".join([*_certificate(field, actual, student), _requirement(field, op, node[op])])
    return Reason(field, passed, _("%(subject)s (%(details)s): %(verdict)s",
                                   subject=_subject(field, actual), details=details,
                                   verdict=_("đạt") if passed else _("không đạt")))


def _evaluate(node: Mapping, student, reasons: list[Reason]) -> bool:
    if "not" in node:
        return not _evaluate(node["not"], student, reasons)
    if "all" in node or "any" in node:
        combine, children = (all, node["all"]) if "all" in node else (any, node["any"])
        # A list, not a generator: every leaf is checked so every condition yields a reason.
        return combine([_evaluate(child, student, reasons) for child in children])
    reasons.append(_leaf_reason(node, student))
    return reasons[-1].passed


def evaluate(rules, student: Mapping) -> Evaluation:
    """Check a student against validated rules: one Reason per condition, in rule order.

    Missing or malformed student data fails its condition (so a `not` above it passes).
    """
    validate_rules(rules)
    reasons: list[Reason] = []
    eligible = _evaluate(rules, student, reasons)
    return Evaluation(eligible, tuple(reasons))


def score(scoring, student: Mapping) -> int:
    """Sum of the points the student's values earn; missing data earns nothing."""
    validate_scoring(scoring)
    values = {field: _student_value(student, field) for field in scoring}
    return sum(table.get(_score_key(values[field]), 0)
               for field, table in scoring.items() if values[field] is not _MISSING)


def _rule(field: str, op: str, value) -> dict:
    return {"field": field, op: value}


# Functions, not constants: presets share no nested object, so editing one never changes another.
def _poor() -> dict:
    return _rule("household_status", "in", ["poor", "near_poor"])


def _hardship_points() -> dict:
    return {"household_status": {"poor": 30, "near_poor": 20}, "orphan": {"one_parent": 15, "both_parents": 30},
            "disability": {"true": 15}, "ethnic_minority": {"true": 10}}


# Ready-made programs a committee copies (copy.deepcopy) and adjusts before saving.
PRESETS = {
    "ngheo_vuot_kho": {
        "name": _l("Học sinh nghèo vượt khó"),
        "description": _l("Học sinh thuộc hộ nghèo hoặc cận nghèo, kết quả học tập và rèn luyện từ Khá; "
                          "ưu tiên hộ nghèo, mồ côi, khuyết tật, dân tộc thiểu số và học lực Tốt."),
        "rules": {"all": [_poor(), _rule("academic_result", "gte", "kha"), _rule("conduct", "gte", "kha")]},
        "scoring": {**_hardship_points(), "academic_result": {"tot": 20, "kha": 10}, "conduct": {"tot": 5}},
    },
    "hoc_sinh_gioi": {
        "name": _l("Học sinh giỏi"),
        "description": _l("Học sinh đạt giải học sinh giỏi từ cấp tỉnh trở lên, hoặc học lực Tốt "
                          "và có giải cấp huyện; điểm theo cấp giải cao nhất."),
        "rules": {"any": [_rule("best_prize_level", "gte", "province"),
                          {"all": [_rule("academic_result", "eq", "tot"),
                                   _rule("best_prize_level", "gte", "district")]}]},
        "scoring": {"best_prize_level": {"district": 10, "province": 20, "national": 40, "international": 60},
                    "academic_result": {"tot": 10}, "household_status": {"poor": 10, "near_poor": 5}},
    },
    "con_nuoi": {
        "name": _l("Con nuôi khuyến học"),
        "description": _l("Nhận đỡ đầu nhiều năm cho trẻ thuộc hộ nghèo hoặc mồ côi cả cha lẫn mẹ, "
                          "từ lớp 9 trở xuống, kết quả học tập từ Đạt."),
        "rules": {"all": [{"any": [_rule("household_status", "eq", "poor"),
                                   _rule("orphan", "eq", "both_parents")]},
                          _rule("grade", "lte", 9), _rule("academic_result", "gte", "dat")]},
        "scoring": {**_hardship_points(), "academic_result": {"tot": 10, "kha": 5}},
    },
    "hoc_khong_bao_gio_cung": {
        "name": _l("Học không bao giờ cùng"),
        "description": _l("Khích lệ học sinh có hoàn cảnh đặc biệt khó khăn (hộ nghèo, cận nghèo, mồ côi, "
                          "khuyết tật) vẫn bền bỉ đến trường: học tập từ Đạt, rèn luyện từ Khá."),
        "rules": {"all": [{"any": [_poor(), _rule("orphan", "ne", "none"), _rule("disability", "eq", True)]},
                          _rule("academic_result", "gte", "dat"), _rule("conduct", "gte", "kha")]},
        "scoring": {**_hardship_points(), "academic_result": {"tot": 15, "kha": 10, "dat": 5}},
    },
}


_COMBINATOR_TEXT = {"all": _l("Đạt tất cả các điều kiện sau:"), "any": _l("Đạt ít nhất một trong các điều kiện sau:"),
                    "not": _l("Không thuộc trường hợp sau:")}


def describe_rules(rules, depth: int = 0) -> list[tuple[int, str]]:
    """Validated rules as indented Vietnamese lines, for the decision and the rule editor."""
    if depth == 0:
        validate_rules(rules)
    key = next((k for k in ("all", "any", "not") if k in rules), None)
    if key is None:
        op = next(k for k in rules if k != "field")
        return [(depth, f"{FIELD_LABELS[rules['field']]}: {_requirement(rules['field'], op, rules[op])}")]
    children = [rules["not"]] if key == "not" else rules[key]
    return [(depth, str(_COMBINATOR_TEXT[key]))] + [line for child in children
                                                    for line in describe_rules(child, depth + 1)]


def describe_scoring(scoring) -> list[str]:
    """One line per scored field: "Hoàn cảnh gia đình: hộ nghèo 30 điểm; hộ cận nghèo 20 điểm"."""
    validate_scoring(scoring)
    lines = []
    for field, table in scoring.items():
        values = {_score_key(value): value for value in DOMAINS[field]}
        parts = [_("%(value)s %(points)s điểm", value=label(field, values[key]), points=points)
                 for key, points in table.items()]
        lines.append(f"{FIELD_LABELS[field]}: {'; '.join(parts)}")
    return lines

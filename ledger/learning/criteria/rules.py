"""Criteria sets as data, pure: checking a set's definition and judging a subject's answers against it.

A definition is {"criteria": [{code, name, points?, min_points?, computed?}], "pass_mark": int|None,
"grades": [{name, min_points}]|None}: scored when pass_mark is set, else all-of. A computed criterion
({"measure": "family_share", "percent": 50}) is never asked: the caller passes its figure in `computed`.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ledger.core import judging
from ledger.core.errors import ValidationFailed
from ledger.core.i18n import _, _l

MEASURES = {"family_share": _l("Tỷ lệ gia đình học tập")}
MAX_POINTS = 1000
MAX_CRITERIA = 60


@dataclass(frozen=True)
class Judgement:
    score: int | None
    is_passed: bool
    grade: str | None
    reasons: list[dict]


def computed_criteria(definition: Mapping) -> list[dict]:
    """The criteria the registry computes (each with its `computed` {measure, percent}), in set order."""
    return [criterion for criterion in definition["criteria"] if criterion.get("computed")]


def is_scored(definition: Mapping) -> bool:
    return definition.get("pass_mark") is not None


def _number(value) -> bool:
    return type(value) in (int, float, Decimal, Fraction)


def percent_text(value) -> str:
    """62.5 → "62,5%", 50 → "50%" (one decimal at most, Vietnamese comma)."""
    shown = f"{float(value):.1f}".rstrip("0").rstrip(".")
    return f"{shown.replace('.', ',')}%"


def _computed_reason(criterion: Mapping, value, scored: bool) -> judging.Reason:
    rule = criterion["computed"]
    label, need = MEASURES[rule["measure"]], rule["percent"]
    known = _number(value) and not (isinstance(value, float) and value != value)
    met = known and value >= need
    if known:
        text = _("%(label)s %(value)s (cần ≥ %(need)s): %(verdict)s", label=label, value=percent_text(value),
                 need=percent_text(need), verdict=judging.verdict(met))
    else:
        text = _("%(label)s: chưa có số liệu (cần ≥ %(need)s): %(verdict)s", label=label, need=percent_text(need),
                 verdict=judging.verdict(False))
    points = (criterion["points"] if met else 0) if scored else None
    return judging.Reason(criterion["code"], met, text, points)


def judge(definition: Mapping, answers: Mapping, computed: Mapping | None = None) -> Judgement:
    """Judge answers {code: int|bool} (and the computed figures {code: percent}) against a definition.

    Raises ValidationFailed (keys `answers.<code>`) when an asked criterion's answer is missing or out of range;
    an answer sent for a computed criterion is ignored."""
    computed = computed if isinstance(computed, Mapping) else {}
    scored = is_scored(definition)
    criteria = definition["criteria"]
    given = {c["code"]: _computed_reason(c, computed.get(c["code"]), scored) for c in computed_criteria(definition)}
    if scored:
        outcome = judging.judge_scored(criteria, answers, definition["pass_mark"], given)
    else:
        outcome = judging.judge_all_of(criteria, answers, given)
    grade = judging.grade(outcome.score, definition.get("grades")) if scored else None
    return Judgement(outcome.score, outcome.passed, grade, [reason.as_dict() for reason in outcome.reasons])


# --- checking a definition -------------------------------------------------------------------------------

def _is_count(value, least: int = 0) -> bool:
    return type(value) is int and least <= value <= MAX_POINTS


def _computed_ok(rule) -> bool:
    return (isinstance(rule, Mapping) and set(rule) == {"measure", "percent"} and isinstance(rule["measure"], str)
            and rule["measure"] in MEASURES and _number(rule["percent"]) and 0 < rule["percent"] <= 100)


def _criterion_problems(item, at: str, scored: bool) -> dict[str, list[str]]:
    if not isinstance(item, Mapping):
        return {at: [_("Mỗi tiêu chí phải là một đối tượng {code, name, …}.")]}
    problems: dict[str, list[str]] = {}
    code, name = item.get("code"), item.get("name")
    if not isinstance(code, str) or not code.strip() or len(code) > 60:
        problems[f"{at}.code"] = [_("Mã tiêu chí không được để trống (tối đa 60 ký tự).")]
    if not isinstance(name, str) or not name.strip() or len(name) > 500:
        problems[f"{at}.name"] = [_("Tên tiêu chí không được để trống (tối đa 500 ký tự).")]
    points, minimum = item.get("points"), item.get("min_points")
    if scored and not _is_count(points, 1):
        problems[f"{at}.points"] = [_("Bộ tiêu chí chấm điểm: điểm tối đa phải là số nguyên lớn hơn 0.")]
    if not scored and points is not None:
        problems[f"{at}.points"] = [_("Bộ tiêu chí không chấm điểm (không có điểm đạt) thì tiêu chí không có điểm.")]
    if minimum is not None:
        if not scored:
            problems[f"{at}.min_points"] = [_("Điểm tối thiểu chỉ dùng cho bộ tiêu chí chấm điểm.")]
        elif not _is_count(minimum) or (_is_count(points, 1) and minimum > points):
            problems[f"{at}.min_points"] = [_("Điểm tối thiểu phải là số nguyên từ 0 đến điểm tối đa.")]
    rule = item.get("computed")
    if rule is not None and not _computed_ok(rule):
        problems[f"{at}.computed"] = [_("Tiêu chí tính tự động phải có dạng {measure: family_share, percent: "
                                            "số từ 1 đến 100}.")]
    unknown = set(item) - {"code", "name", "points", "min_points", "computed"}
    if unknown:
        problems[at] = [_("Trường không được hỗ trợ: %(names)s.", names=", ".join(sorted(map(str, unknown))))]
    return problems


def _grade_problems(grades, pass_mark) -> dict[str, list[str]]:
    if grades is None:
        return {}
    if pass_mark is None:
        return {"grades": [_("Xếp loại chỉ dùng cho bộ tiêu chí chấm điểm.")]}
    if not isinstance(grades, list) or not all(isinstance(g, Mapping) and set(g) == {"name", "min_points"}
                                               and isinstance(g["name"], str) and g["name"].strip()
                                               and _is_count(g["min_points"]) for g in grades):
        return {"grades": [_("Xếp loại là danh sách {name, min_points} (tên không trống, điểm là số nguyên).")]}
    marks = [g["min_points"] for g in grades]
    if marks != sorted(marks, reverse=True) or len(set(marks)) != len(marks):
        return {"grades": [_("Xếp loại phải xếp từ cao xuống thấp, mỗi mức một điểm sàn khác nhau.")]}
    if len({g["name"].strip() for g in grades}) != len(grades):
        return {"grades": [_("Tên các mức xếp loại không được trùng nhau.")]}
    return {}


def validate_definition(definition: Mapping) -> None:
    """Raise ValidationFailed listing every problem: codes unique and non-empty, points > 0 when scored,
    min_points ≤ points, pass_mark ≤ the sum of points, grades ordered, computed criteria well-formed."""
    criteria, pass_mark, grades = definition.get("criteria"), definition.get("pass_mark"), definition.get("grades")
    scored = pass_mark is not None
    problems: dict[str, list[str]] = {}
    if scored and not _is_count(pass_mark, 1):
        problems["pass_mark"] = [_("Điểm đạt phải là số nguyên lớn hơn 0.")]
    if not isinstance(criteria, list) or not criteria:
        problems["criteria"] = [_("Bộ tiêu chí phải có ít nhất một tiêu chí.")]
    elif len(criteria) > MAX_CRITERIA:
        problems["criteria"] = [_("Tối đa %(most)s tiêu chí.", most=MAX_CRITERIA)]
    else:
        for index, item in enumerate(criteria):
            problems.update(_criterion_problems(item, f"criteria[{index}]", scored))
        codes = [item.get("code") for item in criteria if isinstance(item, Mapping)]
        repeated = sorted({str(c) for c in codes if isinstance(c, str) and codes.count(c) > 1})
        if repeated:
            problems["criteria"] = [_("Mã tiêu chí bị trùng: %(codes)s.", codes=", ".join(repeated))]
        elif scored and not problems and pass_mark > sum(item["points"] for item in criteria):
            problems["pass_mark"] = [_("Điểm đạt không được lớn hơn tổng điểm các tiêu chí.")]
    problems.update(_grade_problems(grades, pass_mark))
    if problems:
        raise ValidationFailed(_("Bộ tiêu chí không hợp lệ."), field=next(iter(problems)), errors=problems)

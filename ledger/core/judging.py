"""The shared pure judging core: one Vietnamese reason per criterion, the "đạt"/"không đạt" verdict, scored
judging (a sum of points against a pass mark and per-criterion minimums), all-of judging and grade bands.

Pure: no Flask, no database. Scholarship rules and the learning-model criteria both judge through it.
Answers are checked first: a missing or out-of-range answer is a ValidationFailed naming the criterion.
"""
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ledger.core.errors import ValidationFailed
from ledger.core.i18n import _


@dataclass(frozen=True)
class Reason:
    """One judged condition or criterion: what was judged (`field`: a student field or a criterion code),
    whether it was met, the Vietnamese text and, for scored criteria, the points earned."""
    field: str
    passed: bool
    text: str
    points: int | None = None

    def as_dict(self) -> dict:
        return {"criterion": self.field, "met": self.passed, "points": self.points, "text": self.text}


@dataclass(frozen=True)
class Outcome:
    """A judgement: the score (None for all-of), whether it passed and one reason per criterion."""
    score: int | None
    passed: bool
    reasons: tuple[Reason, ...]


def verdict(passed: bool) -> str:
    return _("đạt") if passed else _("không đạt")


def total(points: Iterable[int]) -> int:
    """The scored sum: points earned, added up."""
    return sum(points, 0)


def grade(score: int | None, grades: Sequence[Mapping] | None) -> str | None:
    """The name of the highest band whose `min_points` the score reaches; None below every band."""
    if score is None or not grades:
        return None
    reached = [band for band in grades if score >= band["min_points"]]
    return max(reached, key=lambda band: band["min_points"])["name"] if reached else None


def _is_points(value, most: int) -> bool:
    return type(value) is int and 0 <= value <= most  # a bool is not a number of points


def check_answers(criteria: Sequence[Mapping], answers, *, scored: bool, skip: Iterable[str] = ()) -> dict:
    """The answers of `criteria` (not those in `skip`), validated: every problem at once, keyed `answers.<code>`."""
    if not isinstance(answers, Mapping):
        raise ValidationFailed(_("Câu trả lời phải là một đối tượng {mã tiêu chí: giá trị}."), field="answers")
    skipped, problems, found = set(skip), {}, {}
    for criterion in criteria:
        code, name = criterion["code"], criterion["name"]
        if code in skipped:
            continue
        value = answers.get(code)
        if code not in answers:
            problems[f"answers.{code}"] = [_("Thiếu câu trả lời cho tiêu chí “%(name)s”.", name=name)]
        elif scored and not _is_points(value, criterion["points"]):
            problems[f"answers.{code}"] = [_("Tiêu chí “%(name)s”: điểm phải là số nguyên từ 0 đến %(most)s.",
                                             name=name, most=criterion["points"])]
        elif not scored and type(value) is not bool:
            problems[f"answers.{code}"] = [_("Tiêu chí “%(name)s”: câu trả lời phải là đúng hoặc sai (true/false).",
                                             name=name)]
        else:
            found[code] = value
    if problems:
        raise ValidationFailed(_("Câu trả lời chưa đầy đủ hoặc không hợp lệ."), field=next(iter(problems)),
                               errors=problems)
    return found


def scored_reason(criterion: Mapping, points: int) -> Reason:
    """"Trẻ em đi học đầy đủ: 25/30 điểm: đạt"; with a minimum, "3/10 điểm (tối thiểu 5): không đạt".
    A criterion is met when it reaches its minimum, or, without one, when it earns any point."""
    minimum = criterion.get("min_points")
    met = points >= minimum if minimum is not None else points > 0
    if minimum is None:
        text = _("%(name)s: %(points)s/%(most)s điểm: %(verdict)s", name=criterion["name"], points=points,
                 most=criterion["points"], verdict=verdict(met))
    else:
        text = _("%(name)s: %(points)s/%(most)s điểm (tối thiểu %(min)s): %(verdict)s", name=criterion["name"],
                 points=points, most=criterion["points"], min=minimum, verdict=verdict(met))
    return Reason(criterion["code"], met, text, points)


def met_reason(criterion: Mapping, met: bool) -> Reason:
    """"Có quỹ khuyến học của dòng họ: đạt"."""
    return Reason(criterion["code"], met, _("%(name)s: %(verdict)s", name=criterion["name"], verdict=verdict(met)))


def judge_scored(criteria: Sequence[Mapping], answers, pass_mark: int,
                 given: Mapping[str, Reason] | None = None) -> Outcome:
    """Scored: passed when the sum reaches `pass_mark` and every criterion with `min_points` reaches it.
    `given` holds reasons already decided by the caller (computed criteria); they are not asked."""
    given = given or {}
    found = check_answers(criteria, answers, scored=True, skip=given)
    reasons = tuple(given[c["code"]] if c["code"] in given else scored_reason(c, found[c["code"]])
                    for c in criteria)
    earned = {reason.field: reason.points or 0 for reason in reasons}
    score = total(earned.values())
    minimums = all(earned[c["code"]] >= c["min_points"] for c in criteria if c.get("min_points") is not None)
    return Outcome(score, score >= pass_mark and minimums, reasons)


def judge_all_of(criteria: Sequence[Mapping], answers, given: Mapping[str, Reason] | None = None) -> Outcome:
    """All-of: passed when every criterion is met."""
    given = given or {}
    found = check_answers(criteria, answers, scored=False, skip=given)
    reasons = tuple(given[c["code"]] if c["code"] in given else met_reason(c, found[c["code"]]) for c in criteria)
    return Outcome(None, all(reason.passed for reason in reasons), reasons)

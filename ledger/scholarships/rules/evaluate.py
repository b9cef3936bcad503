"""Judging a student against validated rules: one reason per condition, in Vietnamese, and a score.
The Reason record, the "đạt"/"không đạt" verdict and the scored sum come from the shared judging core.

Missing or malformed student data fails its condition (so a `not` above it passes) and earns no points.
Every condition is explained; those of alternatives a met any-of did not need are marked, so pages skip them.
"""
import operator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from ledger.core.i18n import _
from ledger.core.judging import Reason, total, verdict
from ledger.scholarships.rules.describe import requirement, subject
from ledger.scholarships.rules.fields import DEFAULTS, DOMAINS, FIELD_LABELS, in_domain, score_key
from ledger.scholarships.rules.validate import LISTS, validate_rules, validate_scoring

COMPARE = {"eq": operator.eq, "ne": operator.ne, "gt": operator.gt, "gte": operator.ge,
           "lt": operator.lt, "lte": operator.le}
_MISSING = object()


@dataclass(frozen=True)
class Evaluation:
    eligible: bool
    reasons: tuple[Reason, ...]
    # One flag per reason: False for a condition of an alternative that a met any-of did not need.
    needed: tuple[bool, ...] = dataclass_field(default=(), compare=False)


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
    value = student.get(field, DEFAULTS.get(field, _MISSING))
    if field == "best_prize_level" and value is _MISSING and "prizes" in student:
        value = best_prize_level(student["prizes"])
    return value if in_domain(field, value) else _MISSING


def _holds(field: str, op: str, actual, expected) -> bool:
    if op in LISTS:
        return (actual in expected) == (op == "in")
    position = DOMAINS[field].index  # values are unique, so eq/ne on positions is eq/ne on values
    return COMPARE[op](position(actual), position(expected))


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
                                      field=FIELD_LABELS[field], verdict=verdict(False)))
    passed = _holds(field, op, actual, node[op])
    details = "; ".join([*_certificate(field, actual, student), requirement(field, op, node[op])])
    return Reason(field, passed, _("%(subject)s (%(details)s): %(verdict)s",
                                   subject=subject(field, actual), details=details,
                                   verdict=verdict(passed)))


def _evaluate(node: Mapping, student, reasons: list[Reason], unneeded: set[int]) -> bool:
    if "not" in node:
        return not _evaluate(node["not"], student, reasons, unneeded)
    if "all" in node or "any" in node:
        combine, children = (all, node["all"]) if "all" in node else (any, node["any"])
        # Every child is judged, so every condition yields a reason; each child's reasons are a span.
        judged = []
        for child in children:
            start = len(reasons)
            judged.append((_evaluate(child, student, reasons, unneeded), range(start, len(reasons))))
        met = combine(ok for ok, _span in judged)
        if "any" in node and met:
            unneeded.update(index for ok, span in judged if not ok for index in span)
        return met
    reasons.append(_leaf_reason(node, student))
    return reasons[-1].passed


def evaluate(rules, student: Mapping) -> Evaluation:
    """Check a student against validated rules: one Reason per condition, in rule order.

    Missing or malformed student data fails its condition (so a `not` above it passes).
    """
    validate_rules(rules)
    reasons: list[Reason] = []
    unneeded: set[int] = set()
    eligible = _evaluate(rules, student, reasons, unneeded)
    return Evaluation(eligible, tuple(reasons), tuple(index not in unneeded for index in range(len(reasons))))


def score(scoring, student: Mapping) -> int:
    """Sum of the points the student's values earn; missing data earns nothing."""
    validate_scoring(scoring)
    values = {field: _student_value(student, field) for field in scoring}
    return total(table.get(score_key(values[field]), 0)
                 for field, table in scoring.items() if values[field] is not _MISSING)

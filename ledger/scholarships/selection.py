"""Choosing who receives an award in a round: rank the candidates, award down the list.

Pure and deterministic, so a committee's decision can be recomputed and checked later.
"""
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple


@dataclass(frozen=True)
class Contender:
    """A nomination as the selection sees it: what ranks it and what it would receive."""
    id: int | str
    student_key: str
    unit: str
    eligible: bool
    vetoed: bool
    score: int
    nominated_at: datetime
    amount: int | None = None


class Award(NamedTuple):
    candidate_id: int | str
    amount: int
    rank: int


@dataclass(frozen=True)
class Selection:
    awards: tuple[Award, ...]
    total: int
    budget_left: int


def _get(candidate, name: str, default=None):
    """Candidates may be Contenders or plain mappings."""
    if isinstance(candidate, Mapping):
        return candidate.get(name, default)
    return getattr(candidate, name, default)


def _rank_key(candidate):
    return (-_get(candidate, "score"), _get(candidate, "nominated_at"), _get(candidate, "id"))


def rank_candidates(candidates: Iterable) -> list:
    """Eligible, not vetoed candidates, best first.

    Order: higher score first; on equal scores the earlier nomination (nominated_at) first;
    then the smaller candidate id, so the order is total and never depends on input order.
    """
    return sorted((c for c in candidates if _get(c, "eligible") and not _get(c, "vetoed")), key=_rank_key)


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name} must be a positive int of đồng, got {value!r}")
    return value


def select_awards(candidates: Iterable, *, budget: int, quota: int | None, award_amount: int,
                  unit_quotas: Mapping[str, int] | None = None,
                  already_awarded: set[str] = frozenset()) -> Selection:
    """Award down the ranked list (see rank_candidates) while money and places remain.

    A candidate receives its own `amount` (a tier) or else `award_amount`. Passed over, while
    the walk goes on: a student already awarded (in `already_awarded` or earlier in this list),
    a candidate whose unit has used its `unit_quotas` places (units not listed are unlimited),
    and a candidate whose amount no longer fits the budget left (a smaller tier below may fit).
    The walk stops once `quota` awards are made (None: no limit). `rank` numbers the awards 1..n.
    """
    if isinstance(budget, bool) or not isinstance(budget, int) or budget < 0:
        raise ValueError(f"budget must be a non-negative int of đồng, got {budget!r}")
    _positive_int(award_amount, "award_amount")
    unit_quotas = unit_quotas or {}
    awards: list[Award] = []
    picked: set[str] = set()
    per_unit: Counter[str] = Counter()
    left = budget
    for candidate in rank_candidates(candidates):
        if quota is not None and len(awards) >= quota:
            break
        student, unit = _get(candidate, "student_key"), _get(candidate, "unit")
        tier = _get(candidate, "amount")
        amount = award_amount if tier is None else _positive_int(tier, "amount")
        if student in already_awarded or student in picked:
            continue
        if unit in unit_quotas and per_unit[unit] >= unit_quotas[unit]:
            continue
        if amount > left:
            continue
        awards.append(Award(_get(candidate, "id"), amount, len(awards) + 1))
        picked.add(student)
        per_unit[unit] += 1
        left -= amount
    return Selection(tuple(awards), budget - left, left)

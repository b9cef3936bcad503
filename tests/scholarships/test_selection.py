"""Award selection: ranking and tie-breaks, budget, quotas, one award per student, determinism."""
import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.scholarships.selection import Award, Contender, Selection, rank_candidates, select_awards

T0 = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


def cand(id, score=10, *, student=None, unit="TDP1", eligible=True, vetoed=False, minutes=0, amount=None):
    return Contender(id=id, student_key=student or f"HS{id}", unit=unit, eligible=eligible, vetoed=vetoed,
                     score=score, nominated_at=T0 + timedelta(minutes=minutes), amount=amount)


def test_ranking_by_score_then_nomination_time_then_id():
    candidates = [cand(5, 10, minutes=3), cand(4, 10, minutes=1), cand(3, 30), cand(2, 10, minutes=1),
                  cand(1, 20, minutes=9)]
    assert [c.id for c in rank_candidates(candidates)] == [3, 1, 2, 4, 5]


def test_ineligible_and_vetoed_candidates_are_never_ranked():
    candidates = [cand(1, 99, eligible=False), cand(2, 98, vetoed=True), cand(3, 1)]
    assert [c.id for c in rank_candidates(candidates)] == [3]
    assert select_awards(candidates, budget=10**9, quota=None, award_amount=1_000_000).awards == (
        Award(3, 1_000_000, 1),)


def test_awards_until_the_budget_runs_out():
    candidates = [cand(i, 100 - i) for i in range(1, 6)]
    selection = select_awards(candidates, budget=3_500_000, quota=None, award_amount=1_000_000)
    assert selection == Selection(
        (Award(1, 1_000_000, 1), Award(2, 1_000_000, 2), Award(3, 1_000_000, 3)), 3_000_000, 500_000)


def test_awards_until_the_quota_runs_out():
    selection = select_awards([cand(i, i) for i in range(1, 6)], budget=10**9, quota=2, award_amount=500_000)
    assert [a.candidate_id for a in selection.awards] == [5, 4]
    assert (selection.total, selection.budget_left) == (1_000_000, 10**9 - 1_000_000)


def test_zero_quota_awards_nobody():
    assert select_awards([cand(1)], budget=10**6, quota=0, award_amount=1).awards == ()


def test_tiers_use_their_own_amount_and_a_smaller_one_below_may_still_fit():
    candidates = [cand(1, 9, amount=2_000_000), cand(2, 8, amount=3_000_000), cand(3, 7)]
    selection = select_awards(candidates, budget=3_500_000, quota=None, award_amount=1_000_000)
    assert selection.awards == (Award(1, 2_000_000, 1), Award(3, 1_000_000, 2))
    assert selection.budget_left == 500_000


def test_unit_quota_passes_over_the_unit_but_not_others():
    candidates = [cand(1, 9, unit="A"), cand(2, 8, unit="A"), cand(3, 7, unit="B"), cand(4, 6, unit="C"),
                  cand(5, 5, unit="C")]
    selection = select_awards(candidates, budget=10**9, quota=None, award_amount=1, unit_quotas={"A": 1, "B": 0})
    assert [a.candidate_id for a in selection.awards] == [1, 4, 5]


def test_a_student_is_awarded_once():
    candidates = [cand(1, 9, student="079201000001"), cand(2, 8, student="079201000001"), cand(3, 7, student="X"),
                  cand(4, 6, student="Y")]
    selection = select_awards(candidates, budget=10**9, quota=None, award_amount=1, already_awarded={"X"})
    assert [a.candidate_id for a in selection.awards] == [1, 4]


def test_mappings_are_accepted_as_candidates():
    rows = [{"id": 7, "student_key": "S", "unit": "U", "eligible": True, "vetoed": False, "score": 1,
             "nominated_at": T0}]
    assert select_awards(rows, budget=5, quota=None, award_amount=5) == Selection((Award(7, 5, 1),), 5, 0)


@pytest.mark.parametrize(("kwargs", "tier"), [
    ({"budget": -1, "award_amount": 1}, None), ({"budget": 1.5, "award_amount": 1}, None),
    ({"budget": 10, "award_amount": 0}, None), ({"budget": 10, "award_amount": 1.0}, None),
    ({"budget": 10, "award_amount": True}, None), ({"budget": 10, "award_amount": 1}, 0),
    ({"budget": 10, "award_amount": 1}, 2.5),
])
def test_money_must_be_whole_dong(kwargs, tier):
    with pytest.raises(ValueError):
        select_awards([cand(1, amount=tier)], quota=None, **kwargs)


# --- properties ---

CANDIDATE_LISTS = st.lists(
    st.builds(
        lambda id, score, student, unit, eligible, vetoed, minutes, amount: cand(
            id, score, student=f"S{student}", unit=f"U{unit}", eligible=eligible, vetoed=vetoed,
            minutes=minutes, amount=amount),
        id=st.integers(1, 10**6), score=st.integers(0, 20), student=st.integers(0, 12), unit=st.integers(0, 3),
        eligible=st.booleans(), vetoed=st.booleans(), minutes=st.integers(0, 5),
        amount=st.none() | st.sampled_from([500_000, 1_000_000, 2_000_000])),
    max_size=30, unique_by=lambda c: c.id)

ARGS = st.fixed_dictionaries({
    "budget": st.integers(0, 12_000_000),
    "quota": st.none() | st.integers(0, 12),
    "award_amount": st.sampled_from([300_000, 1_000_000, 1_500_000]),
    "unit_quotas": st.none() | st.dictionaries(st.sampled_from(["U0", "U1", "U2", "U3"]), st.integers(0, 4)),
    "already_awarded": st.frozensets(st.sampled_from([f"S{i}" for i in range(13)]), max_size=4),
})


def amount_of(c, award_amount: int) -> int:
    return award_amount if c.amount is None else c.amount


@settings(max_examples=3 * settings.default.max_examples)  # 300 in the ci profile
@given(candidates=CANDIDATE_LISTS, args=ARGS)
def test_selection_respects_every_limit(candidates, args):
    selection = select_awards(candidates, **args)
    by_id = {c.id: c for c in candidates}
    chosen = [by_id[a.candidate_id] for a in selection.awards]
    assert selection.total == sum(a.amount for a in selection.awards) <= args["budget"]
    assert selection.budget_left == args["budget"] - selection.total
    assert args["quota"] is None or len(chosen) <= args["quota"]
    for unit, limit in (args["unit_quotas"] or {}).items():
        assert sum(c.unit == unit for c in chosen) <= limit
    students = [c.student_key for c in chosen]
    assert len(set(students)) == len(students) and not set(students) & args["already_awarded"]
    assert all(c.eligible and not c.vetoed for c in chosen)
    assert [a.amount for a in selection.awards] == [amount_of(c, args["award_amount"]) for c in chosen]
    assert [a.rank for a in selection.awards] == list(range(1, len(chosen) + 1))


@settings(max_examples=3 * settings.default.max_examples)  # 300 in the ci profile
@given(candidates=CANDIDATE_LISTS, args=ARGS)
def test_nobody_passed_over_without_a_reason(candidates, args):
    """Every unselected candidate ranked above a selected one (or anywhere, while the quota is
    not reached) was a duplicate, over its unit's quota, or no longer fitted the budget left."""
    selection = select_awards(candidates, **args)
    ranked = rank_candidates(candidates)
    chosen_ids = [a.candidate_id for a in selection.awards]
    assert [c.id for c in ranked if c.id in chosen_ids] == chosen_ids  # awards follow the ranking
    quota_reached = args["quota"] is not None and len(chosen_ids) >= args["quota"]
    last = max((i for i, c in enumerate(ranked) if c.id in chosen_ids), default=-1)
    for position, c in enumerate(ranked[:last + 1] if quota_reached else ranked):
        if c.id in chosen_ids:
            continue
        above = [d for d in ranked[:position] if d.id in chosen_ids]
        duplicate = c.student_key in args["already_awarded"] or any(d.student_key == c.student_key for d in above)
        limit = (args["unit_quotas"] or {}).get(c.unit)
        unit_full = limit is not None and sum(d.unit == c.unit for d in above) >= limit
        spent = sum(amount_of(d, args["award_amount"]) for d in above)
        too_dear = amount_of(c, args["award_amount"]) > args["budget"] - spent
        assert duplicate or unit_full or too_dear, c


@given(candidates=CANDIDATE_LISTS, args=ARGS, seed=st.integers())
def test_same_inputs_same_output_whatever_the_order(candidates, args, seed):
    shuffled = list(candidates)
    random.Random(seed).shuffle(shuffled)
    assert select_awards(candidates, **args) == select_awards(shuffled, **args)

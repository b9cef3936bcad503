"""Pure pieces without an app: rules read aloud for decisions, payment schedules that add up exactly."""
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.core.errors import ValidationFailed
from ledger.scholarships.rules import PRESETS, describe_rules, describe_scoring
from ledger.scholarships.sponsorships import due_dates, split


def test_rules_read_as_indented_lines():
    assert describe_rules(PRESETS["con_nuoi"]["rules"]) == [
        (0, "Đạt tất cả các điều kiện sau:"),
        (1, "Đạt ít nhất một trong các điều kiện sau:"),
        (2, "Hoàn cảnh gia đình: yêu cầu hộ nghèo"),
        (2, "Tình trạng mồ côi: yêu cầu mồ côi cả cha lẫn mẹ"),
        (1, "Lớp: yêu cầu 9 trở xuống"),
        (1, "Kết quả học tập: yêu cầu từ Đạt")]
    assert describe_rules({"not": {"field": "disability", "eq": True}}) == [
        (0, "Không thuộc trường hợp sau:"), (1, "Tình trạng khuyết tật: yêu cầu khuyết tật")]


def test_scoring_reads_with_labels():
    assert describe_scoring({"disability": {"true": 15}, "grade": {"9": 2, "12": 1}}) == [
        "Tình trạng khuyết tật: khuyết tật 15 điểm", "Lớp: 9 2 điểm; 12 1 điểm"]


def test_describing_invalid_rules_refuses():
    with pytest.raises(ValidationFailed):
        describe_rules({"field": "gpa", "eq": 1})


@pytest.mark.parametrize(("schedule", "expected"), [
    ("once", [date(2025, 10, 20)]),
    ("term", [date(2025, 9, 5), date(2026, 1, 5)]),
    ("monthly", [date(2025, m, 5) for m in (9, 10, 11, 12)] + [date(2026, m, 5) for m in (1, 2, 3, 4, 5)]),
])
def test_due_dates_follow_the_school_year(schedule, expected):
    assert due_dates(schedule, "2025-2026", date(2025, 10, 20)) == expected


@given(amount=st.integers(1, 10**15), parts=st.integers(1, 12))
def test_installments_add_up_to_the_award_in_whole_dong(amount, parts):
    pieces = split(amount, parts)
    assert sum(pieces) == amount and all(piece > 0 for piece in pieces)
    assert len(pieces) == min(parts, amount) and max(pieces) - min(pieces) <= 1
    assert pieces == sorted(pieces, reverse=True)

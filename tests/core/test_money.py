"""Amounts in words against the shared vectors, formatting, and parsing what treasurers type."""
import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.core.errors import ValidationFailed
from ledger.core.money import MAX_AMOUNT, format_number, format_vnd, format_vnd_short, in_words, parse_amount

# A copy of the shared vectors kept in the repository, so that a clone stands alone.
VECTORS_CSV = Path(__file__).resolve().parents[1] / "data" / "vectors" / "amount_in_words.csv"


def _vectors() -> list[tuple[int, str]]:
    with open(VECTORS_CSV, encoding="utf-8", newline="") as f:
        return [(int(row["amount"]), row["words"]) for row in csv.DictReader(f)]


VECTORS = _vectors()


def test_vectors_file_is_not_empty():
    assert len(VECTORS) >= 30


@pytest.mark.parametrize(("amount", "words"), VECTORS, ids=[str(a) for a, _ in VECTORS])
def test_in_words_matches_shared_vectors(amount, words):
    assert in_words(amount) == words


@pytest.mark.parametrize("amount", [-1, MAX_AMOUNT + 1, True, False, 1.0, 2015000.0, "2015000", None])
def test_in_words_refuses_out_of_range_and_non_int(amount):
    with pytest.raises(ValueError):
        in_words(amount)


@given(st.integers(0, MAX_AMOUNT))
def test_in_words_is_a_well_formed_phrase(amount):
    words = in_words(amount)
    assert words[0].isupper()
    assert words.endswith(" đồng")
    assert "  " not in words
    assert words == words.strip()


@pytest.mark.parametrize(("amount", "number", "vnd", "short"), [
    (0, "0", "0 ₫", "0 đ"),
    (5, "5", "5 ₫", "5 đ"),
    (1000, "1.000", "1.000 ₫", "1.000 đ"),
    (2015000, "2.015.000", "2.015.000 ₫", "2.015.000 đ"),
    (-2015000, "-2.015.000", "-2.015.000 ₫", "-2.015.000 đ"),
    (MAX_AMOUNT, "1.000.000.000.000.000", "1.000.000.000.000.000 ₫", "1.000.000.000.000.000 đ"),
])
def test_formatting(amount, number, vnd, short):
    assert (format_number(amount), format_vnd(amount), format_vnd_short(amount)) == (number, vnd, short)


@pytest.mark.parametrize("amount", [1.5, True, None, "2015000"])
def test_formatting_refuses_non_int(amount):
    with pytest.raises(ValueError):
        format_vnd(amount)


@pytest.mark.parametrize(("text", "amount"), [
    ("2.015.000", 2015000),
    ("2015000", 2015000),
    ("2 015 000", 2015000),
    ("2\u00a0015\u00a0000", 2015000),
    ("2,015,000", 2015000),
    ("2.015.000 đ", 2015000),
    ("2.015.000đ", 2015000),
    ("2.015.000 ₫", 2015000),
    ("2.015.000 VND", 2015000),
    ("2.015.000 vnđ", 2015000),
    ("2.015.000 đồng", 2015000),
    (" 2015000 ", 2015000),
    ("1.500", 1500),
    ("1", 1),
    ("007", 7),
    ("1.000.000.000.000.000", MAX_AMOUNT),
    (2015000, 2015000),
    (MAX_AMOUNT, MAX_AMOUNT),
])
def test_parse_amount_accepts(text, amount):
    assert parse_amount(text) == amount


@pytest.mark.parametrize("text", [
    "2tr", "abc", "2015000,50", "1.5", "1,5", "2.015.000,50", "2.015,000", "20.15.000", "1.0000",
    "-2015000", "+2015000", "0", "0 đ", "000", "", "   ", "đ", "2 015.000", "2015000 đ đ",
    "1.000.000.000.000.001", "1" * 5000, "٣", 0, -5, MAX_AMOUNT + 1, True, False, 2015000.0,
    None, b"2015000",
])
def test_parse_amount_refuses(text):
    with pytest.raises(ValidationFailed) as info:
        parse_amount(text)
    assert info.value.field == "amount"
    assert info.value.errors["amount"]


def test_parse_amount_explains_in_vietnamese():
    with pytest.raises(ValidationFailed) as info:
        parse_amount("2tr")
    assert info.value.detail == "Số tiền phải là số nguyên đồng dương, ví dụ 2.015.000."


def test_parse_amount_names_the_limit():
    with pytest.raises(ValidationFailed) as info:
        parse_amount(MAX_AMOUNT + 1)
    assert "1.000.000.000.000.000" in info.value.detail


@given(st.integers(1, MAX_AMOUNT))
def test_parse_amount_round_trips_formatting(amount):
    assert parse_amount(format_number(amount)) == amount
    assert parse_amount(format_vnd(amount)) == amount
    assert parse_amount(format_vnd_short(amount)) == amount

"""The pure arithmetic of the books (ledger.py) with plain tuples and hypothesis: no app, no database.

Invariants 1, 2 and 10 at their root: balance per fund, whole positive đồng up to 10^15 per line and per
entry, kept balances under the ceiling, chain hashes; how far ahead an entry may be dated.
"""
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from ledger.accounts import ledger
from ledger.accounts.ledger import LineDraft

FUNDS = ("QKH", "TOHIEU", "HB")
amounts = st.one_of(st.just(1), st.just(ledger.MAX_AMOUNT), st.integers(1, ledger.MAX_AMOUNT))


@st.composite
def balanced_lines(draw):
    """Pairs of (debit, credit) lines of the same amount in the same fund, shuffled."""
    pairs = draw(st.lists(st.tuples(st.sampled_from(FUNDS), amounts), min_size=1, max_size=6))
    lines = [line for fund, amount in pairs
             for line in (LineDraft("111", fund, debit=amount), LineDraft("511", fund, credit=amount))]
    return draw(st.permutations(lines))


@given(balanced_lines())
def test_pairs_balance_in_total_and_per_fund(lines):
    assert ledger.residual(lines) == {}
    assert ledger.total_residual(lines) == 0
    assert ledger.balance_problem(lines) is None
    assert ledger.bad_amount_lines(lines) == []


@given(balanced_lines(), st.integers(1, 10**6), st.booleans())
def test_any_change_of_one_amount_unbalances(lines, delta, on_debit):
    index = next(i for i, line in enumerate(lines) if (line.debit > 0) == on_debit)
    old = lines[index]
    changed = LineDraft(old.account, old.fund, old.debit + delta if on_debit else 0,
                        0 if on_debit else old.credit + delta)
    lines = [*lines[:index], changed, *lines[index + 1:]]
    expected = delta if on_debit else -delta
    assert ledger.balance_problem(lines) == ("unbalanced", expected)
    assert ledger.residual(lines) == {old.fund: expected}


@given(balanced_lines(), st.sampled_from(FUNDS))
def test_moving_a_line_to_another_fund_is_unbalanced_per_fund(lines, other):
    first = lines[0]
    if first.fund == other:
        other = next(fund for fund in FUNDS if fund != first.fund)
    moved = [LineDraft(first.account, other, first.debit, first.credit), *lines[1:]]
    kind, residuals = ledger.balance_problem(moved)
    assert kind == "unbalanced_fund"
    side = first.debit - first.credit
    assert residuals == {first.fund: -side, other: side}
    assert ledger.total_residual(moved) == 0


@given(st.lists(st.tuples(st.sampled_from(FUNDS), st.integers(0, 10**6), st.integers(0, 10**6)), max_size=8))
def test_residual_is_debit_minus_credit_per_fund_without_zeros(raw):
    lines = [LineDraft("111", fund, debit, credit) for fund, debit, credit in raw]
    expected = {}
    for fund, debit, credit in raw:
        expected[fund] = expected.get(fund, 0) + debit - credit
    assert ledger.residual(lines) == {f: v for f, v in expected.items() if v}
    assert ledger.total_residual(lines) == sum(expected.values())


@given(st.one_of(st.integers(max_value=0), st.integers(min_value=ledger.MAX_AMOUNT + 1),
                 st.floats(allow_nan=True), st.booleans(), st.text(max_size=5), st.none(),
                 st.decimals(allow_nan=False, allow_infinity=False)))
def test_only_whole_positive_dong_up_to_the_cap_is_an_amount(bad):
    assert ledger.bad_amount_lines([LineDraft("111", "QKH", debit=bad), LineDraft("511", "QKH", credit=1)]) == [0]
    assert ledger.bad_amount_lines([LineDraft("111", "QKH", debit=1), LineDraft("511", "QKH", credit=bad)]) == [1]


@given(amounts, amounts)
def test_a_line_has_exactly_one_side(debit, credit):
    assert ledger.bad_amount_lines([LineDraft("111", "QKH", debit, credit)]) == [0]
    assert ledger.bad_amount_lines([LineDraft("111", "QKH", 0, 0)]) == [0]
    assert ledger.bad_amount_lines([LineDraft("111", "QKH", debit, 0), LineDraft("511", "QKH", 0, credit)]) == []


def test_float_equal_to_an_int_is_still_refused():
    assert ledger.bad_amount_lines([LineDraft("111", "QKH", debit=2015000.0)]) == [0]
    assert ledger.is_amount(True) is False and ledger.is_amount(1) is True


@given(st.dictionaries(st.integers(0, 5), st.tuples(st.integers(0, 10**6), st.integers(0, 10**6))),
       st.lists(st.tuples(st.integers(0, 5), st.integers(0, 10**6), st.integers(0, 10**6)), max_size=10))
def test_apply_lines_adds_movements_and_leaves_the_input_alone(start, movements):
    before = dict(start)
    result = ledger.apply_lines(start, movements)
    assert start == before
    for key in set(start) | {key for key, _d, _c in movements}:
        debit = start.get(key, (0, 0))[0] + sum(d for k, d, _c in movements if k == key)
        credit = start.get(key, (0, 0))[1] + sum(c for k, _d, c in movements if k == key)
        assert result[key] == (debit, credit)


@given(st.lists(st.tuples(st.sampled_from(FUNDS), amounts, st.booleans()), min_size=1, max_size=6))
def test_entry_total_is_the_larger_side(raw):
    lines = [LineDraft("111", fund, amount, 0) if debit else LineDraft("511", fund, 0, amount)
             for fund, amount, debit in raw]
    debit = sum(amount for _fund, amount, is_debit in raw if is_debit)
    assert ledger.entry_total(lines) == max(debit, sum(amount for _f, amount, _d in raw) - debit)


def test_the_ceiling_leaves_bigint_room_and_is_a_thousand_largest_entries():
    assert ledger.BALANCE_CEILING == 1000 * ledger.MAX_AMOUNT
    assert ledger.BALANCE_CEILING + ledger.BALANCE_CEILING < 2**63 - 1  # a stored value plus a batch's own sum


@given(st.integers(0, ledger.BALANCE_CEILING), st.integers(0, ledger.BALANCE_CEILING),
       st.integers(0, 10**6), st.integers(0, 10**6))
def test_past_ceiling_names_the_keys_whose_either_side_would_cross(debit, credit, add_debit, add_credit):
    stored = {"cash": (debit, credit), "other": (ledger.BALANCE_CEILING, ledger.BALANCE_CEILING)}
    moved = {"cash": (add_debit, add_credit), "new": (add_debit, add_credit)}
    crosses = max(debit + add_debit, credit + add_credit) > ledger.BALANCE_CEILING
    assert ledger.past_ceiling(stored, moved) == (["cash"] if crosses else [])  # "other" is not moved
    assert ledger.past_ceiling({}, {"k": (ledger.BALANCE_CEILING + 1, 0)}) == ["k"]


@given(st.dates(date(2000, 1, 1), date(2100, 12, 31)))
def test_latest_date_is_one_year_ahead(today):
    latest = ledger.latest_date(today)
    assert latest.year == today.year + 1 and latest.month == today.month
    assert latest.day == today.day or (today.month, today.day, latest.day) == (2, 29, 28)
    assert 365 <= (latest - today).days <= 366


def content(**changes):
    base = {"unit": "SL-X01", "number": "BT-2026-000001", "dated_on": "2026-03-10", "memo": "Ủng hộ",
            "reverses": None, "lines": [("111", "QKH", 2015000, 0, None, None), ("511", "QKH", 0, 2015000, None, None)]}
    return ledger.entry_content(**{**base, **changes})


def test_chain_hash_is_stable_and_covers_every_field_and_the_previous_hash():
    genesis = "0" * 64
    digest = ledger.chain_hash(genesis, content())
    assert digest == ledger.chain_hash(genesis, content()) and len(digest) == 64
    variants = [content(unit="SL-X02"), content(number="BT-2026-000002"), content(dated_on="2026-03-11"),
                content(memo="Ủng hộ."), content(reverses="BT-2026-000009"),
                content(lines=[("111", "QKH", 2015001, 0, None, None), ("511", "QKH", 0, 2015001, None, None)]),
                content(lines=[("112", "QKH", 2015000, 0, None, None), ("511", "QKH", 0, 2015000, None, None)]),
                content(lines=[("111", "HB", 2015000, 0, None, None), ("511", "HB", 0, 2015000, None, None)]),
                content(lines=[("111", "QKH", 2015000, 0, "SL", None), ("511", "QKH", 0, 2015000, None, None)]),
                content(lines=[("111", "QKH", 2015000, 0, None, "Bà A"), ("511", "QKH", 0, 2015000, None, None)]),
                content(lines=[("511", "QKH", 0, 2015000, None, None), ("111", "QKH", 2015000, 0, None, None)])]
    digests = {ledger.chain_hash(genesis, variant) for variant in variants}
    assert digest not in digests and len(digests) == len(variants)
    assert ledger.chain_hash("1" * 64, content()) != digest


@given(st.text(), st.text())
def test_canonical_content_keeps_vietnamese_text_and_distinguishes_memos(a, b):
    assert (ledger.canonical(content(memo=a)) == ledger.canonical(content(memo=b))) == (a == b)


def test_voucher_numbers_are_zero_padded_per_type_and_year():
    assert ledger.voucher_number("PT", 2026, 1) == "PT-2026-000001"
    assert ledger.voucher_number("PC", 2025, 123456) == "PC-2025-123456"

"""The arithmetic of the books as pure functions: no Flask, no database.

Lines are (account, fund, debit, credit) in whole đồng; an entry balances in total and per fund.
"""
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from ledger.core.money import MAX_AMOUNT  # one line, and the total of one entry

# Every kept balance column (debit_total, credit_total, monthly debit, credit) stays at or below this:
# 1000 entries of the largest size, and still 9 times short of BIGINT's 2^63 − 1 ≈ 9.22·10^18.
BALANCE_CEILING = 10**18


@dataclass(frozen=True)
class LineDraft:
    account: str
    fund: str
    debit: int = 0
    credit: int = 0
    counterparty_unit: str | None = None
    counterparty: str | None = None

    def mirrored(self) -> "LineDraft":
        return LineDraft(self.account, self.fund, self.credit, self.debit,
                         self.counterparty_unit, self.counterparty)


def is_amount(value) -> bool:
    return type(value) is int and 0 <= value <= MAX_AMOUNT


def bad_amount_lines(lines: Iterable[LineDraft]) -> list[int]:
    """Indexes of lines that are not exactly one positive whole-đồng side."""
    return [i for i, line in enumerate(lines)
            if not (is_amount(line.debit) and is_amount(line.credit))
            or (line.debit > 0) == (line.credit > 0)]


def entry_total(lines: Iterable[LineDraft]) -> int:
    """The larger of the debit and credit sums: what the entry moves, balanced or not."""
    debit = credit = 0
    for line in lines:
        debit, credit = debit + line.debit, credit + line.credit
    return max(debit, credit)


def residual(lines: Iterable[LineDraft]) -> dict[str, int]:
    """Debit minus credit per fund, keeping only funds that do not balance."""
    per_fund: dict[str, int] = defaultdict(int)
    for line in lines:
        per_fund[line.fund] += line.debit - line.credit
    return {fund: amount for fund, amount in per_fund.items() if amount}


def total_residual(lines: Iterable[LineDraft]) -> int:
    return sum(line.debit - line.credit for line in lines)


def balance_problem(lines: list[LineDraft]) -> tuple[str, object] | None:
    """None when the lines may be posted; else ('unbalanced', Σd−Σc) or ('unbalanced_fund', residuals)."""
    total = total_residual(lines)
    if total:
        return "unbalanced", total
    per_fund = residual(lines)
    if per_fund:
        return "unbalanced_fund", per_fund
    return None


def fund_usable_in(unit_path: str, owner_path: str) -> bool:
    """A fund is used in the books of the unit owning it and of every unit below (paths "HN/HN-01" in "HN")."""
    return unit_path == owner_path or unit_path.startswith(owner_path + "/")


def spends_principal(fund_kind: str, account_type: str, debit: int, *, reversal: bool = False) -> bool:
    """An endowment's principal is never spent: no expense debited to it, except by undoing an entry."""
    return fund_kind == "endowment" and account_type == "expense" and debit > 0 and not reversal


def fold_no_negative(running: Mapping, moves: list[tuple[object, int, int]]) -> tuple[dict, int | None]:
    """One entry's (key, debit, credit) moves on no-negative accounts, applied whole to the running balances
    (debit − credit per key, absent = 0): the balances after it of the keys it moves, and the index of the
    first move whose key it leaves below zero (None when it overdraws nothing)."""
    after: dict = {}
    for key, debit, credit in moves:
        after[key] = after.get(key, running.get(key, 0)) + debit - credit
    return after, next((i for i, (key, _debit, _credit) in enumerate(moves) if after[key] < 0), None)


def apply_lines(balances: Mapping, lines: Iterable[tuple[object, int, int]]) -> dict:
    """New (debit_total, credit_total) per key after adding (key, debit, credit) movements."""
    result = dict(balances)
    for key, debit, credit in lines:
        old_debit, old_credit = result.get(key, (0, 0))
        result[key] = (old_debit + debit, old_credit + credit)
    return result


def past_ceiling(balances: Mapping, movements: Mapping) -> list:
    """Keys whose (debit, credit) pair would exceed BALANCE_CEILING once the movements are added."""
    after = apply_lines(balances, ((key, debit, credit) for key, (debit, credit) in movements.items()))
    return [key for key in movements if max(after[key]) > BALANCE_CEILING]


def latest_date(today: date) -> date:
    """The last date an entry may carry: one year after today (28 February for a 29 February)."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


# Built once: json.dumps() with options makes a new encoder per call (~0.15 s per 100,000 entries imported).
CANONICAL_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical(content: Mapping) -> bytes:
    return CANONICAL_JSON.encode(content).encode()


def chain_hash(prev_hash: str, content: Mapping) -> str:
    """Each entry's hash covers its canonical content and the previous hash of its unit."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(content)).hexdigest()


def entry_content(*, unit: str, number: str, dated_on: str, memo: str, reverses: str | None,
                  lines: Iterable[tuple], anchor: tuple[str, int, str] | None = None) -> dict:
    """The hashed content of an entry; lines as (account, fund, debit, credit, counterparty unit, counterparty).

    `anchor` (child unit, chain index, hash): the child's chain head this entry records; absent otherwise,
    so the hashes of ordinary entries are what they always were.
    """
    content = {"unit": unit, "number": number, "date": dated_on, "memo": memo, "reverses": reverses,
               "lines": [list(line) for line in lines]}
    if anchor is not None:
        content["anchor"] = list(anchor)
    return content


def voucher_number(voucher_type: str, year: int, seq: int) -> str:
    return f"{voucher_type}-{year}-{seq:06d}"

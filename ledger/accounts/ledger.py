"""The arithmetic of the books as pure functions: no Flask, no database.

Lines are (account, fund, debit, credit) in whole đồng; an entry balances in total and per fund.
"""
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

MAX_AMOUNT = 10**15


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


def apply_lines(balances: Mapping, lines: Iterable[tuple[object, int, int]]) -> dict:
    """New (debit_total, credit_total) per key after adding (key, debit, credit) movements."""
    result = dict(balances)
    for key, debit, credit in lines:
        old_debit, old_credit = result.get(key, (0, 0))
        result[key] = (old_debit + debit, old_credit + credit)
    return result


def canonical(content: Mapping) -> bytes:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def chain_hash(prev_hash: str, content: Mapping) -> str:
    """Each entry's hash covers its canonical content and the previous hash of its unit."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(content)).hexdigest()


def entry_content(*, unit: str, number: str, dated_on: str, memo: str, reverses: str | None,
                  lines: Iterable[tuple]) -> dict:
    """The hashed content of an entry; lines as (account, fund, debit, credit, counterparty unit, counterparty)."""
    return {"unit": unit, "number": number, "date": dated_on, "memo": memo, "reverses": reverses,
            "lines": [list(line) for line in lines]}


def voucher_number(voucher_type: str, year: int, seq: int) -> str:
    return f"{voucher_type}-{year}-{seq:06d}"

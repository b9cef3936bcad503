"""An hledger journal: one transaction per entry, dated yyyy-mm-dd, the voucher number as its (code), the memo
as description, postings to UNIT:ACCOUNT:FUND in whole VND, debits positive and credits negative, so that
`hledger -f FILE balance` shows each account's debit − credit exactly as our trial balance does.

Names: codes pass unchanged but for whitespace and ':' (hledger's separator), each written '-'. A ';' in a
memo would start a comment and '(' ')' in a number would end the code early: both become ','.
"""
import re
from pathlib import Path

from ledger.accounts.exports.files import Staged
from ledger.accounts.exports.journal import ExportScope, Written, describe, export_entries
from ledger.accounts.exports.naming import AccountNames, single_line


def component(code: str) -> str:
    return re.sub(r"[\s:]", "-", code)


def write_hledger(scope: ExportScope, path: Path) -> Written:
    written, names = Written(), AccountNames(component)
    with Staged() as staged:
        out = staged.open(path)
        out.write(f"; {describe(scope)}\n")
        for entry in map(written.count, export_entries(scope)):
            out.write(f"\n{entry.dated_on.isoformat()} ({plain(entry.number, '()')}) "
                      f"{plain(single_line(entry.memo), ';')}\n")
            for line in entry.lines:
                out.write(f"    {names(entry.unit, line.account, line.fund)}  {line.debit - line.credit} VND\n")
    return written


def plain(text: str, forbidden: str) -> str:
    return "".join("," if char in forbidden else char for char in text)

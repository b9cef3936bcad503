"""A beancount file that bean-check accepts: operating currency VND, one transaction per entry (the voucher
number and unit as metadata, the memo as narration), debits positive and credits negative in whole VND, and
an `open` for every account dated its first use, so bean-query's sums equal our trial balance.

Names: ROOT:UNIT:ACCOUNT:FUND, the root by account type (asset Assets, liability Liabilities, net_assets
Equity, revenue Income, expense Expenses). Each code is made a beancount component (a capital letter or a
digit, then letters, digits and '-'): any other character becomes '-', a first lowercase letter is
capitalised, and a component that still starts wrong gets an 'X' in front ("_quy" → "X-quy").
The opens follow the transactions: beancount orders directives by date, not by place in the file, and the
first date of each account is known only once the stream has been read.
"""
import re
from pathlib import Path

from sqlalchemy import select

from ledger.accounts.exports.files import Staged
from ledger.accounts.exports.journal import ExportScope, Written, describe, export_entries
from ledger.accounts.exports.naming import AccountNames, single_line
from ledger.accounts.models import Account
from ledger.extensions import db

ROOTS = {"asset": "Assets", "liability": "Liabilities", "net_assets": "Equity", "revenue": "Income",
         "expense": "Expenses"}


def component(code: str) -> str:
    name = re.sub(r"[^A-Za-z0-9-]", "-", code)
    name = name[:1].upper() + name[1:]
    return name if re.match(r"[A-Z0-9]", name) else "X" + name


def write_beancount(scope: ExportScope, path: Path) -> Written:
    types = dict(db.session.execute(select(Account.code, Account.type)).all())
    written, names, opened = Written(), AccountNames(component, lambda account: ROOTS[types[account]] + ":"), {}
    with Staged() as staged:
        out = staged.open(path)
        out.write(f'option "title" {quoted(describe(scope))}\noption "operating_currency" "VND"\n')
        for entry in map(written.count, export_entries(scope)):
            out.write(f"\n{entry.dated_on.isoformat()} * {quoted(single_line(entry.memo))}\n"
                      f"  voucher: {quoted(entry.number)}\n  unit: {quoted(entry.unit)}\n")
            for line in entry.lines:
                name = names(entry.unit, line.account, line.fund)
                opened[name] = min(opened.get(name, entry.dated_on), entry.dated_on)
                out.write(f"  {name}  {line.debit - line.credit} VND\n")
        out.write("\n")
        out.writelines(f"{day.isoformat()} open {name} VND\n" for name, day in sorted(opened.items()))
    return written


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

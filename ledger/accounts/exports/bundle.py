"""The interchange bundle (tests/data/bench/FORMAT.md): FILE is the journal, units.csv, accounts.csv and
funds.csv are written beside it; `ledger import-journal FILE` into a fresh database gives every unit the same
trial balance.

How the books fit the bundle:
- units.csv: the exported unit's ancestors below the tree's root, then the exported units, parents first. The
  top row has no parent, so it lands under the receiving database's own root whatever its code; the root
  itself is written only when its own books are exported. Funds are owned by that top row's unit on import.
- entry_id is UNIT/NUMBER (voucher numbers repeat from unit to unit). Entries keep posting order, so cash and
  bank never go negative on import as they never did when posted; the two entries of a transfer (sender's
  621, receiver's 521) stay consecutive and the import pairs them again, naming each other's unit.
- Entries without lines (the anchors of reports sent up) move no money and are left out.
- With --from, each unit's books before it come first as one opening entry dated the day before (its
  balance per account and fund then; these balance per fund), so the imported balances are right from
  then on; with --to, entries dated after it are left out.
- What a bundle has no column for is lost: voucher numbers (the import numbers afresh), reversal links,
  the counterparty unit of claims between units (136/336: a consolidated trial balance of the imported books
  keeps them), fund kinds (imported funds are unrestricted and not pooled).
"""
import csv
from pathlib import Path

from sqlalchemy import select

from ledger.accounts.exports.files import Staged
from ledger.accounts.exports.journal import ExportScope, Written, export_entries
from ledger.accounts.importer import DIMENSIONS, JOURNAL_COLUMNS
from ledger.accounts.journal_checks import parent_code
from ledger.accounts.models import Account, Fund
from ledger.core.errors import ValidationFailed
from ledger.core.i18n import _
from ledger.extensions import db
from ledger.units.models import Unit


def write_bundle(scope: ExportScope, path: Path) -> Written:
    if path.stem in DIMENSIONS:
        raise ValidationFailed(_("Tệp sổ nhật ký không được đặt tên %(name)s: tên này dành cho tệp danh mục "
                                 "bên cạnh.", name=path.name), field="file")
    written, accounts, funds = Written(), set(), set()
    with Staged() as staged:
        journal = csv.writer(staged.open(path), lineterminator="\n")
        journal.writerow(JOURNAL_COLUMNS)
        for entry in map(written.count, export_entries(scope)):
            for line in entry.lines:
                accounts.add(line.account)
                funds.add(line.fund)
                journal.writerow((entry.key, entry.dated_on.isoformat(), entry.unit, line.account, line.fund,
                                  line.debit, line.credit, entry.memo))
        dimension(staged, path, "units", unit_rows(scope))
        dimension(staged, path, "accounts", account_rows(accounts))
        dimension(staged, path, "funds", fund_rows(funds))
    return written


def dimension(staged: Staged, journal: Path, name: str, rows) -> None:
    writer = csv.writer(staged.open(journal.with_name(f"{name}.csv")), lineterminator="\n")
    writer.writerow(DIMENSIONS[name])
    writer.writerows(rows)


def unit_rows(scope: ExportScope):
    """Ancestors below the root, then the exported units; the first row without a parent."""
    ancestors = scope.unit.ancestor_codes[1:-1]
    known = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.code.in_(ancestors)))}
    chain = [known[code] for code in ancestors] + scope.units
    for number, unit in enumerate(chain):
        yield unit.code, parent_code(unit.path) if number else "", unit.level, unit.name


def account_rows(codes: set[str]):
    found = db.session.scalars(select(Account).where(Account.code.in_(sorted(codes))).order_by(Account.code))
    return ((a.code, a.name, a.name_en, a.type, a.normal_side) for a in found)


def fund_rows(codes: set[str]):
    found = db.session.scalars(select(Fund).where(Fund.code.in_(sorted(codes))).order_by(Fund.code))
    return ((f.code, f.name, "") for f in found)

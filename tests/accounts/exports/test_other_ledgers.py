"""hledger and beancount read our exports and find our numbers: on the demo's Sơn La subtree every account's
balance (debit − credit per UNIT:ACCOUNT:FUND) equals the project's trial balance; odd memos and codes do not
break either file."""
import csv
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from ledger.accounts.exports.beancount import ROOTS
from ledger.accounts.models import Account
from ledger.demo.load import load_demo
from ledger.extensions import db
from ledger.units.models import Unit
from ledger.units.services import get_unit, subtree_filter
from tests.accounts.exports.conftest import net_balances, run

TOOLS = Path(sys.executable).parent  # bean-check and bean-query come with the beancount package (test extra)


def hledger_balances(path: Path) -> dict[str, int]:
    output = subprocess.run(["hledger", "-f", str(path), "balance", "--flat", "--no-total", "-O", "csv"],
                            check=True, capture_output=True, text=True).stdout
    rows = list(csv.reader(output.splitlines()))
    assert rows[0] == ["account", "balance"]
    return {account: int(amount.removesuffix(" VND")) for account, amount in rows[1:]}


def bean_check(path: Path) -> None:
    checked = subprocess.run([str(TOOLS / "bean-check"), str(path)], capture_output=True, text=True)
    assert checked.returncode == 0 and not checked.stdout + checked.stderr, checked.stdout + checked.stderr


def bean_query_balances(path: Path) -> dict[str, int]:
    output = subprocess.run([str(TOOLS / "bean-query"), "-f", "csv", str(path),
                             "SELECT account, sum(number) AS balance GROUP BY account"],
                            check=True, capture_output=True, text=True).stdout
    rows = list(csv.reader(output.splitlines()))
    assert rows[0] == ["account", "balance"]
    return {account: int(Decimal(amount.strip())) for account, amount in rows[1:] if Decimal(amount.strip())}


def project_balances(codes) -> dict[tuple[str, str, str], int]:
    return {(unit, account, fund): balance
            for unit, rows in net_balances(codes).items() for (account, fund), balance in rows.items()}


def export(app, path: Path, *options) -> Path:
    result = run(app, "export-journal", *options, path)
    assert result.exit_code == 0, result.output
    return path


def test_the_demo_son_la_subtree_in_hledger_and_beancount(app, tmp_path):
    load_demo()  # seconds: loaded once, both tools read the same books
    codes = list(db.session.scalars(select(Unit.code).where(subtree_filter(get_unit("SL").path))))
    expected = project_balances(codes)
    assert len(expected) > 20 and {unit for unit, _a, _f in expected} > {"SL"}, "the demo's Sơn La has books"

    journal = export(app, tmp_path / "son-la.journal", "--unit", "SL", "--subtree", "--format", "hledger")
    assert hledger_balances(journal) == {":".join(key): balance for key, balance in expected.items()}

    beancount = export(app, tmp_path / "son-la.beancount", "--unit", "SL", "--subtree", "--format", "beancount")
    bean_check(beancount)
    types = dict(db.session.execute(select(Account.code, Account.type)).all())
    assert bean_query_balances(beancount) == {f"{ROOTS[types[account]]}:{unit}:{account}:{fund}": balance
                                              for (unit, account, fund), balance in expected.items()}


def test_odd_memos_and_codes_still_make_files_both_tools_read(app, make_unit, make_fund, post, tmp_path):
    make_unit("lc_x.1", level="province", name="Tỉnh thử")
    make_fund("quỹ_1", owner="lc_x.1")
    post("lc_x.1", [("111", "quỹ_1", 2_015_000, 0), ("511", "quỹ_1", 0, 2_015_000)], on=date(2025, 3, 10),
         memo='Thu "hộ"; \\ dòng một\ndòng hai (PT)', voucher_type="PT")
    post("lc_x.1", [("611", "quỹ_1", 15_000, 0), ("111", "quỹ_1", 0, 15_000)], on=date(2025, 3, 9))

    journal = export(app, tmp_path / "odd.journal", "--unit", "lc_x.1", "--format", "hledger")
    assert hledger_balances(journal) == {"lc_x.1:111:quỹ_1": 2_000_000, "lc_x.1:511:quỹ_1": -2_015_000,
                                         "lc_x.1:611:quỹ_1": 15_000}
    assert '2025-03-10 (PT-2025-000001) Thu "hộ", \\ dòng một dòng hai (PT)\n' in journal.read_text(encoding="utf-8")

    beancount = export(app, tmp_path / "odd.beancount", "--unit", "lc_x.1", "--format", "beancount")
    bean_check(beancount)
    assert bean_query_balances(beancount) == {"Assets:Lc-x-1:111:Qu--1": 2_000_000,
                                              "Income:Lc-x-1:511:Qu--1": -2_015_000,
                                              "Expenses:Lc-x-1:611:Qu--1": 15_000}
    # The earlier-dated payment was posted second: its accounts open on its date, not the first entry's.
    assert "2025-03-09 open Assets:Lc-x-1:111:Qu--1 VND" in beancount.read_text(encoding="utf-8")

"""Books to export: the small Sơn La tree of tests/accounts/conftest.py with receipts (one collected on behalf
of the province), a payment, a transfer up the tree, a reversal and an entry of the next year.

    VN ─ SL ─ SL-X01 ─ SL-B1, SL-B2
            └ SL-X02 ─ SL-B3
"""
from datetime import date

import pytest

from ledger.accounts import balances
from ledger.units.services import get_unit

UNITS = ("SL", "SL-X01", "SL-X02", "SL-B1", "SL-B2", "SL-B3")


@pytest.fixture
def books(community_tree, give, remit, post):
    from ledger.accounts.services import reverse_entry
    from ledger.extensions import db

    give("SL", 10_000_000, fund="HOIPHI", on=date(2025, 1, 5))
    give("SL-X02", 3_000_000, fund="HOIPHI", on=date(2025, 2, 1))
    give("SL-X01", 5_000_000, fund="HOIPHI", on=date(2025, 3, 10))
    give("SL-B1", 2_000_000, fund="TOHIEU", on=date(2025, 3, 12))  # collected on behalf of SL: 336 / 136
    remit("SL-X01", "SL", 1_500_000, fund="HOIPHI", on=date(2025, 4, 1))  # a transfer: 621 / 521
    post("SL-X02", [("611", "HOIPHI", 800_000, 0), ("111", "HOIPHI", 0, 800_000)], on=date(2025, 5, 1),
         memo="Chi học bổng", voucher_type="PC")
    wrong = give("SL-B2", 400_000, fund="HOIPHI", on=date(2025, 5, 20))
    reverse_entry(wrong.transaction.entries[0], on=date(2025, 6, 2), reason="Ghi nhầm")
    post("SL-B3", [("111", "HOIPHI", 250_000, 0), ("512", "HOIPHI", 0, 250_000)], on=date(2026, 2, 3),
         memo="Hội phí", voucher_type="PT")
    db.session.commit()


def run(app, *args):
    return app.test_cli_runner().invoke(args=[str(arg) for arg in args])


def trial_balances(codes=UNITS, *, as_of=None) -> dict[str, list[dict]]:
    return {code: balances.trial_balance(get_unit(code), as_of=as_of)["rows"] for code in codes}


def net_balances(codes=UNITS, *, as_of=None) -> dict[str, dict]:
    """Per unit, (account, fund) → debit − credit, zero balances left out."""
    return {code: {(r["account"], r["fund"]): r["balance"] for r in rows if r["balance"]}
            for code, rows in trial_balances(codes, as_of=as_of).items()}

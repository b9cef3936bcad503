"""Fixtures of the members, dues and campaign tests: a small Sơn La tree, its funds, gifts and remittances.

    VN ─ SL (province) ─ SL-X01 (commune) ─ SL-B1, SL-B2 (branches)
                       └ SL-X02 (commune) ─ SL-B3 (branch)
HOIPHI: the dues fund every level keeps its part of; TOHIEU: the pooled endowment the campaigns raise.
"""
from datetime import date

import pytest

from ledger.extensions import db


@pytest.fixture
def community_tree(make_unit, make_fund) -> None:
    make_unit("SL", level="province", name="Hội Khuyến học tỉnh Sơn La")
    make_unit("SL-X01", level="commune", parent="SL", name="Hội Khuyến học phường Tô Hiệu")
    make_unit("SL-X02", level="commune", parent="SL", name="Hội Khuyến học xã Mường Bú")
    make_unit("SL-B1", parent="SL-X01", name="Chi hội tổ 1")
    make_unit("SL-B2", parent="SL-X01", name="Chi hội tổ 2")
    make_unit("SL-B3", parent="SL-X02", name="Chi hội bản Mé")
    make_fund("HOIPHI", owner="SL", name="Quỹ hội phí")
    make_fund("TOHIEU-THU", owner="SL", kind="restricted", pooled=True, name="Quỹ học bổng Tô Hiệu — thu nhập")
    make_fund("TOHIEU", owner="SL", kind="endowment", pooled=True, income_fund="TOHIEU-THU",
              name="Quỹ học bổng Tô Hiệu")


@pytest.fixture
def give(app):
    return give_receipt


def give_receipt(unit_code: str, amount: int, *, on=date(2025, 3, 10), campaign=None, donor=None, fund="TOHIEU",
         **extra):
    """A donation receipt through the receipts service, committed."""
    from ledger.accounts.treasury.services.receipts import record_receipt
    from ledger.units.services import get_unit

    data = {"date": on, "amount": amount, "method": "cash", "fund": fund, "category": "donation",
            "donor": donor or {"name": "Nguyễn Văn An", "kind": "individual", "publish": "full"},
            "campaign": campaign, **extra}
    receipt = record_receipt(get_unit(unit_code), data, by=None)
    db.session.commit()
    return receipt


@pytest.fixture
def remit(app):
    return remit_money


def remit_money(from_code: str, to_code: str, amount: int, *, on=date(2025, 4, 1), fund="TOHIEU"):
    from ledger.accounts.treasury.services.remittances import record_remittance
    from ledger.units.services import get_unit

    remittance = record_remittance(get_unit(from_code), {"date": on, "to_unit": to_code, "fund": fund,
                                                         "amount": amount, "method": "cash"}, by=None)
    db.session.commit()
    return remittance


@pytest.fixture
def balance(app):
    return balance_of


def balance_of(api, unit: str, account: str, fund: str | None = None) -> int:
    """Debit minus credit of an account in a unit's books, from the trial balance API."""
    rows = api.get(f"/units/{unit}/trial-balance").json["rows"]
    return sum(r["balance"] for r in rows if r["account"] == account and (fund is None or r["fund"] == fund))

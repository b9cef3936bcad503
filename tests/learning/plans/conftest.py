"""A three-level tree with members, population, receipts, dues and learning tallies in 2025, whose sums are
worked out by hand in the tests.

    P (province, no population of its own)
    ├── C1 (commune, population 50)  ├── B11 (branch)  └── B12 (branch)
    └── C2 (commune, population 40)  └── B21 (branch)
    Q (another province)
"""
from datetime import date

import pytest

from ledger.accounts.community.models import DuesPayment, Member
from ledger.accounts.treasury.services.receipts import record_receipt
from ledger.extensions import db
from ledger.units.services import get_unit

YEAR = 2025
DONOR = {"name": "Lò Văn Pọm", "kind": "individual", "publish": "full"}


def receipt(unit_code, amount, on, fund, category="donation", **extra):
    data = {"date": on, "amount": amount, "method": "cash", "fund": fund, "category": category, "donor": DONOR,
            **extra}
    return record_receipt(get_unit(unit_code), data, by=None)


@pytest.fixture
def receipt_at(app):
    """receipt_at(unit_code, amount, on, fund, category="donation", **extra) → a posted receipt."""
    return receipt


@pytest.fixture
def tree(app, make_unit, make_fund):
    make_unit("P", level="province", name="Hội Khuyến học tỉnh Phú An")
    make_unit("C1", level="commune", parent="P", name="Hội Khuyến học xã Chiềng An")
    make_unit("C2", level="commune", parent="P", name="Hội Khuyến học xã Mường Hai")
    make_unit("B11", level="branch", parent="C1", name="Chi hội bản Một")
    make_unit("B12", level="branch", parent="C1", name="Chi hội bản Hai")
    make_unit("B21", level="branch", parent="C2", name="Chi hội bản Ba")
    make_unit("Q", level="province", name="Hội Khuyến học tỉnh khác")
    get_unit("C1").population, get_unit("C2").population = 50, 40
    make_fund("QP", owner="P", name="Quỹ khuyến học tỉnh")
    make_fund("QC1", owner="C1", name="Quỹ khuyến học xã Chiềng An")
    db.session.commit()
    return "P"


@pytest.fixture
def members(tree):
    """On 31/12/2025: B11 4, B12 1, B21 1 (P 6); on 31/12/2024: B11 3, B12 2, B21 0 (P 5).
    On the roll at some time in 2025 (dues): B11 4, B12 2, B21 1."""
    rows = {"B11": [(date(2024, 5, 1), None)] * 3 + [(date(2025, 3, 1), None)],
            "B12": [(None, None), (None, date(2025, 6, 30))],
            "B21": [(date(2025, 2, 1), None)]}
    made = {}
    for code, people in rows.items():
        unit = get_unit(code)
        made[code] = [Member(unit=unit, full_name=f"Hội viên {code} {n}", joined_on=joined, left_on=left)
                      for n, (joined, left) in enumerate(people)]
        db.session.add_all(made[code])
    db.session.commit()
    return made


@pytest.fixture
def money(tree, members):
    """Receipts dated 2025, not reversed: B11 1.000.000 (QC1) + 60.000 dues (QC1), B12 500.000 (QC1),
    C2 2.000.000 (QP), P 300.000 (QP) → P 3.860.000, C1 1.560.000, C2 2.000.000; QC1 only: 1.560.000.
    Left out: B11 700.000 dated 2024, B21 400.000 reversed. Dues 2025 paid by 3 of B11's members."""
    from ledger.accounts.services import reverse_entry

    receipt("B11", 1_000_000, date(2025, 4, 2), "QC1")
    dues = receipt("B11", 60_000, date(2025, 5, 5), "QC1", category="dues")
    receipt("B12", 500_000, date(2025, 11, 20), "QC1")
    receipt("C2", 2_000_000, date(2025, 1, 1), "QP")
    receipt("P", 300_000, date(2025, 12, 31), "QP")
    receipt("B11", 700_000, date(2024, 12, 31), "QC1")
    wrong = receipt("B21", 400_000, date(2025, 6, 1), "QP")
    reverse_entry(wrong.transaction.entries[0], on=date(2025, 6, 2), reason="Ghi nhầm")
    db.session.add_all([DuesPayment(member=m, year=YEAR, amount=20_000, receipt=dues) for m in members["B11"][:3]])
    db.session.commit()

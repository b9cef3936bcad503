"""A three-level tree for the registry, with the root VN above it:

    RP (province)
    ├── RP-X (commune)  ├── RP-X-1 (branch)  └── RP-X-2 (branch)
    └── RP-Y (commune)  └── RP-Y-1 (branch)
    RQ (another province)
"""
import pytest
from sqlalchemy import select

from ledger.extensions import db
from ledger.learning.models import SubtreeCount, Tally
from ledger.units.services import get_unit

UNITS = ("VN", "RP", "RP-X", "RP-X-1", "RP-X-2", "RP-Y", "RP-Y-1", "RQ")


@pytest.fixture
def tree(make_unit):
    make_unit("RP", level="province", name="Hội Khuyến học tỉnh Rạng Phong")
    make_unit("RP-X", level="commune", parent="RP", name="Hội Khuyến học xã Tân Xuân")
    make_unit("RP-X-1", level="branch", parent="RP-X", name="Chi hội bản Nà Lừa")
    make_unit("RP-X-2", level="branch", parent="RP-X", name="Chi hội bản Co Mạ")
    make_unit("RP-Y", level="commune", parent="RP", name="Hội Khuyến học xã Yên Bình")
    make_unit("RP-Y-1", level="branch", parent="RP-Y", name="Chi hội bản Pá Khoang")
    make_unit("RQ", level="province", name="Hội Khuyến học tỉnh khác")
    return "RP"


def tally(code: str, year: int, model: str = "family") -> tuple | None:
    """(registered, assessed, passed, recognized) kept for the unit, or None when it has no row."""
    db.session.expire_all()
    row = db.session.scalar(select(Tally).where(Tally.unit_id == get_unit(code).id, Tally.year == year,
                                                Tally.model == model))
    return None if row is None else (row.registered, row.assessed, row.passed, row.recognized)


def base(code: str) -> tuple | None:
    db.session.expire_all()
    row = db.session.get(SubtreeCount, get_unit(code).id)
    return None if row is None else (row.population, row.households)

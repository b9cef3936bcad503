"""The manifest: what it counts in real books, and the pure comparison that names every difference."""
import copy

from sqlalchemy import func, select, update

from ledger.accounts.models import Balance, ChainHead, Entry, Line
from ledger.backup.manifest import EMPTY_DIGEST, differences, take, totals
from ledger.extensions import db
from ledger.units.models import Unit

HEAD = "a" * 64
UNIT = {"chain_head": HEAD, "chain_length": 2, "entries": 2, "lines": 4, "vouchers": {"PT-2025": 2},
        "balances": "b" * 64, "monthly_balances": "c" * 64}
MANIFEST = {"format": 1, "engine": "sqlite", "revision": "r2", "taken_at": "2026-01-01T00:00:00+00:00",
            "units": {"SL": UNIT, "SL-B1": {**UNIT, "vouchers": {}}}}


def test_the_same_books_have_no_differences():
    assert differences(MANIFEST, copy.deepcopy(MANIFEST)) == []


def test_each_difference_is_named_with_the_unit_and_what_differs():
    found = copy.deepcopy(MANIFEST)
    found["revision"] = "r1"
    found["units"]["SL"].update(chain_head="d" * 64, entries=3, vouchers={"PT-2025": 3})
    del found["units"]["SL-B1"]
    found["units"]["SL-B9"] = UNIT
    assert differences(MANIFEST, found) == [
        "Phiên bản lược đồ khác: bản sao lưu r2, cơ sở dữ liệu r1.",
        "Đơn vị SL-B1 có trong bản sao lưu nhưng không có trong cơ sở dữ liệu.",
        "Đơn vị SL-B9 có trong cơ sở dữ liệu nhưng không có trong bản sao lưu.",
        "Đơn vị SL: đầu chuỗi khác (bản sao lưu aaaaaaaaaaaa…, cơ sở dữ liệu dddddddddddd…).",
        "Đơn vị SL: số bút toán khác (bản sao lưu 2, cơ sở dữ liệu 3).",
        "Đơn vị SL: bộ đếm số chứng từ khác (bản sao lưu PT-2025: 2, cơ sở dữ liệu PT-2025: 3).",
    ]


def test_totals_add_up_the_units():
    assert totals(MANIFEST) == {"units": 2, "entries": 4, "lines": 8}


def test_the_manifest_counts_each_units_books(app, books):
    manifest = take(db.session.connection())
    branch = manifest["units"]["SL-B1"]
    # a receipt and the remittance sent up: two entries of two lines, numbered PT and PC in 2025
    assert (branch["entries"], branch["lines"], branch["chain_length"]) == (2, 4, 2)
    assert branch["vouchers"] == {"PT-2025": 1, "PC-2025": 1}
    for unit in db.session.scalars(select(Unit)):  # the grouped queries agree with one count per unit
        counted = manifest["units"].pop(unit.code)
        entries = db.session.scalar(select(func.count(Entry.id)).where(Entry.unit_id == unit.id))
        lines = db.session.scalar(select(func.count(Line.id)).join(Entry).where(Entry.unit_id == unit.id))
        head = db.session.get(ChainHead, unit.id)
        assert (counted["entries"], counted["lines"]) == (entries, lines)
        assert counted["chain_head"] == (head.head if head else "0" * 64)
        assert (counted["balances"] == EMPTY_DIGEST) == (not entries)
    assert manifest["units"] == {}


def test_the_balances_digest_moves_with_one_dong_of_one_unit(app, books):
    before = take(db.session.connection())["units"]
    branch = db.session.scalar(select(Unit.id).where(Unit.code == "SL-B1"))
    db.session.execute(update(Balance).where(Balance.unit_id == branch, Balance.debit_total > 0)
                       .values(debit_total=Balance.debit_total + 1))
    after = take(db.session.connection())["units"]
    assert [code for code in before if before[code]["balances"] != after[code]["balances"]] == ["SL-B1"]
    assert after["SL-B1"]["monthly_balances"] == before["SL-B1"]["monthly_balances"]

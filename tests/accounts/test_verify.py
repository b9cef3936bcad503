"""Tampering with posted rows or kept balances behind the application's back is found (Invariants 9, 10):
by GET /units/{code}/verify, and by `ledger check`, which then exits 1.

The guards are switched off first (they would refuse the change), the way an intruder with the
database password would.
"""
from contextlib import contextmanager

import pytest
from sqlalchemy import text

from ledger.extensions import db

DONATION = [{"account": "111", "fund": "QKH", "debit": 2015000}, {"account": "511", "fund": "QKH", "credit": 2015000}]


@pytest.fixture
def books(api_as, make_unit, make_fund):
    make_unit("SL", level="province")
    make_unit("SL-X01", level="commune", parent="SL")
    make_fund("QKH", owner="SL")
    api = api_as(("SL", "auditor"), ("SL", "treasurer"))
    api.entries = [api.post("/units/SL-X01/entries", json={"date": f"2026-03-1{day}", "memo": "Ủng hộ",
                                                           "lines": DONATION}).json for day in range(3)]
    return api


@contextmanager
def guards_off(table: str):
    """Disable the append-only triggers of one table for the block (SQLite: drop them for good)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        yield
        db.session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
    else:
        for event in ("update", "delete"):
            db.session.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{event}"))
        yield
    db.session.commit()


def check(app) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["check"])
    return result.exit_code, result.output


def test_clean_books_verify_and_check_exit_zero(books, app):
    r = books.get("/units/SL-X01/verify")
    assert r.status_code == 200
    assert r.json["valid"] is True and r.json["entries_checked"] == 3
    assert r.json["head"] == books.entries[-1]["hash"] and r.json["problems"] == []
    code, output = check(app)
    assert code == 0 and "KHỚP" in output


def test_a_changed_line_amount_is_found_and_named(books, app):
    second = books.entries[1]
    with guards_off("lines"):
        db.session.execute(text("UPDATE lines SET debit = debit + 1000000 WHERE entry_id = :id AND debit > 0"),
                           {"id": second["id"]})
        db.session.execute(text("UPDATE lines SET credit = credit + 1000000 WHERE entry_id = :id AND credit > 0"),
                           {"id": second["id"]})
    r = books.get("/units/SL-X01/verify").json
    assert r["valid"] is False
    assert second["number"] in r["problems"][0]
    # the lines still balance, so only the chain saw it; the kept balances no longer match the lines
    assert any("số dư" in problem for problem in r["problems"][1:])
    code, output = check(app)
    assert code == 1 and "SL-X01" in output and second["number"] in output


def test_a_changed_memo_with_its_hash_recomputed_breaks_the_next_link(books, app):
    from ledger.accounts import ledger

    first, second = books.entries[0], books.entries[1]
    content = ledger.entry_content(unit="SL-X01", number=first["number"], dated_on=first["date"], memo="Sửa lén",
                                   reverses=None, lines=[(ln["account"], ln["fund"], ln["debit"], ln["credit"], None,
                                                          ln["counterparty"]) for ln in first["lines"]])
    with guards_off("entries"):
        db.session.execute(text("UPDATE entries SET memo = 'Sửa lén', hash = :hash WHERE id = :id"),
                           {"hash": ledger.chain_hash("0" * 64, content), "id": first["id"]})
    r = books.get("/units/SL-X01/verify").json
    assert r["valid"] is False and second["number"] in r["problems"][0]
    assert check(app)[0] == 1


def test_a_changed_counterparty_name_is_found(books, app):
    """Who was paid is part of the posted line: the hash covers it, not only the amounts."""
    second = books.entries[1]
    with guards_off("lines"):
        db.session.execute(text("UPDATE lines SET counterparty = 'Người khác' WHERE entry_id = :id"),
                           {"id": second["id"]})
    r = books.get("/units/SL-X01/verify").json
    assert r["valid"] is False and second["number"] in r["problems"][0]


def test_a_deleted_entry_breaks_the_chain(books, app):
    last = books.entries[-1]
    with guards_off("lines"):
        db.session.execute(text("DELETE FROM lines WHERE entry_id = :id"), {"id": last["id"]})
    with guards_off("entries"):
        db.session.execute(text("DELETE FROM entries WHERE id = :id"), {"id": last["id"]})
    r = books.get("/units/SL-X01/verify").json
    assert r["valid"] is False and r["entries_checked"] == 2
    assert check(app)[0] == 1


@pytest.mark.parametrize("table, column", [("balances", "debit_total"), ("monthly_balances", "debit")])
def test_a_tampered_kept_balance_is_reported(books, app, table, column):
    db.session.execute(text(f"UPDATE {table} SET {column} = {column} + 1 WHERE {column} > 0"))
    db.session.commit()
    r = books.get("/units/SL-X01/verify").json
    assert r["valid"] is False
    assert any("lưu sẵn khác tổng các dòng" in problem for problem in r["problems"])
    code, output = check(app)
    assert code == 1 and "lưu sẵn" in output


def test_check_of_one_unit_only_reads_that_unit(books, app, make_unit):
    make_unit("SL-X02", level="commune", parent="SL")
    db.session.execute(text("UPDATE balances SET credit_total = credit_total + 1 WHERE credit_total > 0"))
    db.session.commit()
    assert app.test_cli_runner().invoke(args=["check", "--unit", "SL-X02"]).exit_code == 0
    assert app.test_cli_runner().invoke(args=["check", "--unit", "SL-X01"]).exit_code == 1


def test_a_kept_balance_difference_is_named_in_plain_words(books, app):
    """Item 8: the account, fund and month a volunteer can look up, never a Python repr."""
    db.session.execute(text("UPDATE monthly_balances SET debit = debit + 1 WHERE debit > 0"))
    db.session.commit()
    problems = books.get("/units/SL-X01/verify").json["problems"]
    assert problems == [("Bảng số phát sinh tháng lưu sẵn khác tổng các dòng (tại tài khoản 111, quỹ QKH, "
                         "tháng 03/2026).")]
    assert "datetime" not in check(app)[1]

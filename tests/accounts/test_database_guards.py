"""The database itself refuses what the invariants forbid, even to SQL that bypasses the posting service.

Both engines: posted entries, lines and audit rows never change (3, 11); line amounts and guarded
balances are checked (2, 5); kept balances stay under the ceiling; voucher numbers are unique (6).
PostgreSQL also checks each statement of new lines: the entry balances per fund, and lines only join
entries posted in that transaction (1, 3).
"""
from datetime import date

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import DBAPIError

from ledger.accounts.ledger import BALANCE_CEILING
from ledger.accounts.models import Account, Balance, Entry, Fund, Line, Transaction
from ledger.extensions import db

DONATION = [("111", "QKH", 500000, 0), ("511", "QKH", 0, 500000)]


@pytest.fixture
def entry(make_unit, make_fund, post):
    make_unit("SL", level="province")
    make_fund("QKH", owner="SL")
    return post("SL", DONATION, on=date(2026, 3, 10))


def refused(sql: str, match: str, **params):
    with pytest.raises(DBAPIError, match=match):
        db.session.execute(text(sql), params)
        db.session.flush()
    db.session.rollback()


def goes_through_or_refused(statement, ok: bool, match: str) -> None:
    """The control goes through; the other is refused by the database with `match`."""
    if ok:
        db.session.execute(statement)
    else:
        with pytest.raises(DBAPIError, match=match):
            db.session.execute(statement)
    db.session.rollback()


@pytest.mark.parametrize("sql", [
    "UPDATE entries SET memo = 'sửa' WHERE id = :id",
    "UPDATE entries SET dated_on = '2026-03-11' WHERE id = :id",
    "DELETE FROM entries WHERE id = :id",
    "UPDATE lines SET debit = debit + 1 WHERE entry_id = :id AND debit > 0",
    "DELETE FROM lines WHERE entry_id = :id",
    "UPDATE audit_events SET action = 'x'",
    "DELETE FROM audit_events",
])
def test_posted_rows_refuse_update_and_delete(entry, sql):
    before = db.session.execute(select(Line.debit, Line.credit).where(Line.entry_id == entry.id)).all()
    audits = db.session.scalar(text("SELECT count(*) FROM audit_events"))
    refused(sql, "append-only", id=entry.id)
    assert db.session.execute(select(Line.debit, Line.credit).where(Line.entry_id == entry.id)).all() == before
    assert db.session.get(Entry, entry.id).memo == ""
    assert db.session.scalar(text("SELECT count(*) FROM audit_events")) == audits > 0


@pytest.mark.parametrize("debit, credit", [(0, 0), (-5, 0), (5, 5), (10**15 + 1, 0), (0, -1)])
def test_a_line_is_one_positive_side_of_at_most_ten_to_the_fifteen(entry, debit, credit):
    refused("INSERT INTO lines (entry_id, account_id, fund_id, debit, credit) "
            "SELECT entry_id, account_id, fund_id, :debit, :credit FROM lines WHERE entry_id = :id LIMIT 1",
            "one_side_positive", id=entry.id, debit=debit, credit=credit)


def test_a_guarded_balance_cannot_be_written_below_zero(entry):
    cash = db.session.scalar(select(Balance).join(Account, Balance.account_id == Account.id)
                             .where(Account.code == "111"))
    assert cash.is_no_negative and cash.debit_total == 500000
    refused("UPDATE balances SET credit_total = debit_total + 1 WHERE is_no_negative AND unit_id = :unit",
            "no_negative", unit=entry.unit_id)
    # the same write on an unguarded balance (revenue 511) is the check's control: it goes through
    db.session.execute(text("UPDATE balances SET debit_total = credit_total + 1 WHERE NOT is_no_negative"))
    db.session.rollback()


@pytest.mark.parametrize("table, column", [("balances", "debit_total"), ("balances", "credit_total"),
                                           ("monthly_balances", "debit"), ("monthly_balances", "credit")])
@pytest.mark.parametrize("value, ok", [(BALANCE_CEILING, True), (BALANCE_CEILING + 1, False)])
def test_kept_balances_stay_at_or_under_the_ceiling(entry, table, column, value, ok):
    """The control (exactly the ceiling) is written; one đồng more is not (a REAL on SQLite: test_posting_limits)."""
    other = {"debit_total": "credit_total", "credit_total": "debit_total", "debit": "credit", "credit": "debit"}[column]
    # both sides move, so the no-negative check of guarded rows cannot be what refuses
    goes_through_or_refused(text(f"UPDATE {table} SET {column} = :value, {other} = :value WHERE unit_id = :unit")
                            .bindparams(value=value, unit=entry.unit_id), ok, "under_ceiling")


@pytest.mark.parametrize("seq, ok", [(2, True), (1, False)])
def test_voucher_numbers_are_unique_per_unit_type_and_year(entry, seq, ok):
    row = {c.key: getattr(entry, c.key) for c in Entry.__table__.columns if c.key != "id"}
    goes_through_or_refused(insert(Entry).values({**row, "seq": seq, "chain_index": 99, "hash": "f" * 64}),
                            ok, "voucher_type")


# ---- PostgreSQL: the statement trigger on new lines -----------------------------------------------

def new_entry(unit_id: int) -> int:
    """An entry row posted in the current transaction, without lines yet."""
    tx = db.session.execute(insert(Transaction).values(kind="entry", memo="").returning(Transaction.id)).scalar_one()
    return db.session.execute(insert(Entry).values(
        transaction_id=tx, unit_id=unit_id, voucher_type="BT", fiscal_year=2026, seq=999, number="BT-2026-000999",
        dated_on=date(2026, 3, 11), memo="", chain_index=999, prev_hash="0" * 64, hash="e" * 64,
        posted_at=func.now()).returning(Entry.id)).scalar_one()


def lines_for(entry_id: int, *amounts) -> list[dict]:
    """Lines from (account, debit, credit) in fund QKH, or (account, fund, debit, credit)."""
    account = dict(db.session.execute(select(Account.code, Account.id)).all())
    fund = dict(db.session.execute(select(Fund.code, Fund.id)).all())
    return [{"entry_id": entry_id, "account_id": account[code], "fund_id": fund[rest[0] if len(rest) == 3 else "QKH"],
             "debit": rest[-2], "credit": rest[-1]} for code, *rest in amounts]


@pytest.mark.postgres
@pytest.mark.parametrize("amounts, ok", [
    ((("111", 100, 0), ("511", 0, 100)), True),
    ((("111", 100, 0), ("511", 0, 90)), False),
    ((("111", 100, 0),), False),
])
def test_postgres_refuses_an_unbalanced_statement_of_new_lines(entry, amounts, ok):
    goes_through_or_refused(insert(Line).values(lines_for(new_entry(entry.unit_id), *amounts)), ok, "does not balance")


@pytest.mark.postgres
@pytest.mark.parametrize("amounts, ok", [
    ((("111", "QKH", 100, 0), ("511", "QKH", 0, 100), ("112", "HB", 40, 0), ("511", "HB", 0, 40)), True),
    ((("111", "QKH", 100, 0), ("511", "HB", 0, 100)), False),
    ((("111", "QKH", 100, 0), ("112", "HB", 40, 0), ("511", "QKH", 0, 40), ("511", "HB", 0, 100)), False),
])
def test_postgres_checks_each_fund_of_a_new_entry_not_only_its_total(entry, make_fund, amounts, ok):
    """Lines that balance in total but not per fund are refused: the trigger groups by entry and fund (mutant M4)."""
    make_fund("HB", owner="SL")
    goes_through_or_refused(insert(Line).values(lines_for(new_entry(entry.unit_id), *amounts)), ok, "does not balance")


@pytest.mark.postgres
def test_postgres_refuses_a_second_statement_that_unbalances_a_new_entry(entry):
    entry_id = new_entry(entry.unit_id)
    db.session.execute(insert(Line).values(lines_for(entry_id, ("111", 100, 0), ("511", 0, 100))))
    with pytest.raises(DBAPIError, match="does not balance"):
        db.session.execute(insert(Line).values(lines_for(entry_id, ("111", 7, 0))))
    db.session.rollback()


@pytest.mark.postgres
def test_postgres_refuses_lines_added_to_an_entry_posted_earlier(entry):
    with pytest.raises(DBAPIError, match="posted earlier"):
        db.session.execute(insert(Line).values(lines_for(entry.id, ("111", 5, 0), ("511", 0, 5))))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).where(Line.entry_id == entry.id)) == 2

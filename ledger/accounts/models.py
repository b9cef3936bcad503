"""The books: chart, funds, transactions → entries (one per unit's books) → lines, kept balances.

Amounts are whole đồng in BIGINT columns guarded by check constraints; balances kept per
(unit, account, fund, counterparty unit) and per month are written only by the posting service and
stay integers at or below BALANCE_CEILING (on SQLite a sum past 2^63 would silently become a REAL).
"""
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.accounts.chart import ACCOUNT_TYPES
from ledger.accounts.ledger import BALANCE_CEILING
from ledger.core.db import Base, utcnow
from ledger.core.money import MAX_AMOUNT
from ledger.units.models import Unit

FUND_KINDS = ("unrestricted", "restricted", "endowment")
REGIMES = ("association", "charity_fund")
VOUCHER_TYPES = ("BT", "PT", "PC")


def kept_columns_checks(debit: str, credit: str) -> tuple[CheckConstraint, CheckConstraint]:
    """Under the ceiling on both engines; on SQLite also of INTEGER storage class (never a REAL)."""
    return (CheckConstraint(f"{debit} <= {BALANCE_CEILING} AND {credit} <= {BALANCE_CEILING}", name="under_ceiling"),
            CheckConstraint(f"typeof({debit}) = 'integer' AND typeof({credit}) = 'integer'",
                            name="integers").ddl_if(dialect="sqlite"))


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (
        CheckConstraint(f"type IN ({','.join(repr(kind) for kind in ACCOUNT_TYPES)})", name="type"),
        CheckConstraint("normal_side IN ('debit','credit')", name="normal_side"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    type: Mapped[str] = mapped_column(String(12))
    normal_side: Mapped[str] = mapped_column(String(6))
    is_no_negative: Mapped[bool] = mapped_column(default=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))

    parent: Mapped["Account | None"] = relationship(remote_side=[id])


class Fund(Base):
    __tablename__ = "funds"
    __table_args__ = (
        CheckConstraint("kind IN ('unrestricted','restricted','endowment')", name="kind"),
        CheckConstraint("regime IN ('association','charity_fund')", name="regime"),
        CheckConstraint("kind <> 'endowment' OR income_fund_id IS NOT NULL", name="endowment_income"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12), default="unrestricted")
    purpose: Mapped[str] = mapped_column(Text, default="")
    is_pooled: Mapped[bool] = mapped_column(default=False)
    income_fund_id: Mapped[int | None] = mapped_column(ForeignKey("funds.id"))
    regime: Mapped[str] = mapped_column(String(14), default="association")
    # Where donors transfer to, and the code their transfer memo carries so it matches itself.
    memo_code: Mapped[str | None] = mapped_column(String(20), unique=True)
    bank_bin: Mapped[str | None] = mapped_column(String(8))
    bank_account: Mapped[str | None] = mapped_column(String(30))
    bank_account_name: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner_unit: Mapped[Unit] = relationship()
    income_fund: Mapped["Fund | None"] = relationship(remote_side=[id])


class Transaction(Base):
    """One business event; its entries post all together or not at all (Invariant 7)."""
    __tablename__ = "transactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), default="entry")
    memo: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    entries: Mapped[list["Entry"]] = relationship(back_populates="transaction", order_by="Entry.id")


class Entry(Base):
    """A balanced set of lines in one unit's books; immutable once posted (Invariant 3)."""
    __tablename__ = "entries"
    __table_args__ = (
        UniqueConstraint("unit_id", "voucher_type", "fiscal_year", "seq"),
        UniqueConstraint("unit_id", "chain_index"),
        CheckConstraint("voucher_type IN ('BT','PT','PC')", name="voucher_type"),
        CheckConstraint("seq > 0", name="seq_positive"),
        Index("ix_entries_unit_date", "unit_id", "dated_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("transactions.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    voucher_type: Mapped[str] = mapped_column(String(2))
    fiscal_year: Mapped[int]
    seq: Mapped[int]
    number: Mapped[str] = mapped_column(String(30))
    dated_on: Mapped[date]
    memo: Mapped[str] = mapped_column(Text, default="")
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("entries.id"), unique=True)
    chain_index: Mapped[int]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    posted_at: Mapped[datetime] = mapped_column(default=utcnow)
    posted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    transaction: Mapped[Transaction] = relationship(back_populates="entries")
    unit: Mapped[Unit] = relationship()
    lines: Mapped[list["Line"]] = relationship(back_populates="entry", order_by="Line.id")
    reverses: Mapped["Entry | None"] = relationship(remote_side=[id], foreign_keys=[reverses_id])
    reversed_by: Mapped["Entry | None"] = relationship(
        foreign_keys=[reverses_id], remote_side=[reverses_id], viewonly=True, uselist=False,
        primaryjoin="Entry.id == Entry.reverses_id")


class Line(Base):
    __tablename__ = "lines"
    __table_args__ = (
        CheckConstraint(f"(debit > 0 AND credit = 0 AND debit <= {MAX_AMOUNT}) OR "
                        f"(credit > 0 AND debit = 0 AND credit <= {MAX_AMOUNT})", name="one_side_positive"),
        Index("ix_lines_account_fund", "account_id", "fund_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"))
    debit: Mapped[int] = mapped_column(default=0)
    credit: Mapped[int] = mapped_column(default=0)
    # The other unit of an inter-unit line (136/336, 521/621): consolidation eliminates pairs by it.
    counterparty_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    counterparty: Mapped[str | None] = mapped_column(String(200))

    entry: Mapped[Entry] = relationship(back_populates="lines")
    account: Mapped[Account] = relationship()
    fund: Mapped[Fund] = relationship()
    counterparty_unit: Mapped[Unit | None] = relationship()


class Balance(Base):
    """Running totals per (unit, account, fund, counterparty unit or 0); Invariant 9."""
    __tablename__ = "balances"
    __table_args__ = (
        # Invariant 5 in the database itself: a guarded (is_no_negative) balance cannot be stored below zero.
        CheckConstraint("NOT is_no_negative OR debit_total >= credit_total", name="no_negative"),
        CheckConstraint("debit_total >= 0 AND credit_total >= 0", name="totals_positive"),
        *kept_columns_checks("debit_total", "credit_total"),
    )

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), primary_key=True)
    cp_unit_id: Mapped[int] = mapped_column(primary_key=True, default=0)
    is_no_negative: Mapped[bool] = mapped_column(default=False)
    debit_total: Mapped[int] = mapped_column(default=0)
    credit_total: Mapped[int] = mapped_column(default=0)


class MonthlyBalance(Base):
    """Movements per month: statements and past-dated trial balances read these, not lines."""
    __tablename__ = "monthly_balances"
    __table_args__ = (CheckConstraint("debit >= 0 AND credit >= 0", name="movements_positive"),
                      *kept_columns_checks("debit", "credit"))

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), primary_key=True)
    cp_unit_id: Mapped[int] = mapped_column(primary_key=True, default=0)
    month: Mapped[date] = mapped_column(primary_key=True)
    debit: Mapped[int] = mapped_column(default=0)
    credit: Mapped[int] = mapped_column(default=0)


class VoucherCounter(Base):
    """Gapless numbers per unit, voucher type and fiscal year (Invariant 6); locked while used."""
    __tablename__ = "voucher_counters"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    voucher_type: Mapped[str] = mapped_column(String(2), primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(default=0)


class ChainHead(Base):
    """The newest hash of a unit's books; its row lock serialises posting per unit."""
    __tablename__ = "chain_heads"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    length: Mapped[int] = mapped_column(default=0)
    head: Mapped[str] = mapped_column(String(64), default="0" * 64)


class IdempotencyRecord(Base):
    """A money POST's key, the hash of its request and the response it got (Invariant 8)."""
    __tablename__ = "idempotency_records"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None]
    response: Mapped[Any | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

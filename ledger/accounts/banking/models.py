"""Bank reconciliation: a unit's bank accounts (with the statement column mapping they remember),
imported statement lines, and the matches between credit lines and receipts.
"""
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.accounts.models import Fund
from ledger.accounts.treasury.models import Receipt
from ledger.core.db import Base, utcnow
from ledger.units.models import Unit

LINE_STATUSES = ("unmatched", "suggested", "matched")
MATCH_STATUSES = ("suggested", "confirmed")
MATCH_METHODS = ("memo_code", "amount_date", "manual", "created")


class BankAccount(Base):
    __tablename__ = "bank_accounts"
    __table_args__ = (UniqueConstraint("unit_id", "account_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    bank_bin: Mapped[str | None] = mapped_column(String(8))
    account_number: Mapped[str] = mapped_column(String(30))
    account_name: Mapped[str] = mapped_column(String(120), default="")
    # Fund of a receipt made from a credit whose memo names no fund or campaign.
    default_fund_id: Mapped[int | None] = mapped_column(ForeignKey("funds.id"))
    # Statement header per field: {"date": "Ngày GD", "description": "Nội dung", "credit": ..., ...}
    column_mapping: Mapped[Any | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    default_fund: Mapped[Fund | None] = relationship()


class BankStatement(Base):
    """One uploaded file; its lines keep the rows that were new to the account."""
    __tablename__ = "bank_statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_account_id: Mapped[int] = mapped_column(ForeignKey("bank_accounts.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255), default="")
    rows_read: Mapped[int] = mapped_column(default=0)
    lines_added: Mapped[int] = mapped_column(default=0)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    bank_account: Mapped[BankAccount] = relationship()


class BankStatementLine(Base):
    __tablename__ = "bank_statement_lines"
    __table_args__ = (
        CheckConstraint("(credit > 0 AND debit = 0) OR (debit > 0 AND credit = 0)", name="one_side_positive"),
        CheckConstraint("status IN ('unmatched','suggested','matched')", name="status"),
        # Overlapping statements of the same account never import a row twice.
        UniqueConstraint("bank_account_id", "fingerprint"),
        Index("ix_bank_statement_lines_account_status", "bank_account_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("bank_statements.id"), index=True)
    bank_account_id: Mapped[int] = mapped_column(ForeignKey("bank_accounts.id"))
    row_number: Mapped[int]
    dated_on: Mapped[date]
    description: Mapped[str] = mapped_column(Text, default="")
    credit: Mapped[int] = mapped_column(default=0)
    debit: Mapped[int] = mapped_column(default=0)
    reference: Mapped[str] = mapped_column(String(100), default="")
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="unmatched")

    statement: Mapped[BankStatement] = relationship()
    bank_account: Mapped[BankAccount] = relationship()
    match: Mapped["BankMatch | None"] = relationship(back_populates="line", uselist=False)


class BankMatch(Base):
    """A credit line tied to the receipt it paid: suggested by the matcher or confirmed."""
    __tablename__ = "bank_matches"
    __table_args__ = (
        CheckConstraint("status IN ('suggested','confirmed')", name="status"),
        CheckConstraint("method IN ('memo_code','amount_date','manual','created')", name="method"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("bank_statement_lines.id"), unique=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("receipts.id"), unique=True)
    status: Mapped[str] = mapped_column(String(10))
    method: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    line: Mapped[BankStatementLine] = relationship(back_populates="match")
    receipt: Mapped[Receipt] = relationship()

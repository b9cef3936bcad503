"""Public statements (báo cáo công khai): drafts, then frozen published versions with their hash;
and periodic reports a unit sends up to its parent (báo cáo định kỳ).

A published statement row never changes again (a database trigger refuses it): a correction is a
new row that points at the version it supersedes and says why.
"""
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.core.db import Base, utcnow
from ledger.units.models import Unit

STATEMENT_STATUSES = ("draft", "published")
REPORT_KINDS = ("monthly", "quarterly", "yearly", "emulation")
REPORT_STATUSES = ("submitted", "received")


class FundStatement(Base):
    """A public fund statement (báo cáo công khai); not a bank's statement (banking.BankStatement)."""
    __tablename__ = "statements"
    __table_args__ = (
        CheckConstraint("status IN ('draft','published')", name="status"),
        CheckConstraint("period_end >= period_start", name="period_ordered"),
        CheckConstraint("status = 'draft' OR (version IS NOT NULL AND hash IS NOT NULL AND canonical IS NOT NULL)",
                        name="published_is_frozen"),
        # Two publishers racing for the same version of one statement: the second gets a conflict.
        UniqueConstraint("unit_id", "period_start", "period_end", "is_consolidated", "version",
                         name="uq_statements_version_per_period"),
        Index("ix_statements_unit_status", "unit_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    is_consolidated: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    content: Mapped[Any | None] = mapped_column(JSON)            # the draft under review
    version: Mapped[int | None]
    canonical: Mapped[str | None] = mapped_column(Text)          # the frozen, hashed bytes (UTF-8)
    hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("statements.id"), unique=True)
    correction_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    unit: Mapped[Unit] = relationship()
    supersedes: Mapped["FundStatement | None"] = relationship(remote_side=[id], foreign_keys=[supersedes_id])
    superseded_by: Mapped["FundStatement | None"] = relationship(
        foreign_keys=[supersedes_id], remote_side=[supersedes_id], viewonly=True, uselist=False,
        primaryjoin="FundStatement.id == FundStatement.supersedes_id")


class StatementFile(Base):
    """A rendered document of a published statement (the A4 PDF), kept so the public never waits twice.

    Derived from frozen content; `variant` names what else went into it (language, a later
    correction's notice, the verification address).
    """
    __tablename__ = "statement_files"

    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"), primary_key=True)
    variant: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChainAnchor(Base):
    """A unit's chain head (index, hash) frozen where rewriting it would show: in a published statement
    (its `chain_heads`), or in an entry of the parent's books when the unit sent a report up (the anchor is
    part of that entry's hashed content). Verification requires the unit's chain, recomputed from its
    lines, to pass through every anchor of the unit.
    """
    __tablename__ = "chain_anchors"
    __table_args__ = (
        CheckConstraint("(statement_id IS NULL) <> (entry_id IS NULL)", name="one_source"),
        CheckConstraint("chain_index > 0", name="index_positive"),
        UniqueConstraint("statement_id", "unit_id"),
        Index("ix_chain_anchors_unit_index", "unit_id", "chain_index"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))   # the unit whose chain is anchored
    chain_index: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("statements.id"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entries.id"), unique=True)  # in the parent's books
    report_id: Mapped[int | None] = mapped_column(ForeignKey("periodic_reports.id"))


class PeriodicReport(Base):
    """A unit's consolidated figures for a month, quarter or year, sent to its parent."""
    __tablename__ = "periodic_reports"
    __table_args__ = (
        CheckConstraint("kind IN ('monthly','quarterly','yearly','emulation')", name="kind"),
        CheckConstraint("status IN ('submitted','received')", name="status"),
        UniqueConstraint("unit_id", "kind", "period_start"),
        Index("ix_periodic_reports_parent_period", "parent_id", "kind", "period_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    parent_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    kind: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date]
    period_end: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default="submitted")
    content: Mapped[Any] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    received_at: Mapped[datetime | None]
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    parent: Mapped[Unit] = relationship(foreign_keys=[parent_id])

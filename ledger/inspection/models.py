"""Inspections by the inspection board (ban kiểm tra): a plan for one unit and period, findings against its
entries or vouchers, the unit's answers. Only these tables are written: the books are read, never changed."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.accounts.models import Entry
from ledger.accounts.treasury.models import Disbursement, Receipt
from ledger.auth.models import User
from ledger.core.db import Base, utcnow
from ledger.units.models import Unit

SEVERITIES = ("low", "medium", "high")
FINDING_STATUSES = ("open", "answered", "closed")


class Inspection(Base):
    """One planned inspection (kế hoạch kiểm tra) of a unit's activity and books over a period."""
    __tablename__ = "inspections"
    __table_args__ = (CheckConstraint("period_start <= period_end", name="period_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    scheduled_on: Mapped[date]
    scope: Mapped[str] = mapped_column(Text)
    members: Mapped[str] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    findings: Mapped[list["Finding"]] = relationship(back_populates="inspection", order_by="Finding.id")


class Finding(Base):
    """What the board found (kết luận), the follow-up it requires, the unit's answer, and its closing."""
    __tablename__ = "inspection_findings"
    __table_args__ = (
        CheckConstraint("severity IN ('low','medium','high')", name="severity"),
        CheckConstraint("status IN ('open','answered','closed')", name="status"),
        CheckConstraint("(status = 'open') = (answer IS NULL)", name="answered_has_answer"),
        Index("ix_inspection_findings_unit_status", "unit_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))  # the inspected unit, for set-based counts
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entries.id"))
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("receipts.id"))
    disbursement_id: Mapped[int | None] = mapped_column(ForeignKey("disbursements.id"))
    severity: Mapped[str] = mapped_column(String(8))
    description: Mapped[str] = mapped_column(Text)
    follow_up: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(10), default="open")
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None]
    closing_note: Mapped[str | None] = mapped_column(Text)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    inspection: Mapped[Inspection] = relationship(back_populates="findings")
    unit: Mapped[Unit] = relationship()
    entry: Mapped[Entry | None] = relationship()
    receipt: Mapped[Receipt | None] = relationship()
    disbursement: Mapped[Disbursement | None] = relationship()
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])

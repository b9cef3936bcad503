"""Members (hội viên) of branches, the yearly dues policy (hội phí) and who has paid."""
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.accounts.models import Fund
from ledger.accounts.treasury_models import Receipt
from ledger.core.db import Base, utcnow
from ledger.units.models import Unit


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (CheckConstraint("gender IS NULL OR gender IN ('female','male','other')", name="gender"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    birth_year: Mapped[int | None]
    gender: Mapped[str | None] = mapped_column(String(6))
    phone: Mapped[str | None] = mapped_column(String(20))
    position: Mapped[str | None] = mapped_column(String(60))  # e.g. chi hội trưởng, phó chủ tịch
    joined_on: Mapped[date | None]
    left_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()


class DuesPolicy(Base):
    __tablename__ = "dues_policies"
    __table_args__ = (UniqueConstraint("unit_id", "year"), CheckConstraint("amount > 0", name="amount_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int]
    amount: Mapped[int]
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"))
    split: Mapped[Any] = mapped_column(JSON)  # {"branch": 70, "commune": 20, "province": 10}

    unit: Mapped[Unit] = relationship()
    fund: Mapped[Fund] = relationship()


class DuesPayment(Base):
    """One member's dues for one year; the unique key makes a second payment a 409 even under races."""
    __tablename__ = "dues_payments"
    __table_args__ = (UniqueConstraint("member_id", "year"), CheckConstraint("amount > 0", name="amount_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    year: Mapped[int]
    amount: Mapped[int]
    receipt_id: Mapped[int] = mapped_column(ForeignKey("receipts.id"), index=True)

    member: Mapped[Member] = relationship()
    receipt: Mapped[Receipt] = relationship()

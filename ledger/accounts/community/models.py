"""Members (hội viên) of branches, the yearly dues policy (hội phí) and who has paid, and the allowances
(phụ cấp) paid from the dues a unit keeps.

An allowance rule names a position in a unit and what it earns: a share of the dues the unit keeps
or a fixed yearly amount; each payment is a disbursement (phiếu chi) linked back to its rule.
"""
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.accounts.models import Fund
from ledger.accounts.treasury.models import Disbursement, Receipt
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


ALLOWANCE_BASES = ("share", "fixed")


class AllowanceRule(Base):
    __tablename__ = "allowance_rules"
    __table_args__ = (
        CheckConstraint("basis IN ('share','fixed')", name="basis"),
        CheckConstraint("(basis = 'share' AND percent > 0 AND percent <= 100 AND amount IS NULL) OR "
                        "(basis = 'fixed' AND amount > 0 AND percent IS NULL)", name="basis_value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    position: Mapped[str] = mapped_column(String(80))  # "Phó Chủ tịch Hội", "Chi hội trưởng"
    payee_name: Mapped[str] = mapped_column(String(200))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    basis: Mapped[str] = mapped_column(String(6))
    percent: Mapped[int | None]
    amount: Mapped[int | None]
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    member: Mapped[Member | None] = relationship()
    fund: Mapped[Fund] = relationship()
    payments: Mapped[list["AllowancePayment"]] = relationship(back_populates="rule")


class AllowancePayment(Base):
    """One phiếu chi of an allowance for a year; the disbursement carries status and number."""
    __tablename__ = "allowance_payments"
    __table_args__ = (CheckConstraint("year >= 2000 AND year <= 2200", name="year_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("allowance_rules.id"), index=True)
    year: Mapped[int]
    disbursement_id: Mapped[int] = mapped_column(ForeignKey("disbursements.id"), unique=True)

    rule: Mapped[AllowanceRule] = relationship(back_populates="payments")
    disbursement: Mapped[Disbursement] = relationship()

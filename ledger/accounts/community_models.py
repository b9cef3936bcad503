"""Allowances (phụ cấp) paid from retained dues, and the staff list behind a day's-pay pledge.

An allowance rule names a position in a unit and what it earns: a share of the dues the unit keeps
or a fixed yearly amount; each payment is a disbursement (phiếu chi) linked back to its rule.
"""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.accounts.campaign_models import Pledge
from ledger.accounts.member_models import Member
from ledger.accounts.models import Fund
from ledger.accounts.treasury_models import Disbursement
from ledger.core.db import Base, utcnow
from ledger.units.models import Unit

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


class PledgeStaff(Base):
    """One person on an agency's list for a day's-pay pledge (ngày lương khuyến học)."""
    __tablename__ = "pledge_staff"
    __table_args__ = (
        CheckConstraint("day_pay > 0", name="day_pay_positive"),
        UniqueConstraint("pledge_id", "position_no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id"), index=True)
    position_no: Mapped[int]
    full_name: Mapped[str] = mapped_column(String(200))
    monthly_salary: Mapped[int | None]
    day_pay: Mapped[int]

    pledge: Mapped[Pledge] = relationship()

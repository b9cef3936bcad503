"""The treasurer's documents: donors, receipts (phiếu thu), disbursements (phiếu chi), remittances.

Each document points at the transaction the posting service wrote for it; the books stay the truth.
"""
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.accounts.models import Fund, Transaction
from ledger.core.db import Base, utcnow
from ledger.units.models import Unit

DONOR_KINDS = ("individual", "family", "clan", "business", "organization", "anonymous")
PUBLISH_CHOICES = ("full", "initials", "anonymous")
RECEIPT_METHODS = ("cash", "bank", "in_kind")
RECEIPT_CATEGORIES = ("donation", "dues", "interest", "other")
RECEIPT_CHANNELS = ("direct", "piggy_bank", "days_pay", "bank_transfer", "ceremony")
DISBURSEMENT_CATEGORIES = ("scholarship", "award", "gift", "operations", "allowance", "other")
DISBURSEMENT_STATUSES = ("pending_approval", "posted", "rejected")


class Donor(Base):
    __tablename__ = "donors"
    __table_args__ = (
        CheckConstraint("kind IN ('individual','family','clan','business','organization','anonymous')", name="kind"),
        CheckConstraint("publish IN ('full','initials','anonymous')", name="publish"),
        Index("ix_donors_name_key", "name_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Lower-case, unaccented, single-spaced name: finds "Nguyễn Văn An" typed as "nguyen van an".
    name_key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(14), default="individual")
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    publish: Mapped[str] = mapped_column(String(10), default="full")
    is_native_abroad: Mapped[bool] = mapped_column(default=False)  # "con em quê hương" living away
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A twin merged into another donor stays, empty, so its page and the audit tell where its gifts went.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("donors.id"), index=True)
    merged_at: Mapped[datetime | None]

    unit: Mapped[Unit | None] = relationship()
    merged_into: Mapped["Donor | None"] = relationship(remote_side=[id])


class Receipt(Base):
    __tablename__ = "receipts"
    __table_args__ = (
        CheckConstraint("amount > 0 AND amount <= 1000000000000000", name="amount_positive"),
        CheckConstraint("method IN ('cash','bank','in_kind')", name="method"),
        CheckConstraint("category IN ('donation','dues','interest','other')", name="category"),
        Index("ix_receipts_unit_date", "unit_id", "dated_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    transaction_id: Mapped[int] = mapped_column(ForeignKey("transactions.id"), unique=True)
    number: Mapped[str] = mapped_column(String(30))
    dated_on: Mapped[date]
    amount: Mapped[int]
    method: Mapped[str] = mapped_column(String(8))
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    category: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(14), default="direct")
    donor_id: Mapped[int | None] = mapped_column(ForeignKey("donors.id"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    pledge_id: Mapped[int | None] = mapped_column(ForeignKey("pledges.id"), index=True)
    # The unit the money belongs to when collected on behalf (thu hộ) of a pooled fund's owner.
    collected_for_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    memo: Mapped[str] = mapped_column(Text, default="")
    goods_description: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    collected_for: Mapped[Unit | None] = relationship(foreign_keys=[collected_for_id])
    transaction: Mapped[Transaction] = relationship()
    fund: Mapped[Fund] = relationship()
    donor: Mapped[Donor | None] = relationship()
    contributors: Mapped[list["ReceiptContributor"]] = relationship(back_populates="receipt",
                                                                     order_by="ReceiptContributor.id")


class ReceiptContributor(Base):
    """Who gave what inside one receipt: a piggy-bank drive, a day's pay from an agency's staff."""
    __tablename__ = "receipt_contributors"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("receipts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    amount: Mapped[int]

    receipt: Mapped[Receipt] = relationship(back_populates="contributors")


class Disbursement(Base):
    """A payment voucher: created pending, posted (and numbered) only when another person approves."""
    __tablename__ = "disbursements"
    __table_args__ = (
        CheckConstraint("amount > 0 AND amount <= 1000000000000000", name="amount_positive"),
        CheckConstraint("method IN ('cash','bank','in_kind')", name="method"),
        CheckConstraint("category IN ('scholarship','award','gift','operations','allowance','other')",
                        name="category"),
        CheckConstraint("status IN ('pending_approval','posted','rejected')", name="status"),
        CheckConstraint("(status = 'posted') = (transaction_id IS NOT NULL)", name="posted_has_transaction"),
        Index("ix_disbursements_unit_status", "unit_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    dated_on: Mapped[date]
    amount: Mapped[int]
    method: Mapped[str] = mapped_column(String(8))
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    category: Mapped[str] = mapped_column(String(12))
    payee_name: Mapped[str] = mapped_column(String(200))
    payee: Mapped[Any] = mapped_column(JSON, default=dict)
    # What the C41-BB voucher prints under the payee's name: their ID card (CCCD) number and address.
    payee_id_number: Mapped[str | None] = mapped_column(String(20))
    payee_address: Mapped[str | None] = mapped_column(String(300))
    memo: Mapped[str] = mapped_column(Text, default="")
    goods_description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending_approval")
    number: Mapped[str | None] = mapped_column(String(30))
    transaction_id: Mapped[int | None] = mapped_column(ForeignKey("transactions.id"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    rejected_reason: Mapped[str | None] = mapped_column(Text)

    unit: Mapped[Unit] = relationship()
    fund: Mapped[Fund] = relationship()
    transaction: Mapped[Transaction | None] = relationship()


class Remittance(Base):
    """Money sent up the tree: settling what was collected on behalf, or a transfer of the sender's own."""
    __tablename__ = "remittances"
    __table_args__ = (
        CheckConstraint("amount > 0 AND amount <= 1000000000000000", name="amount_positive"),
        CheckConstraint("kind IN ('settlement','transfer')", name="kind"),
        CheckConstraint("method IN ('cash','bank')", name="method"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    to_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"))
    amount: Mapped[int]
    method: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(12))
    dated_on: Mapped[date]
    transaction_id: Mapped[int] = mapped_column(ForeignKey("transactions.id"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    from_unit: Mapped[Unit] = relationship(foreign_keys=[from_unit_id])
    to_unit: Mapped[Unit] = relationship(foreign_keys=[to_unit_id])
    fund: Mapped[Fund] = relationship()
    transaction: Mapped[Transaction] = relationship()


class ApprovalPolicy(Base):
    """A unit's rule for payment approval: above the threshold only its chair may approve."""
    __tablename__ = "approval_policies"
    __table_args__ = (CheckConstraint("threshold > 0 AND threshold <= 1000000000000000", name="threshold_positive"),)

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    threshold: Mapped[int]
    chair_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship()

"""Campaigns (đợt vận động) with targets per unit, pledges (cam kết ủng hộ) and the staff list behind a
day's-pay pledge."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.accounts.models import Fund
from ledger.accounts.treasury.models import Donor, Receipt
from ledger.core.db import Base, utcnow
from ledger.units.models import Unit


class Campaign(Base):
    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
        CheckConstraint("target_amount IS NULL OR target_amount >= 0", name="target_positive"),
        CheckConstraint("target_floor IS NULL OR target_floor >= 0", name="floor_positive"),
        CheckConstraint("growth_target IS NULL OR growth_target >= 0", name="growth_target_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    target_amount: Mapped[int | None]  # the binding target: the larger of the floor and the growth target
    target_floor: Mapped[int | None]  # "≥ 2 tỷ": a floor that holds together with a growth
    growth_target: Mapped[int | None]  # what the growth asked for when the campaign was launched
    growth_over_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    growth_percent: Mapped[int | None]
    per_capita_amount: Mapped[int | None]  # e.g. 50.000 đ per person per year
    memo_code: Mapped[str | None] = mapped_column(String(20), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    search_key: Mapped[str] = mapped_column(String(300), default="", server_default="")  # as units': folded
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner_unit: Mapped[Unit] = relationship()
    fund: Mapped[Fund] = relationship()
    growth_over: Mapped["Campaign | None"] = relationship(remote_side=[id])
    targets: Mapped[list["CampaignTarget"]] = relationship(back_populates="campaign")

    @property
    def binding_part(self) -> str | None:
        """Which part of a two-part target binds: "floor" when the floor is at least the growth, else "growth";
        None for a one-part target, or one the owner has set by hand since (set_targets)."""
        parts = (self.target_floor, self.growth_target)
        if None in parts or self.target_amount != max(parts):
            return None
        return "floor" if self.target_floor >= self.growth_target else "growth"


class CampaignTarget(Base):
    __tablename__ = "campaign_targets"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_positive"),)

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    amount: Mapped[int]

    campaign: Mapped[Campaign] = relationship(back_populates="targets")
    unit: Mapped[Unit] = relationship()


class Pledge(Base):
    __tablename__ = "pledges"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    donor_id: Mapped[int] = mapped_column(ForeignKey("donors.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    amount: Mapped[int]
    due_on: Mapped[date]
    channel: Mapped[str] = mapped_column(String(14), default="direct")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    donor: Mapped[Donor] = relationship()
    unit: Mapped[Unit | None] = relationship()


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


# What a receipt counts towards is this feature's to say: treasury keeps the columns, campaigns the links.
Receipt.campaign = relationship(Campaign, foreign_keys=[Receipt.campaign_id])
Receipt.pledge = relationship(Pledge, foreign_keys=[Receipt.pledge_id])

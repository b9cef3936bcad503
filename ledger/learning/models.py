"""The learning society (xã hội học tập): the subjects a unit registers under the five learning models,
the criteria sets they are assessed against, the yearly assessments (bình xét) and recognitions (công
nhận), the kept counts behind coverage, and the yearly plans with their indicators (chỉ tiêu).

A subject lives at one unit (a branch or a commune that knows it); its assessments and recognitions
record the unit it was at, so moving a household keeps its history where it happened.
"""
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.core.db import Base, utcnow
from ledger.units.models import Unit

MODELS = ("family", "clan", "community", "organisation", "citizen")
MODELS_SQL = "('family','clan','community','organisation','citizen')"
ASSESSMENT_STATUSES = ("current", "replaced")


class LearningSubject(Base):
    """A household, clan, village/residential group, organisation or citizen in the registry."""
    __tablename__ = "learning_subjects"
    __table_args__ = (
        CheckConstraint(f"model IN {MODELS_SQL}", name="model"),
        Index("ix_learning_subjects_unit_model", "unit_id", "model"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    model: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    head_name: Mapped[str] = mapped_column(String(200), default="")      # chủ hộ, trưởng họ, thủ trưởng
    address: Mapped[str] = mapped_column(String(300), default="")
    members: Mapped[int | None]                                          # people in the household, clan…
    kind: Mapped[str] = mapped_column(String(40), default="")            # thôn/bản/tdp, school/agency…
    # A family may belong to a registered clan: the clan's share of recognised families is computed.
    clan_id: Mapped[int | None] = mapped_column(ForeignKey("learning_subjects.id"))
    is_publish_consented: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    clan: Mapped["LearningSubject | None"] = relationship(remote_side=[id])


class CriteriaSet(Base):
    """A unit's criteria for one model from `year_from` on: scored when `pass_mark` is set (each criterion
    has points, an answer is 0..points), else all-of (every criterion met). `criteria` is a list of
    {code, name, points?, min_points?, computed?}; `computed` names a figure the registry gives (a clan's or
    a village's share of recognised families) with its threshold, so it is never asked."""
    __tablename__ = "learning_criteria_sets"
    __table_args__ = (
        CheckConstraint(f"model IN {MODELS_SQL}", name="model"),
        UniqueConstraint("owner_unit_id", "model", "year_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    model: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    year_from: Mapped[int]
    pass_mark: Mapped[int | None]
    criteria: Mapped[Any] = mapped_column(JSON)
    grades: Mapped[Any | None] = mapped_column(JSON)   # [{name, min_points}] highest first (Tốt/Khá/Trung bình)
    recognized_by: Mapped[str] = mapped_column(String(10), default="commune")  # the level that recognises
    is_default: Mapped[bool] = mapped_column(default=False, server_default=false())  # shipped, unchecked
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner_unit: Mapped[Unit] = relationship()


class Registration(Base):
    """A subject's đăng ký for a year: what the coverage counts as registered."""
    __tablename__ = "learning_registrations"
    __table_args__ = (UniqueConstraint("subject_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("learning_subjects.id"))
    year: Mapped[int]
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    registered_on: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    subject: Mapped[LearningSubject] = relationship()


class Assessment(Base):
    """A year's assessment of a subject (self-assessment or the branch's bình xét) with its answers and the
    reasons it gave. A new one replaces the current one (kept as `replaced`) until the subject is
    recognised for that year; then it is frozen."""
    __tablename__ = "learning_assessments"
    __table_args__ = (
        CheckConstraint("status IN ('current','replaced')", name="status"),
        Index("ix_learning_assessments_current", "subject_id", "year", unique=True,
              sqlite_where=text("status = 'current'"), postgresql_where=text("status = 'current'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("learning_subjects.id"))
    year: Mapped[int]
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))        # where the subject was
    criteria_set_id: Mapped[int] = mapped_column(ForeignKey("learning_criteria_sets.id"))
    answers: Mapped[Any] = mapped_column(JSON)
    score: Mapped[int | None]
    is_passed: Mapped[bool]
    grade: Mapped[str | None] = mapped_column(String(40))
    reasons: Mapped[Any] = mapped_column(JSON)                          # [{criterion, met, points, text}]
    is_self: Mapped[bool] = mapped_column(default=False, server_default=false())  # tự đánh giá
    status: Mapped[str] = mapped_column(String(10), default="current")
    is_recognized: Mapped[bool] = mapped_column(default=False, server_default=false())
    assessed_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    subject: Mapped[LearningSubject] = relationship()
    criteria_set: Mapped[CriteriaSet] = relationship()


class Recognition(Base):
    """A decision (quyết định công nhận) of a unit for one model and year, with its list."""
    __tablename__ = "learning_recognitions"
    __table_args__ = (CheckConstraint(f"model IN {MODELS_SQL}", name="model"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int]
    model: Mapped[str] = mapped_column(String(20))
    decision_number: Mapped[str] = mapped_column(String(60))
    decided_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    unit: Mapped[Unit] = relationship()
    items: Mapped[list["RecognitionItem"]] = relationship(back_populates="recognition",
                                                          order_by="RecognitionItem.position")


class RecognitionItem(Base):
    """One subject recognised by a decision; (subject, year) is unique, so a title is given once a year
    whatever races."""
    __tablename__ = "learning_recognition_items"
    __table_args__ = (UniqueConstraint("subject_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recognition_id: Mapped[int] = mapped_column(ForeignKey("learning_recognitions.id"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("learning_subjects.id"))
    assessment_id: Mapped[int] = mapped_column(ForeignKey("learning_assessments.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))        # where the subject was
    year: Mapped[int]
    position: Mapped[int]                                               # số thứ tự in the list / certificate

    recognition: Mapped[Recognition] = relationship(back_populates="items")
    subject: Mapped[LearningSubject] = relationship()
    assessment: Mapped[Assessment] = relationship()


class Tally(Base):
    """Kept counts for a unit's whole subtree (the unit included), per year and model: what coverage reads
    instead of scanning millions of households. Every registration, assessment, recognition and move
    updates the rows of the unit and its ancestors in the same transaction."""
    __tablename__ = "learning_tallies"
    __table_args__ = (
        CheckConstraint(f"model IN {MODELS_SQL}", name="model"),
        UniqueConstraint("unit_id", "year", "model"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int]
    model: Mapped[str] = mapped_column(String(20))
    registered: Mapped[int] = mapped_column(default=0)
    assessed: Mapped[int] = mapped_column(default=0)
    passed: Mapped[int] = mapped_column(default=0)
    recognized: Mapped[int] = mapped_column(default=0)


class SubtreeCount(Base):
    """Kept sums of the population and households recorded in a unit's subtree (the unit included)."""
    __tablename__ = "learning_subtree_counts"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    population: Mapped[int] = mapped_column(default=0)
    households: Mapped[int] = mapped_column(default=0)


class Plan(Base):
    """A unit's yearly plan (kế hoạch) with its indicators; targets are handed down to child units."""
    __tablename__ = "learning_plans"
    __table_args__ = (UniqueConstraint("unit_id", "year", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))
    report_due: Mapped[date | None]            # the emulation report's deadline (Sơn La: 15/11)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    unit: Mapped[Unit] = relationship()
    indicators: Mapped[list["Indicator"]] = relationship(back_populates="plan", order_by="Indicator.position")


class Indicator(Base):
    """One chỉ tiêu of a plan: what is measured (API.md measures), its params and the plan unit's target."""
    __tablename__ = "learning_indicators"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("learning_plans.id"))
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(300))
    measure: Mapped[str] = mapped_column(String(40))
    target: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    params: Mapped[Any | None] = mapped_column(JSON)

    plan: Mapped[Plan] = relationship(back_populates="indicators")


class Target(Base):
    """A child unit's own target for an indicator (handed down); without one the plan's target applies."""
    __tablename__ = "learning_targets"
    __table_args__ = (UniqueConstraint("indicator_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("learning_indicators.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    target: Mapped[Decimal] = mapped_column(Numeric(20, 2))


class ManualValue(Base):
    """A value a unit reports for a `manual` indicator, with its note."""
    __tablename__ = "learning_manual_values"
    __table_args__ = (UniqueConstraint("indicator_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("learning_indicators.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    value: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

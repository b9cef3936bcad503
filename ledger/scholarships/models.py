"""Scholarships: students and their results, programs with versioned rules, rounds, candidates,
reviews, awards and their payment schedule (one row per payment; a plain award has one).
"""
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.accounts.models import Fund
from ledger.accounts.treasury.models import Disbursement
from ledger.auth.models import User
from ledger.core.db import Base, utcnow
from ledger.units.models import Unit

PROGRAM_KINDS = ("scholarship", "sponsorship")
SCHEDULES = ("once", "monthly", "term")
GENDERS = ("female", "male", "other")
PRIZE_LEVELS = ("school", "district", "province", "national", "international")
PRIZE_RANKS = ("first", "second", "third", "consolation")
# Who a program serves and who is nominated: pupils (grades 1–12), learners beyond grade 12, teachers, workers.
LEVELS = ("school", "college", "university", "abroad", "adult", "teacher", "worker")
_LEVEL_CHECK = "('school','college','university','abroad','adult','teacher','worker')"
_RESULT_CHECK = "('chua_dat','dat','kha','tot')"


class Student(Base):
    """A child, identified across units and years by student code or national ID."""
    __tablename__ = "scholarship_students"
    __table_args__ = (
        CheckConstraint("student_code IS NOT NULL OR national_id IS NOT NULL", name="identified"),
        CheckConstraint("household_status IN ('none','near_poor','poor')", name="household_status"),
        CheckConstraint("orphan IN ('none','one_parent','both_parents')", name="orphan"),
        CheckConstraint("gender IS NULL OR gender IN ('female','male','other')", name="gender"),
        CheckConstraint("grade BETWEEN 1 AND 12", name="grade"),
        CheckConstraint(f"level IN {_LEVEL_CHECK}", name="level"),
        CheckConstraint("level <> 'school' OR grade IS NOT NULL", name="pupil_has_grade"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_code: Mapped[str | None] = mapped_column(String(40), unique=True)
    national_id: Mapped[str | None] = mapped_column(String(20), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[date | None]
    gender: Mapped[str | None] = mapped_column(String(6))
    ethnicity: Mapped[str | None] = mapped_column(String(40))
    is_ethnic_minority: Mapped[bool] = mapped_column(default=False)
    household_status: Mapped[str] = mapped_column(String(10), default="none")
    household_certificate: Mapped[str | None] = mapped_column(String(40))
    household_certificate_year: Mapped[int | None]
    orphan: Mapped[str] = mapped_column(String(12), default="none")
    is_disabled: Mapped[bool] = mapped_column(default=False)
    school: Mapped[str] = mapped_column(String(200))  # or the college, university, workplace
    level: Mapped[str] = mapped_column(String(12), default="school", server_default="school")
    grade: Mapped[int | None]  # pupils only
    field_of_study: Mapped[str | None] = mapped_column(String(200))  # major, subject taught or trade
    guardian_name: Mapped[str | None] = mapped_column(String(200))
    guardian_phone: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(300))
    is_publish_consented: Mapped[bool] = mapped_column(default=False)
    home_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    home_unit: Mapped[Unit] = relationship()
    results: Mapped[list["StudentResult"]] = relationship(back_populates="student",
                                                          order_by="StudentResult.school_year")
    prizes: Mapped[list["StudentPrize"]] = relationship(back_populates="student", order_by="StudentPrize.id")


class StudentResult(Base):
    """What a school year's report card says: the results a round or a renewal looks at."""
    __tablename__ = "scholarship_student_results"
    __table_args__ = (
        UniqueConstraint("student_id", "school_year"),
        CheckConstraint(f"academic_result IN {_RESULT_CHECK}", name="academic_result"),
        CheckConstraint(f"conduct IN {_RESULT_CHECK}", name="conduct"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("scholarship_students.id"))
    school_year: Mapped[str] = mapped_column(String(9))
    school: Mapped[str] = mapped_column(String(200))
    grade: Mapped[int | None]
    academic_result: Mapped[str] = mapped_column(String(10))
    conduct: Mapped[str] = mapped_column(String(10))

    student: Mapped[Student] = relationship(back_populates="results")


class StudentPrize(Base):
    __tablename__ = "scholarship_student_prizes"
    __table_args__ = (
        CheckConstraint("level IN ('school','district','province','national','international')", name="level"),
        CheckConstraint("rank IN ('first','second','third','consolation')", name="rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("scholarship_students.id"), index=True)
    level: Mapped[str] = mapped_column(String(14))
    rank: Mapped[str] = mapped_column(String(12))
    subject: Mapped[str | None] = mapped_column(String(100))
    year: Mapped[int]

    student: Mapped[Student] = relationship(back_populates="prizes")


class Program(Base):
    """A kind of award a unit gives from one fund; its rules and scoring are data, versioned."""
    __tablename__ = "scholarship_programs"
    __table_args__ = (
        CheckConstraint("kind IN ('scholarship','sponsorship')", name="kind"),
        CheckConstraint("schedule IN ('once','monthly','term')", name="schedule"),
        CheckConstraint("award_amount > 0 AND award_amount <= 1000000000000000", name="award_amount"),
        CheckConstraint("version > 0", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(12), default="scholarship")
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    award_amount: Mapped[int]
    # [{"min_score": 60, "amount": 2000000}, ...]: the best tier a score reaches sets its amount.
    tiers: Mapped[Any] = mapped_column(JSON, default=list)
    rules: Mapped[Any] = mapped_column(JSON)
    scoring: Mapped[Any] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(default=1)
    is_multiple_awards_allowed: Mapped[bool] = mapped_column(default=False)
    schedule: Mapped[str] = mapped_column(String(8), default="once")
    sponsorship_years: Mapped[int | None]
    preset: Mapped[str | None] = mapped_column(String(40))
    levels: Mapped[Any] = mapped_column(JSON, default=lambda: ["school"])  # the LEVELS it may be given to
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    owner_unit: Mapped[Unit] = relationship()
    fund: Mapped[Fund] = relationship()
    versions: Mapped[list["ProgramVersion"]] = relationship(back_populates="program", order_by="ProgramVersion.version")
    rounds: Mapped[list["Round"]] = relationship(back_populates="program", order_by="Round.id")


class ProgramVersion(Base):
    """Every rules/scoring/amount set a program has had, so a decision can show the one it used."""
    __tablename__ = "scholarship_program_versions"
    __table_args__ = (UniqueConstraint("program_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("scholarship_programs.id"))
    version: Mapped[int]
    rules: Mapped[Any] = mapped_column(JSON)
    scoring: Mapped[Any] = mapped_column(JSON)
    award_amount: Mapped[int]
    tiers: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    program: Mapped[Program] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship()


class Round(Base):
    """One call for nominations of a program in a school year, with its budget, quotas and decision."""
    __tablename__ = "scholarship_rounds"
    __table_args__ = (
        CheckConstraint("status IN ('open','decided')", name="status"),
        CheckConstraint("budget > 0 AND budget <= 1000000000000000", name="budget"),
        CheckConstraint("quota IS NULL OR quota >= 0", name="quota"),
        CheckConstraint("quorum >= 0", name="quorum"),
        CheckConstraint("status = 'open' OR (decision_number IS NOT NULL AND decided_on IS NOT NULL)",
                        name="decided_has_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("scholarship_programs.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    school_year: Mapped[str] = mapped_column(String(9))
    budget: Mapped[int]
    quota: Mapped[int | None]
    unit_quotas: Mapped[Any] = mapped_column(JSON, default=dict)  # {unit code: places}
    nominations_close_on: Mapped[date]
    is_review_blind: Mapped[bool] = mapped_column(default=False)
    quorum: Mapped[int] = mapped_column(default=0)  # votes a candidate needs before the decision
    status: Mapped[str] = mapped_column(String(8), default="open")
    decision_number: Mapped[str | None] = mapped_column(String(60))
    decided_on: Mapped[date | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rules_version: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    program: Mapped[Program] = relationship(back_populates="rounds")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    candidates: Mapped[list["Candidate"]] = relationship(back_populates="round", order_by="Candidate.id")
    reviewers: Mapped[list["ReviewerAssignment"]] = relationship(back_populates="round",
                                                                 order_by="ReviewerAssignment.id")


class Candidate(Base):
    """A nomination (hồ sơ đề nghị): the facts as nominated, their evaluation and the evidence."""
    __tablename__ = "scholarship_candidates"
    __table_args__ = (UniqueConstraint("round_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("scholarship_rounds.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("scholarship_students.id"), index=True)
    nominated_by_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    nominated_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    nominated_at: Mapped[datetime] = mapped_column(default=utcnow)
    facts: Mapped[Any] = mapped_column(JSON)  # the student as evaluated: rule fields, certificate, prizes
    evidence: Mapped[Any] = mapped_column(JSON, default=list)  # documents the nominator holds
    note: Mapped[str] = mapped_column(Text, default="")
    is_eligible: Mapped[bool]
    score: Mapped[int]
    reasons: Mapped[Any] = mapped_column(JSON)  # [{field, passed, text, needed}]
    rules_version: Mapped[int]

    round: Mapped[Round] = relationship(back_populates="candidates")
    # A round's pages and its decision read every candidate's child and unit: one query each, not N.
    student: Mapped[Student] = relationship(lazy="selectin")
    nominated_by: Mapped[Unit] = relationship(lazy="selectin")
    reviews: Mapped[list["Review"]] = relationship(back_populates="candidate", order_by="Review.id")


class ReviewerAssignment(Base):
    __tablename__ = "scholarship_reviewers"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("scholarship_rounds.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    round: Mapped[Round] = relationship(back_populates="reviewers")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Review(Base):
    """One reviewer's word on one candidate: yes, no, or recused for a conflict of interest."""
    __tablename__ = "scholarship_reviews"
    __table_args__ = (
        UniqueConstraint("candidate_id", "reviewer_id"),
        CheckConstraint("(is_conflicted AND is_recommended IS NULL) OR "
                        "(NOT is_conflicted AND is_recommended IS NOT NULL)", name="vote_or_recusal"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("scholarship_candidates.id"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    is_recommended: Mapped[bool | None]
    is_conflicted: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    candidate: Mapped[Candidate] = relationship(back_populates="reviews")
    reviewer: Mapped[User] = relationship()


class Award(Base):
    """A decided award for one school year; a sponsorship renewed next year is a new award."""
    __tablename__ = "scholarship_awards"
    __table_args__ = (
        UniqueConstraint("round_id", "student_id", "school_year"),
        CheckConstraint("amount > 0 AND amount <= 1000000000000000", name="amount_positive"),
        CheckConstraint("status IN ('decided','paid')", name="status"),
        CheckConstraint("rank > 0", name="rank_positive"),
        Index("ix_scholarship_awards_year_student", "school_year", "student_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("scholarship_candidates.id"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("scholarship_rounds.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("scholarship_programs.id"))
    student_id: Mapped[int] = mapped_column(ForeignKey("scholarship_students.id"))
    school_year: Mapped[str] = mapped_column(String(9))
    amount: Mapped[int]
    rank: Mapped[int]
    status: Mapped[str] = mapped_column(String(8), default="decided")
    decision_number: Mapped[str] = mapped_column(String(60))
    decided_on: Mapped[date]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    disbursement_id: Mapped[int | None] = mapped_column(ForeignKey("disbursements.id"))  # the latest payment
    renewal_of_id: Mapped[int | None] = mapped_column(ForeignKey("scholarship_awards.id"), unique=True)
    reasons: Mapped[Any | None] = mapped_column(JSON)  # a renewal's evaluation on the new results
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    candidate: Mapped[Candidate] = relationship()
    round: Mapped[Round] = relationship()
    program: Mapped[Program] = relationship()
    student: Mapped[Student] = relationship()
    decided_by: Mapped[User | None] = relationship()
    disbursement: Mapped[Disbursement | None] = relationship()
    renewal_of: Mapped["Award | None"] = relationship(remote_side=[id], foreign_keys=[renewal_of_id])
    installments: Mapped[list["Installment"]] = relationship(back_populates="award", order_by="Installment.seq")


class Installment(Base):
    """One scheduled payment of an award; unpaid ones are the fund's commitments."""
    __tablename__ = "scholarship_installments"
    __table_args__ = (
        UniqueConstraint("award_id", "seq"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("(disbursement_id IS NULL) = (paid_on IS NULL)", name="paid_has_disbursement"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("scholarship_awards.id"))
    seq: Mapped[int]
    due_on: Mapped[date]
    amount: Mapped[int]
    disbursement_id: Mapped[int | None] = mapped_column(ForeignKey("disbursements.id"), unique=True)
    paid_on: Mapped[date | None]

    award: Mapped[Award] = relationship(back_populates="installments")
    disbursement: Mapped[Disbursement | None] = relationship()

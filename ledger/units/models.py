"""The association tree: a node per unit with a materialized path for subtree queries (the tree today),
and each unit's parent history (the tree on any past day: reports of a past period follow it)."""
from datetime import date, datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.core.db import Base, utcnow

LEVELS = ("central", "province", "district", "commune", "branch")


class Unit(Base):
    __tablename__ = "units"
    __table_args__ = (
        CheckConstraint("level IN ('central','province','district','commune','branch')", name="level"),
        CheckConstraint("status IN ('active','merged')", name="status"),
        # text_pattern_ops lets PostgreSQL use the index for `path LIKE 'VN/SL/%'`.
        Index("ix_units_path", "path", postgresql_ops={"path": "text_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # fold(name) + code: "hoi khuyen hoc xa binh lu lc-03460", so a search is one SQL scan.
    search_key: Mapped[str] = mapped_column(String(300), default="", server_default="")
    level: Mapped[str] = mapped_column(String(10))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    path: Mapped[str] = mapped_column(String(600))
    depth: Mapped[int] = mapped_column(default=0)
    division_code: Mapped[str | None] = mapped_column(String(20))
    population: Mapped[int | None]
    households: Mapped[int | None]   # số hộ: the base of the family model's coverage
    closed_through: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(10), default="active")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    merged_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], foreign_keys=[parent_id])
    merged_into: Mapped["Unit | None"] = relationship(remote_side=[id], foreign_keys=[merged_into_id])

    def is_within(self, other: "Unit") -> bool:
        """True when self is other or lies below it."""
        return self.path == other.path or self.path.startswith(other.path + "/")

    @property
    def ancestor_codes(self) -> list[str]:
        return self.path.split("/")

    def __repr__(self) -> str:
        return f"<Unit {self.path}>"


# The first period of every unit opens here rather than on its creation day: books are often entered
# after the fact (opening balances, imported journals), and they belong under the unit's first parent.
BEGINNING = date(1900, 1, 1)


class UnitParent(Base):
    """One period of a unit's place in the tree: under `parent` from `valid_from` (included) to `valid_to`
    (excluded). The open period (valid_to NULL) is today's parent, the one `Unit.parent_id` holds."""
    __tablename__ = "unit_parents"
    __table_args__ = (
        UniqueConstraint("unit_id", "valid_from"),
        CheckConstraint("valid_to IS NULL OR valid_from < valid_to", name="period"),
        Index("ix_unit_parents_open", "unit_id", unique=True,
              sqlite_where=text("valid_to IS NULL"), postgresql_where=text("valid_to IS NULL")),
        # The as-of subtree walks down from a parent; a move after a day is found by valid_from.
        Index("ix_unit_parents_parent", "parent_id", "valid_from"),
        Index("ix_unit_parents_valid_from", "valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]

    parent: Mapped["Unit | None"] = relationship(foreign_keys=[parent_id])

    @property
    def last_day(self) -> date | None:
        """The last day under this parent (pages say "đến hết ngày"); None while it is today's parent."""
        return self.valid_to - timedelta(days=1) if self.valid_to else None

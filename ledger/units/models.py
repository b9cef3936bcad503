"""The association tree: a node per unit with a materialized path for subtree queries."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
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

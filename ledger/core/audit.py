"""The append-only audit log: who changed what, when, from what to what (Invariant 11).

Triggers in the migrations refuse UPDATE and DELETE on this table in both engines.
"""
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ledger.core.db import Base, utcnow
from ledger.extensions import db


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(80), index=True)
    before: Mapped[Any | None] = mapped_column(JSON)
    after: Mapped[Any | None] = mapped_column(JSON)


def record(action: str, obj_type: str, obj_id, *, by=None, before=None, after=None) -> None:
    db.session.add(AuditEvent(action=action, object_type=obj_type, object_id=str(obj_id),
                              user_id=getattr(by, "id", None), before=before, after=after))

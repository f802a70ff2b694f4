"""The append-only, hash-chained transition history of every case."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from caseflow.extensions import db
from caseflow.models.types import UTCDateTime


class HistoryRecord(db.Model):
    """One transition of one case. Written once by the engine; never updated or deleted."""

    __tablename__ = "history_records"
    __table_args__ = (
        UniqueConstraint("case_id", "seq", name="uq_history_records_case_seq"),
        Index("ix_history_records_at", "at"),
        Index("ix_history_records_actor_at", "actor", "at"),
        Index("ix_history_records_trigger_at", "trigger", "at"),
        Index("ix_history_records_to_state_at", "to_state", "at"),  # the audit log's state filters
        Index("ix_history_records_from_state_at", "from_state", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    seq: Mapped[int]
    trigger: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(254))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # The step's data as canonical JSON text: exactly the bytes that were hashed.
    data: Mapped[str] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

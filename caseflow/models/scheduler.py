"""The scheduler's own records: the leader lease and a log of sweep runs."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from caseflow.extensions import db
from caseflow.models.types import UTCDateTime, now_utc


class SchedulerLease(db.Model):
    """Who leads the schedulers; on SQLite the lease row is the lock (PostgreSQL uses an advisory lock)."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class SweepRun(db.Model):
    __tablename__ = "sweep_runs"
    __table_args__ = (Index("ix_sweep_runs_sweep_started_at", "sweep", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sweep: Mapped[str] = mapped_column(String(40))
    holder: Mapped[str] = mapped_column(String(200))
    as_of: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    fired: Mapped[int] = mapped_column(default=0)
    notified: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    summary: Mapped[str | None] = mapped_column(Text)

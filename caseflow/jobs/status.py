"""What operators see of the scheduler: the leader, its lease, and the last run of each sweep."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select, text

from caseflow.clock import utcnow
from caseflow.extensions import db
from caseflow.jobs.leader import LEASE_NAME, LOCK_KEY
from caseflow.jobs.registry import SWEEPS
from caseflow.models import SchedulerLease, SweepRun


@dataclass
class SchedulerStatus:
    backend: str
    leader: str | None  # who leads now, or None
    lease: SchedulerLease | None  # the lease row as last written
    lease_live: bool  # on SQLite: not expired; on PostgreSQL: the advisory lock is held
    runs: dict[str, SweepRun | None] = field(default_factory=dict)  # the last run of each sweep

    @property
    def leader_line(self) -> str:
        """One line about the lead, for the CLI and the page."""
        if self.leader:
            until = f", lease until {self.lease.expires_at:%Y-%m-%d %H:%M:%S} UTC" if self.lease else ""
            return f"{self.leader} leads{until}"
        if self.lease:
            return f"no scheduler leads (last leader {self.lease.holder}, lease expired {self.lease.expires_at:%Y-%m-%d %H:%M:%S} UTC)"
        return "no scheduler leads"


def _lock_holder() -> str | None:
    """PostgreSQL: the application name of the session that holds the leader's advisory lock."""
    return db.session.execute(text(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = :key AND l.objsubid = 1 "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
        {"key": LOCK_KEY}).scalar()


def scheduler_status(now: dt.datetime | None = None) -> SchedulerStatus:
    """Read the scheduler's state from the database."""
    now = now or utcnow()
    backend = db.engine.dialect.name
    lease = db.session.get(SchedulerLease, LEASE_NAME, populate_existing=True)
    if backend == "postgresql":
        leader = _lock_holder()
        live = leader is not None
    else:
        live = lease is not None and lease.expires_at > now
        leader = lease.holder if live else None
    # The last run is the last one started (highest id), even if `sweep --at` ran one as of a later time.
    runs = {name: db.session.scalar(select(SweepRun).where(SweepRun.sweep == name).order_by(SweepRun.id.desc()).limit(1))
            for name in SWEEPS}
    db.session.commit()
    return SchedulerStatus(backend, leader, lease, live, runs)

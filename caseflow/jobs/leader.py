"""Which scheduler process leads: an advisory lock on PostgreSQL, a lease row on SQLite."""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import create_engine, delete, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from caseflow.clock import utcnow
from caseflow.extensions import db
from caseflow.jobs.batches import write_transaction
from caseflow.models import SchedulerLease

log = logging.getLogger("caseflow.jobs")
LEASE_NAME = "sweeps"
#: The PostgreSQL advisory lock key of the sweeps' leader (below 2**31: pg_locks shows it as objid).
LOCK_KEY = 7310413


#: A held lead is written down again once this share of its lease has passed, not at every hold:
#: two thirds of the lease are then still left for the sweep in hand, and an idle tick writes it once.
RENEW_AFTER = 1 / 3


class LeaseLeadership:
    """SQLite: the lease row is the lock; it is renewed as it ages and taken over once it has expired."""

    def __init__(self, holder: str, lease_seconds: float):
        self.holder, self.lease = holder, dt.timedelta(seconds=lease_seconds)
        self.renewed_at: dt.datetime | None = None  # when this process last wrote its lead down

    def fresh(self, now: dt.datetime) -> bool:
        """Whether this process wrote its lead down recently enough not to write it again now."""
        return self.renewed_at is not None and self.renewed_at <= now < self.renewed_at + self.lease * RENEW_AFTER

    def hold(self) -> bool:
        """Take or renew the lead; return whether this process leads now."""
        now = utcnow()
        if self.fresh(now):
            return True
        # The write lock taken at BEGIN makes the read-then-write below one atomic step.
        with write_transaction() as session:
            leading = self._take_or_renew(session, now)
        self.renewed_at = now if leading else None
        return leading

    def _take_or_renew(self, session, now: dt.datetime) -> bool:
        lease = session.get(SchedulerLease, LEASE_NAME, populate_existing=True)
        if lease is None:
            session.add(SchedulerLease(name=LEASE_NAME, holder=self.holder, acquired_at=now, expires_at=now + self.lease))
            return True
        if lease.holder != self.holder and lease.expires_at > now:
            return False
        if lease.holder != self.holder:
            log.info("taking over the lead from %s, whose lease expired at %s", lease.holder, lease.expires_at)
            lease.holder, lease.acquired_at = self.holder, now
        lease.expires_at = now + self.lease
        return True

    def release(self) -> None:
        """Give up the lead, so another process takes it at its next tick."""
        self.renewed_at = None
        with write_transaction() as session:
            session.execute(delete(SchedulerLease).where(SchedulerLease.name == LEASE_NAME,
                                                         SchedulerLease.holder == self.holder))


class AdvisoryLockLeadership(LeaseLeadership):
    """PostgreSQL: a session-level advisory lock on a connection of this process's own.

    The lock lives exactly as long as that session: a dead process or a dropped connection
    frees it at once, and a process that loses its connection loses the lead. The lease row is
    kept too, but only to show operators who leads."""

    def __init__(self, holder: str, lease_seconds: float, url):
        super().__init__(holder, lease_seconds)
        # Never through a transaction-pooling proxy: the lock belongs to this one session.
        self.engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT",
                                    connect_args={"application_name": holder[:63]})
        self.connection, self.leading = None, False

    def hold(self) -> bool:
        """Keep (or try to take) the lock, checking the connection is alive; then note it in the lease row."""
        try:
            if self.connection is None:
                self.connection, self.leading = self.engine.connect(), False
            if self.leading:
                self.connection.exec_driver_sql("SELECT 1")
            else:
                self.leading = bool(self.connection.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                                            {"key": LOCK_KEY}).scalar())
        except DBAPIError as exc:
            log.warning("lost the leader connection: %s", str(exc.orig).splitlines()[0] if exc.orig else exc)
            self._drop()
            return False
        now = utcnow()
        if self.leading and not self.fresh(now):
            self._note(now)
        return self.leading

    def _note(self, now: dt.datetime) -> None:
        with write_transaction() as session:
            lease = session.get(SchedulerLease, LEASE_NAME, populate_existing=True)
            if lease is None:
                session.add(SchedulerLease(name=LEASE_NAME, holder=self.holder, acquired_at=now, expires_at=now + self.lease))
            else:
                if lease.holder != self.holder:
                    lease.holder, lease.acquired_at = self.holder, now
                lease.expires_at = now + self.lease
        self.renewed_at = now

    def _drop(self) -> None:
        self.renewed_at = None
        try:
            if self.connection is not None:
                self.connection.close()
        except DBAPIError:
            pass
        self.connection, self.leading = None, False

    def release(self) -> None:
        """Close the lock's session (which frees the lock) and clear the lease row."""
        if self.leading:
            super().release()
        self._drop()
        self.engine.dispose()


def leadership_for(holder: str, lease_seconds: float):
    """The leadership mechanism that suits the app's database."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        return AdvisoryLockLeadership(holder, lease_seconds, engine.url)
    return LeaseLeadership(holder, lease_seconds)

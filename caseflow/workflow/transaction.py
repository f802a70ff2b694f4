"""The engine's write transactions: a connection of the engine's own per step, committed whole or not at all.

Before one begins, the request's ORM session ends its read transaction, so the caller sees the step
afterwards; on SQLite the transaction takes the write lock as it begins (BEGIN IMMEDIATE), waiting up to
the busy timeout, because a deferred transaction can fail with SQLITE_BUSY when it upgrades to writing.
"""
from __future__ import annotations

import contextlib

from sqlalchemy.exc import OperationalError

from caseflow.database import IMMEDIATE
from caseflow.extensions import db
from caseflow.workflow.errors import Conflict
from caseflow.workflow.integrity import has_uncommitted_writes
from caseflow.workflow.prepared import translate

BUSY = "The database is busy with another change; nothing was changed, try again."


class DriverConnection:
    """A pooled driver connection inside a write transaction: what prepared.py runs its statements on."""

    __slots__ = ("dialect", "connection")

    def __init__(self, dialect, connection):
        self.dialect, self.connection = dialect, connection


@contextlib.contextmanager
def driver_transaction():
    """A write transaction straight on the driver, for steps that run only prepared statements (fire).

    SQLAlchemy's Connection costs more per step than a step's own SQL on SQLite; this skips it, and
    translates the driver's errors into SQLAlchemy's as the Connection would, so callers see one kind.
    """
    _end_session_transaction()
    dialect = db.engine.dialect
    pooled = db.engine.raw_connection()
    try:
        if dialect.name == "sqlite":
            try:
                pooled.driver_connection.execute("BEGIN IMMEDIATE")
            except dialect.loaded_dbapi.OperationalError as exc:
                raise Conflict(BUSY) from exc
        try:
            yield DriverConnection(dialect, pooled)
        except BaseException:
            _rollback(pooled, dialect)
            raise
        try:
            pooled.commit()
        except dialect.loaded_dbapi.Error as exc:
            _rollback(pooled, dialect)
            raise translate(exc, dialect, "COMMIT", ()) from exc
    finally:
        pooled.close()


@contextlib.contextmanager
def core_transaction():
    """A write transaction on a SQLAlchemy Connection, for steps that also run Core statements (propose, import)."""
    _end_session_transaction()
    with db.engine.connect() as conn:
        conn = conn.execution_options(**{IMMEDIATE: True})
        try:
            transaction = conn.begin()
        except OperationalError as exc:
            raise Conflict(BUSY) from exc
        with transaction:
            yield conn


def _end_session_transaction() -> None:
    session = db.session()
    if has_uncommitted_writes(session):
        raise RuntimeError("the engine owns its transaction: commit or discard pending changes first")
    if session.in_transaction():
        session.commit()


def _rollback(pooled, dialect) -> None:
    try:
        pooled.rollback()
    except dialect.loaded_dbapi.Error:
        # A connection that cannot even roll back is broken: the pool must not hand it out again.
        pooled.invalidate()

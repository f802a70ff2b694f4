"""The engine's write transactions, on the request's own connection: committed whole or not at all.

The engine borrows the connection of the request's ORM session instead of checking out one of its own,
so a request talks to the database over one connection. On PostgreSQL the step joins the transaction the
request's reads began (its locking read sees the latest committed row whatever the snapshot), and its
writes travel in one pipeline: one round trip for the case, its history, review and notices. On SQLite
the request's read transaction ends first (nothing crosses a wire there) and the step's transaction
takes the write lock as it begins (BEGIN IMMEDIATE), waiting up to the busy timeout, because a deferred
transaction can fail with SQLITE_BUSY when it upgrades to writing.

A batch (`batch_transaction`, the sweeps) is one write transaction for many steps: each step inside it runs
in a savepoint, so a step refused or failed is undone alone, and the others are committed together. One
commit per batch instead of one per step: on SQLite the commit writes every page the batch dirtied once.
"""
from __future__ import annotations

import contextlib

from sqlalchemy.exc import IntegrityError, OperationalError

from caseflow.database import IMMEDIATE
from caseflow.extensions import db
from caseflow.models import ApiToken, User
from caseflow.workflow.errors import Conflict, KeyTaken
from caseflow.workflow.integrity import has_uncommitted_writes
from caseflow.workflow.prepared import translate

BUSY = "The database is busy with another change; nothing was changed, try again."
MOVED_ON = "The case moved on while you worked; nothing was changed."
#: What the engine never writes: a request keeps them loaded across the step's commit (no reload).
_UNTOUCHED = (User, ApiToken)
#: session.info key holding the open batch's Connection: the engine's steps then run in savepoints of it.
BATCH = "caseflow_batch"
#: The savepoint each step of a batch runs in (one at a time: steps do not nest).
_STEP = "caseflow_step"


class DriverConnection:
    """The request's driver connection inside a write transaction: what prepared.py runs its statements on."""

    __slots__ = ("dialect", "connection", "_pipeline", "_expected")

    def __init__(self, dialect, connection):
        self.dialect, self.connection = dialect, connection
        self._pipeline, self._expected = None, []

    def pipeline(self) -> bool:
        """Send the following writes without waiting for each answer (PostgreSQL); tell whether they are."""
        if self._pipeline is None and self.dialect.name == "postgresql":
            self._pipeline = self.connection.driver_connection.pipeline()
            self._pipeline.__enter__()
        return self._pipeline is not None

    def expect_one_row(self, cursor) -> None:
        """Check, when the pipeline's answers arrive, that the statement on `cursor` changed one row."""
        self._expected.append(cursor)

    def flush(self) -> None:
        """Wait for the pipelined writes' answers; raise Conflict when one of them was refused."""
        if self._pipeline is None:
            return
        pipeline, self._pipeline = self._pipeline, None
        try:
            pipeline.__exit__(None, None, None)
        except self.dialect.loaded_dbapi.Error as exc:
            error = translate(exc, self.dialect, "(pipeline)", ())
            # The history's (case, seq) taken: another writer came first. Any other refusal stays what it is.
            table = getattr(exc.diag, "table_name", None) if isinstance(error, IntegrityError) else None
            if table == "history_records":
                raise Conflict(MOVED_ON) from exc
            if table == "idempotency_keys":  # the form's one-time key (workflow/claims.py): sent before
                raise KeyTaken() from exc
            raise error from exc
        if any(cursor.rowcount != 1 for cursor in self._expected):
            raise Conflict(MOVED_ON)

    def abandon(self) -> None:
        """Leave pipeline mode after a failure, so the rollback can be sent (its error echoes the first one)."""
        pipeline, self._pipeline = self._pipeline, None
        if pipeline is not None:
            try:
                pipeline.__exit__(None, None, None)
            except self.dialect.loaded_dbapi.Error:
                pass


@contextlib.contextmanager
def batch_transaction():
    """One write transaction for many engine steps, committed once at the end; each step runs in a savepoint.

    A step that raises is rolled back to its savepoint and the batch goes on with the next; an error that
    leaves the block rolls the whole batch back. On SQLite the write lock is held from BEGIN to COMMIT,
    so keep batches small enough that a request waiting behind one is not kept long.
    """
    session = _ready_session()
    if BATCH in session.info:
        raise RuntimeError("batches do not nest")
    try:
        session.info[BATCH] = _begin(session)
        yield
    except BaseException:
        session.info.pop(BATCH, None)
        session.rollback()
        raise
    session.info.pop(BATCH, None)
    _commit(session)


@contextlib.contextmanager
def _step_savepoint(conn, driver: DriverConnection | None = None):
    """Run one step of a batch in a savepoint: released when it succeeds, rolled back to when it raises."""
    raw = conn.connection.driver_connection
    raw.execute(f"SAVEPOINT {_STEP}")
    try:
        yield
        if driver is not None:
            driver.flush()
    except BaseException:
        if driver is not None:
            driver.abandon()
        # After a failed statement PostgreSQL refuses everything but this; SQLite undid only the statement.
        raw.execute(f"ROLLBACK TO SAVEPOINT {_STEP}")
        raw.execute(f"RELEASE SAVEPOINT {_STEP}")
        raise
    raw.execute(f"RELEASE SAVEPOINT {_STEP}")


@contextlib.contextmanager
def driver_transaction():
    """A write transaction on the request's connection, for steps that run only prepared statements (fire)."""
    batch = db.session().info.get(BATCH)
    if batch is not None:
        driver = DriverConnection(batch.dialect, batch.connection)
        with _step_savepoint(batch, driver):
            yield driver
        return
    session, driver = _ready_session(), None
    try:
        conn = _begin(session)
        driver = DriverConnection(conn.dialect, conn.connection)
        yield driver
        driver.flush()
    except BaseException:
        if driver is not None:
            driver.abandon()
        session.rollback()
        raise
    _commit(session)


@contextlib.contextmanager
def core_transaction():
    """A write transaction on the request's SQLAlchemy Connection, for steps that also run Core statements."""
    batch = db.session().info.get(BATCH)
    if batch is not None:
        with _step_savepoint(batch):
            yield batch
        return
    session = _ready_session()
    try:
        yield _begin(session)
    except BaseException:
        session.rollback()
        raise
    _commit(session)


def _ready_session():
    """The request's session, with no ORM change pending and, on SQLite, no read transaction open."""
    session = db.session()
    if has_uncommitted_writes(session):
        raise RuntimeError("the engine owns its transaction: commit or discard pending changes first")
    if session.in_transaction() and db.engine.dialect.name == "sqlite":
        session.commit()  # a read transaction cannot take the write lock safely; ending it costs nothing there
    return session


def _begin(session):
    """The session's connection in a transaction: the request's own on PostgreSQL, a new immediate one on SQLite."""
    try:
        if db.engine.dialect.name == "sqlite":
            return session.connection(execution_options={IMMEDIATE: True})
        return session.connection()
    except OperationalError as exc:
        if db.engine.dialect.name == "sqlite":
            raise Conflict(BUSY) from exc
        raise


def _commit(session) -> None:
    """Commit the step; expire what it may have changed, but keep the request's user and token loaded (no reload)."""
    session.expire_on_commit = False
    try:
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.expire_on_commit = True
    for obj in list(session.identity_map.values()):
        if not isinstance(obj, _UNTOUCHED):
            session.expire(obj)

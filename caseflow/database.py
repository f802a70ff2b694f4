"""Database connection settings: SQLite pragmas, immediate write transactions, snapshot reads, a reachability check."""
from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from caseflow.config import ConfigError

#: Execution option that makes a SQLite transaction take the write lock when it begins.
IMMEDIATE = "caseflow_begin_immediate"

#: Bytes the log file is cut back to after a checkpoint, once its largest size is no longer needed.
SQLITE_LOG_LIMIT_BYTES = 32 * 2**20


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # pysqlite's own transaction handling cannot BEGIN IMMEDIATE; we emit BEGIN ourselves.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL with NORMAL survives a crash of the process: only a power loss can lose the last commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    # When the log is copied back into the file (the checkpoints) is the app's engine's business:
    # caseflow.wal does it in the background.
    # After a long reader held the log back, cut it down again rather than keep its largest size.
    cursor.execute(f"PRAGMA journal_size_limit={SQLITE_LOG_LIMIT_BYTES}")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn):
    if conn.dialect.name != "sqlite":
        return
    # A write transaction that starts deferred can fail with SQLITE_BUSY when it upgrades
    # from reading to writing; the engine asks for the write lock up front instead.
    # Straight to the driver: this runs once per transaction, on the engine's hot path.
    statement = "BEGIN IMMEDIATE" if conn.get_execution_options().get(IMMEDIATE) else "BEGIN"
    try:
        conn.connection.driver_connection.execute(statement)
    except sqlite3.Error as exc:
        # SQLAlchemy does not wrap what a "begin" listener raises: wrap it as a statement's error would be, so
        # callers see OperationalError ("database is locked" after the busy timeout), not the driver's own.
        raise DBAPIError.instance(statement, (), exc, sqlite3.Error, dialect=conn.dialect) from exc


@contextlib.contextmanager
def snapshot_connection(engine: Engine) -> Iterator[Connection]:
    """A connection of its own in a read transaction whose every statement sees the same snapshot.

    PostgreSQL's default, READ COMMITTED, gives each statement a snapshot of its own: rows read by two
    statements may then disagree with each other about a commit made between them. REPEATABLE READ takes
    one snapshot at the first statement. A SQLite read transaction is one snapshot already.
    """
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def check_reachable(engine: Engine) -> None:
    """Stop with one line when the configured database cannot be reached."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise ConfigError(f"cannot reach the database at {engine.url.render_as_string()}: {reason}") from None
    finally:
        # gunicorn preloads the app and forks: no pooled connection may be inherited by the workers.
        engine.dispose()

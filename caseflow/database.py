"""Database connection settings: SQLite pragmas, immediate write transactions, a reachability check."""
from __future__ import annotations

import sqlite3

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from caseflow.config import ConfigError

#: Execution option that makes a SQLite transaction take the write lock when it begins.
IMMEDIATE = "caseflow_begin_immediate"

#: Pages the SQLite write-ahead log may hold before a commit copies them back into the database file.
#: A transition dirties some 25 pages, half of them the same tail pages of the history's and the
#: notifications' indexes; at SQLite's default of 1,000 every 40th commit paid two fsyncs and wrote
#: those same pages back again. 10,000 pages (about 40 MB of log at most) spreads that over ten
#: times as many commits; reads are unaffected (the log is indexed).
WAL_AUTOCHECKPOINT_PAGES = 10_000


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # pysqlite's own transaction handling cannot BEGIN IMMEDIATE; we emit BEGIN ourselves.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn):
    if conn.dialect.name != "sqlite":
        return
    # A write transaction that starts deferred can fail with SQLITE_BUSY when it upgrades
    # from reading to writing; the engine asks for the write lock up front instead.
    # Straight to the driver: this runs once per transaction, on the engine's hot path.
    conn.connection.driver_connection.execute("BEGIN IMMEDIATE" if conn.get_execution_options().get(IMMEDIATE) else "BEGIN")


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

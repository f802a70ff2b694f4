"""Count what a request sends to the database, at the driver, whatever layer sent it.

SQLAlchemy's `before_cursor_execute` sees only what goes through a Connection; the engine's prepared
statements go straight to the driver. So the count is taken below both:

- PostgreSQL: libpq's trace of the protocol on each connection checked out; every round trip ends
  with the server's ReadyForQuery, so those are counted (pings, BEGIN, COMMIT and ROLLBACK included).
- SQLite: the driver's trace callback, once per statement run (BEGIN, COMMIT and ROLLBACK included):
  SQLite has no round trips, so statements are the honest stand-in.

    with Wire(db.engine) as wire:
        client.post(...)
    assert wire.count <= 8, wire.report()
"""
from __future__ import annotations

import re
import sqlite3
import tempfile

from sqlalchemy import event

# libpq's trace: `F\t<length>\tQuery\t "BEGIN"`, `F\t<length>\tParse\t "" "SELECT ..." <n> ...`.
_PG_SQL = re.compile(r'^F\t\d+\t(?:Query\t "(?P<query>.*)"$|Parse\t "(?P<name>[^"]*)" "(?P<parse>.*)" \d+'
                     r'|Bind\t "[^"]*" "(?P<prepared>[^"]+)")', re.S)


class Wire:
    """Count the round trips (PostgreSQL) or statements (SQLite) sent while the block runs.

    On entry every pooled connection, and `warm` more, is checked out once and traced, so a request
    finds them as a running server's worker would: not fresh, so a pool's ping on checkout shows.
    """

    def __init__(self, engine, warm: int = 3):
        self.engine, self.warm, self.statements, self._traced = engine, warm, [], {}
        self._round_trips = 0

    def __enter__(self) -> "Wire":
        event.listen(self.engine, "connect", self._on_connect)
        held = [self.engine.raw_connection() for _ in range(self.engine.pool.checkedin() + self.warm)]
        for connection in held:
            if id(connection.dbapi_connection) not in self._traced:
                self._on_connect(connection.dbapi_connection, None)
            connection.close()
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "connect", self._on_connect)
        for dbapi_connection, trace in self._traced.values():
            self._stop(dbapi_connection, trace)
        self._traced.clear()

    @property
    def count(self) -> int:
        return self._round_trips if self.engine.dialect.name == "postgresql" else len(self.statements)

    def report(self) -> str:
        """The statements sent, one a line, for an assertion's message."""
        return f"{self.count} sent:\n" + "\n".join(f"  {' '.join(s.split())[:160]}" for s in self.statements)

    def _on_connect(self, dbapi_connection, record) -> None:
        if isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.set_trace_callback(self.statements.append)
            self._traced[id(dbapi_connection)] = (dbapi_connection, None)
            return
        from psycopg import pq

        trace = tempfile.TemporaryFile(mode="w+b")
        dbapi_connection.pgconn.trace(trace.fileno())
        dbapi_connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        self._traced[id(dbapi_connection)] = (dbapi_connection, trace)

    def _stop(self, dbapi_connection, trace) -> None:
        if trace is None:
            dbapi_connection.set_trace_callback(None)
            return
        if not dbapi_connection.closed:
            dbapi_connection.pgconn.untrace()  # flushes what libpq buffered
        trace.seek(0)
        prepared = {}  # psycopg prepares a statement on the server after a few runs; then it only binds
        # A message's text may hold newlines (SQLAlchemy's SELECTs do): split where the next message begins.
        for line in re.split(r"\n(?=[FB]\t\d+\t)", trace.read().decode(errors="replace")):
            if line.startswith("B\t") and "\tReadyForQuery\t" in line:
                self._round_trips += 1
            elif found := _PG_SQL.search(line):
                if found["name"]:
                    prepared[found["name"]] = found["parse"]
                else:
                    self.statements.append(" ".join((found["query"] or found["parse"] or "").split())
                                           or prepared.get(found["prepared"], f"(prepared {found['prepared']})"))
        trace.close()


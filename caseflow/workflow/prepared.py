"""Statements compiled once per dialect and run on the raw DBAPI cursor.

On SQLite, SQLAlchemy's per-call execution machinery costs more than the database work of a durable
transition. The engine's few fixed statements therefore run through this thin layer, which keeps
SQLAlchemy's SQL (quoting, casts, placeholders, FOR UPDATE) and its type conversions (UTC datetimes,
dates, decimals) in both directions, but skips its per-call set-up.

`conn` is anything with `.dialect` and `.connection.driver_connection`: a SQLAlchemy Connection, or
the engine's own `DriverConnection`. Driver errors come out as SQLAlchemy's (IntegrityError, DataError, ...),
as they would from a Connection.

What it saves, measured (issue 13, bench.engine at 20,000 cases on SQLite, two interleaved rounds): the
same statements through plain Core (`conn.execute(statement, params)` on a Connection, with SQLAlchemy's
compiled cache) ran the engine at 0.37 and 0.44 of this layer's rate (135 against 369 and 148 against 340
transitions/s), far from the 10 % that would have let Core replace it.
"""
from __future__ import annotations

from typing import NamedTuple

from sqlalchemy.exc import DBAPIError


class Compiled(NamedTuple):
    """A statement as one dialect's driver takes it."""
    sql: str
    positional: bool  # placeholders by position (a tuple of values) or by name (a dict)
    binds: tuple  # (parameter name, the type's bind processor or None), in placeholder order
    fixed: dict  # values fixed in the statement itself (a LIMIT, a literal compared with)


class Reader(NamedTuple):
    """How a query's rows are read for one dialect."""
    keys: tuple  # the selected columns' keys
    processors: tuple  # each column's result processor, or None


class Prepared:
    """One statement, compiled lazily for each dialect it meets."""

    def __init__(self, statement, keys: tuple[str, ...] | None = None):
        self.statement, self.keys = statement, keys
        self._compiled: dict[str, Compiled] = {}

    def _for(self, dialect) -> Compiled:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            sql = self.statement.compile(dialect=dialect, column_keys=list(self.keys) if self.keys else None)
            processors = {}
            for name, bind in sql.binds.items():
                processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
                if processor is not None:
                    processors[name] = processor
            names = tuple(sql.positiontup) if sql.positional else tuple(sql.binds)
            # Values fixed in the statement itself (a LIMIT, a literal compared with) travel as parameters too.
            fixed = {k: b.value for k, b in sql.binds.items() if b.value is not None}
            compiled = Compiled(str(sql), sql.positional, tuple((n, processors.get(n)) for n in names), fixed)
            self._compiled[dialect.name] = compiled
        return compiled

    @staticmethod
    def _args(compiled: Compiled, params: dict):
        """The driver's parameters: a tuple in placeholder order, or a dict for named placeholders."""
        if compiled.fixed:
            params = {**compiled.fixed, **params}
        values = [params[k] if convert is None or params[k] is None else convert(params[k])
                  for k, convert in compiled.binds]
        return tuple(values) if compiled.positional else dict(zip((k for k, _ in compiled.binds), values))

    def _run(self, conn, method: str, args):
        """Open a cursor, run `cursor.<method>(sql, args)`, and hand back the open cursor."""
        sql = self._for(conn.dialect).sql
        cursor = conn.connection.driver_connection.cursor()
        try:
            getattr(cursor, method)(sql, args)
        except conn.dialect.loaded_dbapi.Error as exc:
            cursor.close()
            raise translate(exc, conn.dialect, sql, args) from exc
        return cursor

    def execute(self, conn, params: dict) -> int:
        """Run with one set of parameters on `conn`'s DBAPI connection; return the row count."""
        cursor = self._run(conn, "execute", self._args(self._for(conn.dialect), params))
        count = cursor.rowcount
        cursor.close()
        return count

    def send(self, conn, params: dict):
        """Run with one set of parameters and hand back the open cursor: in a pipeline its answer comes later."""
        return self._run(conn, "execute", self._args(self._for(conn.dialect), params))

    def execute_many(self, conn, rows: list[dict]) -> None:
        """Run once per row of parameters."""
        compiled = self._for(conn.dialect)
        self._run(conn, "executemany", [self._args(compiled, row) for row in rows]).close()


class PreparedQuery(Prepared):
    """One SELECT whose rows come back as dicts keyed by column, values converted by the column types."""

    def __init__(self, statement):
        super().__init__(statement)
        self._columns = tuple(statement.selected_columns)
        self._readers: dict[str, Reader] = {}

    def _reader(self, dialect, description) -> Reader:
        reader = self._readers.get(dialect.name)
        if reader is None:
            # The driver's type codes (PostgreSQL OIDs; None on SQLite) pick each column's converter.
            processors = tuple(column.type.dialect_impl(dialect).result_processor(dialect, d[1])
                               for column, d in zip(self._columns, description))
            reader = self._readers[dialect.name] = Reader(tuple(c.key for c in self._columns), processors)
        return reader

    def fetch_one(self, conn, params: dict) -> dict | None:
        """The first row as {column key: value}, or None."""
        cursor = self._run(conn, "execute", self._args(self._for(conn.dialect), params))
        try:
            row = cursor.fetchone()
            if row is None:
                return None
            reader = self._reader(conn.dialect, cursor.description)
        finally:
            cursor.close()
        return {k: (p(v) if p is not None and v is not None else v) for k, p, v in zip(reader.keys, reader.processors, row)}


    def fetch_all(self, conn, params: dict) -> list[dict]:
        """Every row as {column key: value}."""
        cursor = self._run(conn, "execute", self._args(self._for(conn.dialect), params))
        try:
            rows = cursor.fetchall()
            reader = self._reader(conn.dialect, cursor.description) if rows else None
        finally:
            cursor.close()
        return [{k: (p(v) if p is not None and v is not None else v) for k, p, v in zip(reader.keys, reader.processors, row)}
                for row in rows]


def translate(exc: Exception, dialect, statement: str, params) -> DBAPIError:
    """SQLAlchemy's exception for a driver error, as a Connection would raise it."""
    return DBAPIError.instance(statement, params, exc, dialect.loaded_dbapi.Error, dialect=dialect)

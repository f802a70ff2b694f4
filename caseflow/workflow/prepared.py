"""Write statements compiled once per dialect and run on the raw DBAPI cursor.

On SQLite, SQLAlchemy's per-call execution machinery costs more than the database work of a durable
transition. The engine's few fixed writes therefore run through this thin layer, which keeps
SQLAlchemy's SQL (quoting, casts, placeholders) and its type conversions (UTC datetimes, dates,
decimals) but skips its per-call set-up. Reads keep using SQLAlchemy, whose result processing they need.
"""
from __future__ import annotations


class Prepared:
    """One INSERT or UPDATE, compiled lazily for each dialect it meets."""

    def __init__(self, statement, keys: tuple[str, ...] | None = None):
        self.statement, self.keys = statement, keys
        self._compiled: dict[str, tuple] = {}

    def _for(self, dialect) -> tuple:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            sql = self.statement.compile(dialect=dialect, column_keys=list(self.keys) if self.keys else None)
            processors = {}
            for name, bind in sql.binds.items():
                processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
                if processor is not None:
                    processors[name] = processor
            order = tuple(sql.positiontup) if sql.positional else None
            compiled = self._compiled[dialect.name] = (str(sql), order, processors)
        return compiled

    def _args(self, compiled, params: dict):
        _, order, processors = compiled
        values = {k: (processors[k](v) if k in processors and v is not None else v) for k, v in params.items()}
        return tuple(values[k] for k in order) if order is not None else values

    def execute(self, conn, params: dict) -> int:
        """Run with one set of parameters on `conn`'s DBAPI connection; return the row count."""
        compiled = self._for(conn.dialect)
        cursor = conn.connection.driver_connection.cursor()
        try:
            cursor.execute(compiled[0], self._args(compiled, params))
            return cursor.rowcount
        finally:
            cursor.close()

    def execute_many(self, conn, rows: list[dict]) -> None:
        """Run once per row of parameters."""
        compiled = self._for(conn.dialect)
        cursor = conn.connection.driver_connection.cursor()
        try:
            cursor.executemany(compiled[0], [self._args(compiled, row) for row in rows])
        finally:
            cursor.close()


def integrity_error(conn) -> type[Exception]:
    """The DBAPI's IntegrityError class for `conn`, which the raw cursor raises untranslated."""
    return conn.dialect.loaded_dbapi.IntegrityError

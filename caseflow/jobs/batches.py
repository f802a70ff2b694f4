"""Keyset pagination over due rows, and the short write transactions the sweeps use."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import Select, bindparam

from caseflow.database import IMMEDIATE
from caseflow.extensions import db

#: Rows handled per batch: the session is cleared between batches so memory stays flat.
BATCH_SIZE = 500


class Keyset:
    """A sweep's query paged by an integer key: both pages' statements built once, when the module loads.

    `key + 0`, in the ORDER BY and after the first batch: otherwise SQLite may walk the one-column state
    index (which ends in the row id) for the id order or the `id > last` range, reading every case in the
    state; it then takes the partial (state, due date) index instead and sorts the few rows due.
    """

    def __init__(self, query: Select, key, size: int = BATCH_SIZE):
        self.size = size
        self.first = query.order_by(key + 0).limit(size)
        self.after = query.where(key + 0 > bindparam("keyset_last")).order_by(key + 0).limit(size)


def batches(keyset: Keyset, params: dict | None = None) -> Iterator[list]:
    """Yield the rows of `keyset`'s query (the key selected first) in batches, with `params` bound."""
    session, params = db.session, dict(params or {})
    kept = set(session.identity_map.keys())  # the caller's objects stay attached
    statement = keyset.first
    while True:
        rows = session.execute(statement, params).all()
        if not rows:
            # Nothing to work: the read transaction may go on into the next sweep's reads (an idle tick
            # then reads in one transaction), as nothing will be written under it.
            return
        # End the read transaction before the batch is worked: on SQLite an open reader
        # would otherwise pin an old snapshot while the engine writes.
        session.commit()
        yield rows
        _forget_loaded(session, kept)
        if len(rows) < keyset.size:
            return
        statement, params["keyset_last"] = keyset.after, rows[-1][0]


def _forget_loaded(session, kept: set) -> None:
    """Expunge what the batch loaded (the engine's case rows, reviews...), so memory stays flat."""
    for key, obj in list(session.identity_map.items()):
        if key not in kept:
            session.expunge(obj)


@contextlib.contextmanager
def write_transaction():
    """Run a block in one write transaction that takes SQLite's write lock when it begins."""
    session = db.session
    session.commit()
    session.connection(execution_options={IMMEDIATE: True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise

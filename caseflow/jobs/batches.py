"""Keyset pagination over due rows, and the short write transactions the sweeps use."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import Select

from caseflow.database import IMMEDIATE
from caseflow.extensions import db

#: Rows handled per batch: the session is cleared between batches so memory stays flat.
BATCH_SIZE = 500


def batches(query: Select, key, size: int | None = None) -> Iterator[list]:
    """Yield the rows of `query` in batches ordered by `key` (an integer column selected first)."""
    session, size = db.session, size or BATCH_SIZE
    kept = set(session.identity_map.keys())  # the caller's objects stay attached
    last = None
    while True:
        # `key + 0`, in the ORDER BY and after the first batch: otherwise SQLite may walk the
        # one-column state index (which ends in the row id) for the id order or the `id > last`
        # range, reading every case in the state; it then takes the partial (state, due date)
        # index instead and sorts the few rows due.
        page = query if last is None else query.where(key + 0 > last)
        rows = session.execute(page.order_by(key + 0).limit(size)).all()
        # End the read transaction before the batch is worked: on SQLite an open reader
        # would otherwise pin an old snapshot while the engine writes.
        session.commit()
        if not rows:
            return
        yield rows
        _forget_loaded(session, kept)
        if len(rows) < size:
            return
        last = rows[-1][0]


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

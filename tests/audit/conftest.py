"""Fixtures for the audit tests: the demo data (signing in is `sign_in` in tests/conftest.py)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from caseflow.clock import set_clock, today
from caseflow.extensions import db


@pytest.fixture
def demo(app, runner):
    """Load the demo partners, users and cases (walked through the engine with a set clock)."""
    # The demo stamps today's steps at fixed hours (up to 15:00 UTC); run the clock at the end of
    # today so "now" is after every demo record whatever the hour the tests run.
    set_clock(dt.datetime.combine(today(), dt.time(23, 0), tzinfo=dt.timezone.utc))
    result = runner.invoke(args=["demo", "--quiet"])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def tamper(app):
    """`tamper(record_id)` rewrites a stored record's comment behind the application's back, as an
    intruder with SQL access could (on PostgreSQL, by first switching off the append-only trigger)."""

    def rewrite(record_id: int) -> None:
        connection = db.session.connection()
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.execute(text("ALTER TABLE history_records DISABLE TRIGGER history_records_append_only"))
        connection.execute(text("UPDATE history_records SET comment = 'nothing to see' WHERE id = :id"),
                           {"id": record_id})
        if postgres:
            connection.execute(text("ALTER TABLE history_records ENABLE TRIGGER history_records_append_only"))
        db.session.commit()

    return rewrite


@pytest.fixture
def intrude(app):
    """`intrude(sql, **params)` runs SQL (text or a Core statement) behind the application's back, as an intruder with write access to
    the database could (on PostgreSQL, first lifting the history's append-only triggers as its owner may)."""

    def run(sql: str, **params):
        db.session.rollback()  # end the session's snapshot so it sees the change afterwards
        with db.engine.begin() as conn:
            postgres = conn.dialect.name == "postgresql"
            if postgres:
                conn.execute(text("ALTER TABLE history_records DISABLE TRIGGER USER"))
            found = conn.execute(text(sql) if isinstance(sql, str) else sql, params)
            rows = found.mappings().all() if found.returns_rows else None
            if postgres:
                conn.execute(text("ALTER TABLE history_records ENABLE TRIGGER USER"))
        return rows

    return run

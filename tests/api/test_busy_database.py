"""On SQLite, a step that cannot take the write lock within the busy timeout is told to try again, never a 500."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import event

from caseflow.extensions import db
from caseflow.models import Case
from tests.factories import VETTING


@pytest.fixture
def short_busy_timeout():
    """Pooled connections wait 50 ms for the write lock instead of 30 s, for the length of the test."""
    def shorten(dbapi_connection, record, proxy):
        dbapi_connection.execute("PRAGMA busy_timeout = 50")

    def restore(dbapi_connection, record):
        dbapi_connection.execute("PRAGMA busy_timeout = 30000")

    event.listen(db.engine.pool, "checkout", shorten)
    event.listen(db.engine.pool, "checkin", restore)
    yield
    event.remove(db.engine.pool, "checkout", shorten)
    event.remove(db.engine.pool, "checkin", restore)


def test_a_step_that_waits_out_the_busy_timeout_is_a_conflict_and_changes_nothing(api, cases, short_busy_timeout):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the write lock is SQLite's")
    case = cases.in_state("proposed")
    reviewer = api("reviewer")
    writer = sqlite3.connect(db.engine.url.database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process holds the write lock past the busy timeout
    try:
        response = reviewer.post(f"/api/v1/cases/{case.id}/transitions",
                                 json={"trigger": "vet", "data": VETTING, "expected_version": case.version})
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert response.status_code == 409 and response.json["error"] == "Conflict"
    assert "busy" in response.json["message"]
    db.session.rollback()
    assert db.session.get(Case, case.id).state == "proposed"

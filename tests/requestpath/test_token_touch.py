"""Recording a token's last use never holds up or fails the request that uses it."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import event

from caseflow.api import tokens
from caseflow.extensions import db
from caseflow.models import ApiToken


def test_a_locked_sqlite_database_skips_the_touch_and_answers(app, client, users):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the write lock is SQLite's")
    token, secret = tokens.issue(users["auditor"], "tests")
    token_id = token.id
    writer = sqlite3.connect(db.engine.url.database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with app.app_context():
            response = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {secret}"})
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert response.status_code == 200
    db.session.rollback()
    assert db.session.get(ApiToken, token_id).last_used_at is None  # skipped; the next request records it
    with app.app_context():
        assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    db.session.rollback()
    assert db.session.get(ApiToken, token_id).last_used_at is not None


def test_every_connection_goes_back_to_the_pool_waiting_its_turn(app, client, users):
    """The touch stops waiting for the lock only while it holds the connection: a connection handed to another
    thread with no busy timeout made that thread's step fail at once with "database is locked" (load run)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the busy timeout is SQLite's")
    _, secret = tokens.issue(users["auditor"], "tests")
    waits = []

    def record_wait(dbapi_connection, record):
        waits.append(dbapi_connection.execute("PRAGMA busy_timeout").fetchone()[0])

    event.listen(db.engine.pool, "checkin", record_wait)
    writer = sqlite3.connect(db.engine.url.database, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        with app.app_context():  # locked: the touch is skipped
            assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
        writer.execute("ROLLBACK")
        with app.app_context():  # free: the touch is written
            assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    finally:
        event.remove(db.engine.pool, "checkin", record_wait)
        writer.close()
    assert waits and set(waits) == {30000}, waits

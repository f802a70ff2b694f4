"""No ping per request: a pooled connection the server dropped is met by the request, retried once or answered 503."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from caseflow.api import tokens
from caseflow.config import ConfigError, build_config
from caseflow.extensions import db
from tests.conftest import sign_in_as

DROPPED = "server closed the connection unexpectedly"


class DropOnce:
    """Make the `nth` statement sent meet a dropped connection, once, as SQLAlchemy reports one."""

    def __init__(self, engine, nth: int):
        self.engine, self.nth, self.sent = engine, nth, 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._maybe_drop)
        event.listen(self.engine, "handle_error", self._as_disconnect)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._maybe_drop)
        event.remove(self.engine, "handle_error", self._as_disconnect)

    def _maybe_drop(self, conn, cursor, statement, parameters, context, executemany):
        self.sent += 1
        if self.sent == self.nth:
            raise self.engine.dialect.loaded_dbapi.OperationalError(DROPPED)

    def _as_disconnect(self, context):
        if DROPPED in str(context.original_exception):
            context.is_disconnect = True


def test_server_connections_are_recycled_not_pinged(tmp_path, monkeypatch):
    url = {"SQLALCHEMY_DATABASE_URI": "postgresql://caseflow@db.example.org/caseflow"}
    options = build_config(tmp_path, url)["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options == {"pool_recycle": 1800}
    monkeypatch.setenv("CASEFLOW_POOL_RECYCLE", "300")
    assert build_config(tmp_path, url)["SQLALCHEMY_ENGINE_OPTIONS"]["pool_recycle"] == 300
    monkeypatch.setenv("CASEFLOW_POOL_RECYCLE", "soon")
    with pytest.raises(ConfigError, match="CASEFLOW_POOL_RECYCLE must be a whole number"):
        build_config(tmp_path, url)


def test_a_request_whose_first_statement_meets_a_dropped_connection_runs_again(app, client, users, cases):
    case_id = cases.in_state("active").id
    secret = tokens.issue(users["auditor"], "tests")[1]
    with app.app_context(), DropOnce(db.engine, nth=1):
        response = client.get(f"/api/v1/cases/{case_id}", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200 and response.get_json()["id"] == case_id


def test_a_request_that_loses_its_connection_after_sending_is_answered_503(app, client, users, cases):
    case_id = cases.in_state("active").id
    secret = tokens.issue(users["auditor"], "tests")[1]
    with app.app_context():  # the token's use is recorded now, so the next request does not write it again
        assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    with app.app_context(), DropOnce(db.engine, nth=2):  # the token was read, then the case's read meets the loss
        response = client.get(f"/api/v1/cases/{case_id}", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 503
    assert "Reload to see whether the change was made" in response.get_json()["message"]


def test_a_page_whose_first_statement_meets_a_dropped_connection_runs_again(app, client, users, cases):
    case_id = cases.in_state("active").id
    with app.app_context():
        sign_in_as(client, users["auditor"])
    with app.app_context(), DropOnce(db.engine, nth=1):  # the signed-in user's read, before the view
        response = client.get(f"/cases/{case_id}")
    assert response.status_code == 200

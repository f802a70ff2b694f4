"""A database connection lost under a request: tried again once when nothing was sent, else a clear 503.

Without a ping per checkout (a round trip per request) a pooled connection the server dropped is only
found out when the request first uses it. SQLAlchemy then invalidates the pool's older connections; if
the request had not yet sent anything that succeeded, nothing can have changed, so it runs once more on
a fresh connection. Otherwise the request is answered 503 (it may have committed before the loss, so the
answer says to look before trying again).
"""
from __future__ import annotations

from functools import wraps

from flask import Flask, g, has_app_context
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import ServiceUnavailable

from caseflow.extensions import db

LOST = ("The connection to the database was lost while answering. Reload to see whether the change was made "
        "before you try again.")
_SENT = "caseflow_database_answered"


def lost(exc: BaseException) -> bool:
    """Tell whether `exc` is a dropped database connection."""
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def init_app(app: Flask) -> None:
    """Retry a request whose first statement met a dropped connection; answer 503 when it cannot be retried."""
    app.preprocess_request = _retried(app.preprocess_request)
    app.dispatch_request = _retried(app.dispatch_request)
    with app.app_context():
        event.listen(db.engine, "after_cursor_execute", _note_answer)


def _retried(step):
    """`step` run once more after a dropped connection, if nothing was answered yet; else a 503."""

    @wraps(step)
    def run():
        try:
            return step()
        except DBAPIError as exc:
            if not lost(exc):
                raise
            db.session.rollback()
            if g.get(_SENT):
                raise ServiceUnavailable(LOST) from exc
        try:
            return step()
        except DBAPIError as exc:
            if lost(exc):
                db.session.rollback()
                raise ServiceUnavailable(LOST) from exc
            raise

    return run


def _note_answer(conn, cursor, statement, parameters, context, executemany) -> None:
    if has_app_context():
        g.setdefault(_SENT, True)

"""Bearer-token authentication and the role check every API endpoint makes for its own action."""
from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from functools import wraps

from flask import g, request
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload

from caseflow.api.errors import ApiError
from caseflow.clock import utcnow
from caseflow.extensions import db
from caseflow.models import ApiToken, User, hash_token

# last_used_at is written at most this often per token, so reads do not each cost a write.
TOUCH_EVERY = dt.timedelta(minutes=1)
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="caseflow"'}


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, "Unauthorized", message, headers=CHALLENGE)


def authenticate() -> User:
    """Return the active user whose unrevoked token the request bears, or raise a 401."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        raise _unauthorized("Send an API token: 'Authorization: Bearer <token>'.")
    # The token and its user in one statement: no second round trip for the user.
    token = db.session.scalar(select(ApiToken).options(joinedload(ApiToken.user, innerjoin=True))
                              .where(ApiToken.token_hash == hash_token(secret)))
    if token is None or token.revoked_at is not None:
        raise _unauthorized("The API token is unknown or revoked.")
    if not token.user.is_active_user:
        raise _unauthorized("The API token's user is deactivated.")
    _touch(token)
    return token.user


def _touch(token: ApiToken) -> None:
    """Record when the token was last used, at most once per TOUCH_EVERY; never hold up or fail the request.

    The write rides on the request's own transaction (PostgreSQL: committed with it, or lost with a refused
    request, which a minute later is written again). On SQLite it would take the write lock, so it is
    written at once and skipped when another writer holds the lock.
    """
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return
    touch = update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now)
    if db.engine.dialect.name != "sqlite":
        db.session.execute(touch.execution_options(synchronize_session=False))
        g.api_token_touched = True  # a read-only request commits it as it ends (api_roles)
        return
    _touch_unless_locked(touch)


def _touch_unless_locked(touch) -> None:
    """On SQLite: write `touch` in a transaction of its own, or skip it at once while another writer holds the lock."""
    session = db.session()
    session.commit()  # end the read transaction: a stale reader cannot take the write lock
    driver = session.connection().connection.driver_connection
    waited = driver.execute("PRAGMA busy_timeout").fetchone()[0]
    driver.execute("PRAGMA busy_timeout = 0")
    try:
        session.execute(touch.execution_options(synchronize_session=False))
        locked = False
    except OperationalError:
        locked = True  # the next request a minute on records it
    finally:
        # Put the wait back while the connection is still ours: once the transaction ends it goes back to the
        # pool, and another thread's BEGIN IMMEDIATE on it would fail at once instead of waiting its turn.
        with contextlib.suppress(sqlite3.Error):  # a connection lost meanwhile is the pool's to replace
            driver.execute(f"PRAGMA busy_timeout = {int(waited)}")
    if locked:
        session.rollback()
        return
    session.expire_on_commit = False  # keep the token and its user loaded: no reload after
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def api_roles(*roles: str):
    """Let an endpoint run only for a bearer of a valid token whose user has one of `roles`."""

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            user = authenticate()
            if user.role not in roles:
                raise ApiError(403, "NotAllowed", f"This needs the role {' or '.join(roles)}; "
                                                  f"{user.email} is {user.role}.")
            g.api_user = user
            response = view(*args, **kwargs)
            if g.pop("api_token_touched", False) and db.session().in_transaction():
                db.session.commit()
            return response

        checked.allowed_roles = frozenset(roles)
        return checked

    return decorate


def api_user() -> User:
    """The user the current API request acts for."""
    return g.api_user

"""Bearer-token authentication and the role check every API endpoint makes for its own action."""
from __future__ import annotations

import datetime as dt
from functools import wraps

from flask import g, request
from sqlalchemy import select, update

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
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None or token.revoked_at is not None:
        raise _unauthorized("The API token is unknown or revoked.")
    if not token.user.is_active_user:
        raise _unauthorized("The API token's user is deactivated.")
    _touch(token)
    return token.user


def _touch(token: ApiToken) -> None:
    """Record when the token was last used, at most once per TOUCH_EVERY."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return
    db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
    db.session.commit()


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
            return view(*args, **kwargs)

        checked.allowed_roles = frozenset(roles)
        return checked

    return decorate


def api_user() -> User:
    """The user the current API request acts for."""
    return g.api_user

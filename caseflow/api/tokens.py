"""Issuing, finding and revoking API tokens: shared by the admin page and the command line."""
from __future__ import annotations

from sqlalchemy import select

from caseflow.clock import utcnow
from caseflow.extensions import db
from caseflow.models import ApiToken, User


class TokenError(ValueError):
    """A token operation that cannot be done; the message says why."""


def issue(user: User, name: str) -> tuple[ApiToken, str]:
    """Store a new token for an active `user`; return it and its secret (shown once, stored hashed)."""
    if not user.is_active_user:
        raise TokenError(f"{user.email} is deactivated; reactivate the user before issuing a token.")
    token, secret = ApiToken.issue(user, name.strip() or "api")
    db.session.add(token)
    db.session.commit()
    return token, secret


def find(prefix_or_id: str) -> ApiToken:
    """Return the one token with this id or secret prefix (such as cf_AbC123x)."""
    key = prefix_or_id.strip()
    query = select(ApiToken).where(ApiToken.id == int(key)) if key.isdigit() else \
        select(ApiToken).where(ApiToken.prefix == key[:10])
    found = db.session.scalars(query).all()
    if not found:
        raise TokenError(f"no token {key}")
    if len(found) > 1:
        raise TokenError(f"{len(found)} tokens start with {key}; give the token's id")
    return found[0]


def revoke(token: ApiToken) -> bool:
    """Revoke `token` from now on; return False when it was revoked already."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    db.session.commit()
    return True


def tokens_of(user: User | None = None) -> list[ApiToken]:
    """Every token (or `user`'s), newest first."""
    query = select(ApiToken).join(ApiToken.user).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return list(db.session.scalars(query))

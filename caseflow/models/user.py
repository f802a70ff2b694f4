"""People who sign in, with their role, and the API tokens issued to them."""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import secrets

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from caseflow.extensions import db
from caseflow.models.types import UTCDateTime, now_utc

ROLES = ("officer", "reviewer", "auditor", "admin")
ROLE_LABELS = {"officer": "Programme officer", "reviewer": "Reviewer", "auditor": "Auditor", "admin": "Administrator"}


def a_role(role: str) -> str:
    """The role with its article, for messages: 'An auditor', 'A reviewer'."""
    return ("An " if role[:1] in "aeiou" else "A ") + role


def new_session_token() -> str:
    """Return a fresh random session token (what every session and remember-me cookie of a user carries)."""
    return secrets.token_urlsafe(32)


@functools.cache
def _dummy_password_hash() -> str:
    # Made with the same method and cost as real hashes, so that checking it takes as long.
    return generate_password_hash(secrets.token_urlsafe(16))


def check_password_of_nobody(password: str) -> bool:
    """Spend the time a password check takes, for an e-mail no user has; always False."""
    check_password_hash(_dummy_password_hash(), password)
    return False


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20), index=True)
    office: Mapped[str | None] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    is_active_user: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Every session and remember-me cookie names it; a new one ends them all (sign-out, new password,
    # deactivation). None for rows made before it existed or by raw inserts: such a user signs in afresh.
    session_token: Mapped[str | None] = mapped_column(String(64), default=new_session_token)
    failed_sign_ins: Mapped[int] = mapped_column(default=0, server_default="0")
    sign_in_blocked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_active_user

    def get_id(self) -> str:
        """Return what sessions and remember-me cookies store: the id and the current session token."""
        return f"{self.id}:{self.session_token}"

    def holds_session(self, token: str) -> bool:
        """Tell whether `token` is this user's current session token."""
        return self.session_token is not None and hmac.compare_digest(self.session_token.encode(), token.encode())

    def end_sessions(self) -> None:
        """Invalidate every session and remember-me cookie of this user (takes effect at commit)."""
        self.session_token = new_session_token()

    def set_password(self, password: str) -> None:
        """Store a salted hash of `password`; a new password ends every session of the old one."""
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        """Tell whether `password` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


def hash_token(token: str) -> str:
    """Return the stored form of an API token (tokens are high-entropy, so SHA-256 suffices)."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")

    @classmethod
    def issue(cls, user: User, name: str) -> tuple["ApiToken", str]:
        """Make a token for `user`; return the row and the secret, shown once."""
        secret = "cf_" + secrets.token_urlsafe(32)
        return cls(user=user, name=name, token_hash=hash_token(secret), prefix=secret[:10]), secret

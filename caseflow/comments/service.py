"""Add comments to cases; the rules on who may comment and what a comment may be live here."""
from __future__ import annotations

from sqlalchemy import select

from caseflow.clock import utcnow
from caseflow.extensions import db
from caseflow.models import Case, Comment, a_role

# Those who work the case comment on it, and admins (to explain an import or a correction).
# Auditors read everything and write nothing.
COMMENT_ROLES = ("officer", "reviewer", "admin")
MAX_COMMENT_LENGTH = 4000


class CommentRejected(ValueError):
    """A comment that cannot be stored, with the message for its author."""


def may_comment(user) -> bool:
    """Whether `user` may comment on cases."""
    return bool(user and getattr(user, "is_authenticated", False) and user.role in COMMENT_ROLES)


def clean_body(body: str | None) -> str:
    """The comment as stored: plain text, line ends normalised, trimmed; raise CommentRejected if unfit."""
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    text = "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32)
    if not text:
        raise CommentRejected("Write something to comment.")
    if len(text) > MAX_COMMENT_LENGTH:
        raise CommentRejected(f"A comment may have at most {MAX_COMMENT_LENGTH} characters; this one has {len(text)}.")
    return text


def add_comment(case: Case, user, body: str) -> Comment:
    """Store a comment by `user` on `case` and commit."""
    if not may_comment(user):
        raise PermissionError(f"{a_role(user.role)} may not comment.")
    comment = Comment(case_id=case.id, author_id=user.id, body=clean_body(body), created_at=utcnow())
    try:
        db.session.add(comment)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return comment


def comments_of(case: Case) -> list[Comment]:
    """A case's comments, oldest first, as a timeline reads."""
    return list(db.session.scalars(
        select(Comment).where(Comment.case_id == case.id).order_by(Comment.created_at, Comment.id)))

"""Idempotency keys: a write named by a key is done once; a repeat of it gets the first answer.

Used by the API (the Idempotency-Key header, caseflow/api/idempotent.py), whose keys are claimed and answered
here, and by the step forms, whose one-time submission tokens the engine stores with the step
(caseflow/workflow/claims.py, caseflow/cases/once.py). A key belongs to one user and names one request (method,
path and body); it is forgotten KEY_LIFETIME after it was first used (pruned by API claims and the sweeps).

The unique constraint on (user, key) decides a race: of two requests with one key at once, one
inserts the claim and goes on; the other finds the claim and is told to wait (KeyInFlight) or, once
the first has finished, is given its answer.
"""
from __future__ import annotations

import hashlib

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from caseflow.clock import utcnow
from caseflow.extensions import db
from caseflow.jobs.batches import write_transaction
from caseflow.models import IdempotencyKey
from caseflow.models.idempotency import KEY_LIFETIME

MAX_KEY_LENGTH = 255


class KeyMismatch(Exception):
    """The key was used for another request (another body, route or method)."""


class KeyInFlight(Exception):
    """The first request with this key has not answered yet."""


def fingerprint(method: str, path: str, payload: bytes) -> str:
    """The SHA-256 that identifies a request: its method, path and body."""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), payload):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def key_problem(key: str) -> str | None:
    """Why `key` cannot be an idempotency key, or None when it can."""
    if not key.strip():
        return "must not be blank"
    if len(key) > MAX_KEY_LENGTH:
        return f"must be at most {MAX_KEY_LENGTH} characters"
    if not key.isascii() or not key.isprintable():
        return "must be printable ASCII, such as a UUID"
    return None


def claim(user_id: int, key: str, method: str, path: str, print_: str) -> IdempotencyKey | None:
    """Claim `key` for this request and return None (go on), or return the first request's answered row.

    Raise KeyMismatch when the key named another request, KeyInFlight when its first request is still running.
    """
    with write_transaction() as session:
        session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < utcnow() - KEY_LIFETIME)
                        .execution_options(synchronize_session=False))
        earlier = find(user_id, key)
        if earlier is None:
            session.add(IdempotencyKey(user_id=user_id, key=key, method=method.upper(), path=path,
                                       fingerprint=print_, created_at=utcnow()))
            try:
                session.flush()
            except IntegrityError:  # another request claimed it between our read and our insert
                session.rollback()
                earlier = find(user_id, key)
    if earlier is None:
        return None
    if earlier.fingerprint != print_:
        raise KeyMismatch(f"was used for another request ({earlier.method} {earlier.path}, another body) "
                          f"in the last {KEY_LIFETIME.total_seconds() / 3600:g} hours; use a new key")
    if earlier.status is None:
        raise KeyInFlight("The first request with this key is still being worked on; retry in a moment.")
    return earlier


def find(user_id: int, key: str) -> IdempotencyKey | None:
    """The row of `key` for this user, as stored now, or None."""
    return db.session.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == user_id,
                                                          IdempotencyKey.key == key)
                             .execution_options(populate_existing=True))


def answer(user_id: int, key: str, status: int, body: str | None, location: str | None) -> None:
    """Keep the answer given to the claimed request, so a repeat gets it."""
    with write_transaction() as session:
        row = find(user_id, key)
        if row is not None:
            row.status, row.body, row.location = status, body, location
            session.add(row)


def release(user_id: int, key: str) -> None:
    """Forget an unanswered claim (the request changed nothing), so the key can be used again."""
    db.session.rollback()
    with write_transaction() as session:
        session.execute(delete(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key,
                                                     IdempotencyKey.status.is_(None))
                        .execution_options(synchronize_session=False))

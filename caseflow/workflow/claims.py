"""A form's one-time key, stored by the step it names in the step's own transaction.

A step form carries a one-time submission token (caseflow/cases/once.py). Its key and the answer a repeat gets
are written with the step, so the step and its key are one fact: both are stored or neither, and the page's
request makes no round trips of its own for them (issue 13's budget). A second submission of the same form finds
the key taken (KeyTaken) or the case moved on, and is sent where the first landed.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from caseflow.models import IdempotencyKey
from caseflow.workflow.errors import KeyTaken
from caseflow.workflow.prepared import Prepared

_INSERT_KEY = Prepared(IdempotencyKey.__table__.insert(),
                       ("user_id", "key", "fingerprint", "method", "path", "status", "body", "location", "created_at"))


@dataclass(frozen=True)
class Claim:
    """The key a request is made under, and how its answer is told to a repeat."""
    user_id: int
    key: str
    method: str
    path: str
    fingerprint: str
    #: (message for a repeat, where it lands), from the step's outcome
    settle: Callable[[object], tuple[str | None, str | None]]
    status: int = 303


def store_claim(conn, claim: Claim, outcome, at) -> None:
    """Write the claim with its answer in the step's transaction; raise KeyTaken when the key is someone's already."""
    body, location = claim.settle(outcome)
    params = {"user_id": claim.user_id, "key": claim.key, "fingerprint": claim.fingerprint, "method": claim.method,
              "path": claim.path, "status": claim.status, "body": body, "location": location, "created_at": at}
    if getattr(conn, "pipeline", None) is not None and conn.pipeline():
        _INSERT_KEY.send(conn, params)  # a taken key is refused when the pipeline's answers come (DriverConnection.flush)
        return
    try:
        _INSERT_KEY.execute(conn, params)
    except IntegrityError as exc:
        raise KeyTaken() from exc

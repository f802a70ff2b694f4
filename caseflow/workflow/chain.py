"""The tamper-evident history: each record's SHA-256 covers its content and its predecessor's hash.

Two hash formats exist. Format 1 (the first databases) left `actor_user_id` outside the hash; format 2
covers it and carries a marker ("v": 2), so no format-1 payload can ever equal a format-2 one. Old
records keep verifying under format 1; a chain may never go back from format 2 to format 1.
"""
from __future__ import annotations

import datetime as dt
import hashlib

from caseflow.workflow.step_data import canonical_json

#: The format every new record is hashed in.
HASH_FORMAT = 2
#: The formats a record may have after one of format k (None: the first record), likeliest first.
_TRIED_AFTER = {None: (2, 1), 1: (1, 2), 2: (2,)}


def format_at(at: dt.datetime) -> str:
    """The timestamp as hashed: UTC with microseconds."""
    if at.tzinfo is dt.timezone.utc:  # as the database hands them back: skip the conversion
        return at.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    return at.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _payload(*, case_id, seq, trigger, from_state, to_state, actor, at, data, comment, prev_hash) -> dict:
    return {"case_id": case_id, "seq": seq, "trigger": trigger, "from": from_state, "to": to_state, "actor": actor,
            "at": format_at(at), "data": data, "comment": comment, "prev": prev_hash}


def _digest(payload: dict, fmt: int, actor_user_id: int | None) -> str:
    if fmt == 2:
        payload = {**payload, "v": 2, "actor_user_id": actor_user_id}
    elif fmt != 1:
        raise ValueError(f"unknown hash format {fmt}")
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def record_hash(*, case_id: int, seq: int, trigger: str, from_state: str | None, to_state: str, actor: str,
                at: dt.datetime, data: str, comment: str | None, prev_hash: str | None,
                actor_user_id: int | None = None, fmt: int = HASH_FORMAT) -> str:
    """Return the hex SHA-256 of one history record chained to `prev_hash`, in hash format `fmt`."""
    payload = _payload(case_id=case_id, seq=seq, trigger=trigger, from_state=from_state, to_state=to_state,
                       actor=actor, at=at, data=data, comment=comment, prev_hash=prev_hash)
    return _digest(payload, fmt, actor_user_id)


def hash_format_of(r, previous: int | None = None, likely: int | None = None) -> int | None:
    """The format whose hash the record `r` (any object with a record's attributes) carries, or None.

    `previous` is the format of the record before it in its chain: a chain never goes back to an older one.
    `likely` (for a chain's first record: the format the chain before began with) is tried first.
    """
    payload = _payload(case_id=r.case_id, seq=r.seq, trigger=r.trigger, from_state=r.from_state, to_state=r.to_state,
                       actor=r.actor, at=r.at, data=r.data, comment=r.comment, prev_hash=r.prev_hash)
    tried = _TRIED_AFTER[previous] if previous is not None or likely != 1 else (1, 2)
    for fmt in tried:
        if _digest(payload, fmt, r.actor_user_id) == r.hash:
            return fmt
    return None

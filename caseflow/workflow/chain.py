"""The tamper-evident history: each record's SHA-256 covers its content and its predecessor's hash.

Two hash formats exist. Format 1 (the first databases) left `actor_user_id` outside the hash; format 2
covers it and carries a marker ("v": 2), so no format-1 payload can ever equal a format-2 one. Old
records keep verifying under format 1; a chain may never go back from format 2 to format 1.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import select

from caseflow.models import Case, Document, HistoryRecord, Review
from caseflow.workflow.projection import CASE_INDEX, CaseProjection, case_differences, review_differences
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


@dataclass(frozen=True)
class BrokenRecord:
    case_id: int | None  # None: the checkpoint log itself
    seq: int | None
    record_id: int | None
    reason: str

    def __str__(self) -> str:
        if self.case_id is None:
            return f"the checkpoints: {self.reason}"
        where = f"case {self.case_id}" + (f" record #{self.seq} (id {self.record_id})" if self.seq else "")
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class VerifyResult:
    cases: int
    records: int
    broken: BrokenRecord | None
    final_hash: str | None = None  # the head of the last chain walked (one case: its head)
    anchored: str | None = None  # the checkpoint the chains were checked against, described

    @property
    def ok(self) -> bool:
        return self.broken is None


_COLUMNS = (HistoryRecord.id, HistoryRecord.case_id, HistoryRecord.seq, HistoryRecord.trigger,
            HistoryRecord.from_state, HistoryRecord.to_state, HistoryRecord.actor, HistoryRecord.actor_user_id,
            HistoryRecord.at, HistoryRecord.data, HistoryRecord.comment, HistoryRecord.prev_hash, HistoryRecord.hash)


def verify_chains(session, case_id: int | None = None, on_case=None, batch: int = 5000,
                  after: int | None = None, upto: int | None = None, anchor=None) -> VerifyResult:
    """Walk every chain (or one case's, or those of the cases `after` < id <= `upto`) and name the first
    broken record or the first stored fact its history contradicts, streaming in batches.

    `anchor` (caseflow.checkpoints.Anchor), when given, is a signed checkpoint: every record it holds
    must still be there, unchanged.
    """
    queries = [select(Case.__table__).order_by(Case.id),
               select(*_COLUMNS).order_by(HistoryRecord.case_id, HistoryRecord.seq),
               select(Review.__table__).order_by(Review.case_id, Review.id)]
    owners = (Case.id, HistoryRecord.case_id, Review.case_id)
    for n, owner in enumerate(owners):
        if case_id is not None:
            queries[n] = queries[n].where(owner == case_id)
        if after is not None:
            queries[n] = queries[n].where(owner > after)
        if upto is not None:
            queries[n] = queries[n].where(owner <= upto)
    scope = _Scope(case_id, after, upto)
    result = _read_and_walk(session, queries, batch, on_case, anchor, scope)
    if not result.ok:
        # On PostgreSQL the cases and their records are read by separate statements, each seeing the
        # commits made before it began: a step committed in between looks like a break. A real one
        # is still there when read again. (SQLite reads them all in one snapshot: the same answer.)
        result = _read_and_walk(session, queries, batch, None, anchor, scope)
    if result.ok:
        broken = _check_documents(session, scope)
        if broken is not None:
            result = VerifyResult(result.cases, result.records, broken, result.final_hash)
    if anchor is not None:
        result = VerifyResult(result.cases, result.records, result.broken, result.final_hash, anchor.label)
    return result


@dataclass(frozen=True)
class _Scope:
    case_id: int | None
    after: int | None
    upto: int | None

    def holds(self, case_id: int) -> bool:
        return ((self.case_id is None or case_id == self.case_id) and (self.after is None or case_id > self.after)
                and (self.upto is None or case_id <= self.upto))


def _read_and_walk(session, queries, batch: int, on_case, anchor, scope) -> VerifyResult:
    results = [session.execute(q.execution_options(yield_per=batch)) for q in queries]
    try:
        cases, records, reviews = results
        return _walk(cases, iter(records), iter(reviews.mappings()), on_case, anchor, scope)
    finally:
        # Stop streaming at once (server-side cursors on PostgreSQL) even when a break ends the walk early.
        for r in results:
            r.close()


def _walk(cases, records, reviews, on_case, anchor=None, scope=None) -> VerifyResult:
    pending, review = next(records, None), next(reviews, None)
    n_cases = n_records = 0
    final = None
    leaves = anchor.leaves if anchor is not None else {}
    seen_anchored = set()
    first_format = None
    for case_row in cases:
        n_cases += 1
        case_id = case_row[_ID]
        prev, last_to, count, fmt = None, None, 0, None
        projection = CaseProjection()
        leaf = leaves.get(case_id)
        if leaf is not None:
            seen_anchored.add(case_id)
        if pending is not None and pending.case_id < case_id:
            return VerifyResult(n_cases, n_records, BrokenRecord(pending.case_id, pending.seq, pending.id,
                                                                 "a history record for a case that does not exist"))
        while pending is not None and pending.case_id == case_id:
            r = pending
            count += 1
            n_records += 1
            broken = _check_record(r, count, prev, fmt, first_format)
            if isinstance(broken, str):
                return VerifyResult(n_cases, n_records, BrokenRecord(r.case_id, r.seq, r.id, broken))
            if fmt is None:
                first_format = broken  # the next chain most likely began as this one did
            fmt = broken
            if leaf is not None and r.seq == leaf[0] and r.hash != leaf[1]:
                return VerifyResult(n_cases, n_records, BrokenRecord(
                    r.case_id, r.seq, r.id, f"it is not the record #{r.seq} that {anchor.label} signed"))
            try:
                projection.apply(r)
            except (ValueError, TypeError, AttributeError):
                return VerifyResult(n_cases, n_records, BrokenRecord(r.case_id, r.seq, r.id, "its data is not a step's"))
            prev, last_to = r.hash, r.to_state
            pending = next(records, None)
        stored_reviews = []
        while review is not None and review["case_id"] <= case_id:
            if review["case_id"] < case_id:
                return VerifyResult(n_cases, n_records, BrokenRecord(review["case_id"], None, None,
                                                                     f"review {review['id']} belongs to no case"))
            stored_reviews.append(review)
            review = next(reviews, None)
        reason = (_check_head(case_row, prev, last_to, count)
                  or (f"{anchor.label} holds {leaf[0]} records of it, {count} are stored"
                      if leaf is not None and count < leaf[0] else None)
                  or case_differences(case_row, projection, count)
                  or review_differences(stored_reviews, projection))
        if reason:
            return VerifyResult(n_cases, n_records, BrokenRecord(case_id, None, None, reason))
        final = prev
        if on_case is not None:
            on_case(case_id)
    if pending is not None:
        return VerifyResult(n_cases, n_records, BrokenRecord(pending.case_id, pending.seq, pending.id,
                                                             "a history record for a case that does not exist"))
    if review is not None:
        return VerifyResult(n_cases, n_records, BrokenRecord(review["case_id"], None, None,
                                                             f"review {review['id']} belongs to no case"))
    gone = sorted(c for c in leaves if c not in seen_anchored and (scope is None or scope.holds(c)))
    if gone:
        return VerifyResult(n_cases, n_records, BrokenRecord(
            gone[0], None, None, f"{anchor.label} holds {leaves[gone[0]][0]} records of this case, which is gone"
            + (f" (and {len(gone) - 1} more cases)" if len(gone) > 1 else "")), final)
    return VerifyResult(n_cases, n_records, None, final)


def _check_documents(session, scope: _Scope) -> BrokenRecord | None:
    """Each document's recorded digest and size must be those of its stored file's bytes."""
    from caseflow.documents.store import upload_folder  # the documents feature imports the workflow

    query = select(Document.id, Document.case_id, Document.stored_name, Document.sha256, Document.size).order_by(Document.id)
    if scope.case_id is not None:
        query = query.where(Document.case_id == scope.case_id)
    if scope.after is not None:
        query = query.where(Document.case_id > scope.after)
    if scope.upto is not None:
        query = query.where(Document.case_id <= scope.upto)
    folder = upload_folder()
    for doc in session.execute(query):
        try:
            content = (folder / doc.stored_name).read_bytes()
        except OSError:
            return BrokenRecord(doc.case_id, None, None, f"document {doc.id}'s file is missing")
        if hashlib.sha256(content).hexdigest() != doc.sha256 or len(content) != doc.size:
            return BrokenRecord(doc.case_id, None, None,
                                f"document {doc.id}'s sha256 or size is not that of its stored file")
    return None


def _check_record(r, count: int, prev: str | None, fmt: int | None, likely: int | None) -> int | str:
    """The record's hash format, or why it breaks its chain."""
    if r.seq != count:
        return f"expected record #{count} here"
    if r.prev_hash != prev:
        return "its link to the previous record is broken"
    found = hash_format_of(r, fmt, likely)
    if found is None:
        return "its content does not match its hash"
    return found


_ID, _HEAD, _SEQ, _STATE = (CASE_INDEX[c] for c in ("id", "history_head", "history_seq", "state"))


def _check_head(case_row, last_hash, last_to, count) -> str | None:
    head, seq, state = case_row[_HEAD], case_row[_SEQ], case_row[_STATE]
    if seq != count or head != last_hash:
        return (f"the case's history_seq and history_head say {seq} records ending in {head}, "
                f"but {count} records ending in {last_hash} are stored")
    if count and state != last_to:
        return f"the case is '{state}' but its history ends in '{last_to}'"
    return None

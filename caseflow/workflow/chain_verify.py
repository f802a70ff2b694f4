"""Checking the history's chains: each case's records walked in order, each hash recomputed, the case and its
reviews replayed from the records and compared with what is stored, and the documents' bytes checked."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select

from caseflow.database import snapshot_connection
from caseflow.models import BudgetLine, Case, Document, HistoryRecord, Instalment, Review
from caseflow.workflow.chain import hash_format_of
from caseflow.workflow.owned_rows import OwnedRows
from caseflow.workflow.projection import (CASE_INDEX, CaseProjection, case_differences, review_differences,
                                          table_differences)


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
    must still be there, unchanged. What it reads is what was committed when it began (one snapshot, on
    a connection of its own: `session` only names the database).
    """
    queries = [select(Case.__table__).order_by(Case.id),
               select(*_COLUMNS).order_by(HistoryRecord.case_id, HistoryRecord.seq),
               select(Review.__table__).order_by(Review.case_id, Review.id),
               *(select(m.__table__).order_by(m.case_id, m.position) for m in ROW_MODELS)]
    owners = (Case.id, HistoryRecord.case_id, Review.case_id, *(m.case_id for m in ROW_MODELS))
    for n, owner in enumerate(owners):
        if case_id is not None:
            queries[n] = queries[n].where(owner == case_id)
        if after is not None:
            queries[n] = queries[n].where(owner > after)
        if upto is not None:
            queries[n] = queries[n].where(owner <= upto)
    scope = _Scope(case_id, after, upto)
    # The cases, their records, reviews and documents are read by separate statements: they must all see
    # one snapshot, or a step committed between two of them would look like a break. A connection of
    # verify's own, so the caller's transaction (a request's) is left as it is.
    with snapshot_connection(session.get_bind()) as conn:
        result = _read_and_walk(conn, queries, batch, on_case, anchor, scope)
        if result.ok:
            broken = _check_documents(conn, scope)
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


def _read_and_walk(conn, queries, batch: int, on_case, anchor, scope) -> VerifyResult:
    results = [conn.execute(q.execution_options(yield_per=batch)) for q in queries]
    try:
        cases, records, reviews, *beside = results
        return _walk(cases, iter(records), iter(reviews.mappings()), on_case, anchor, scope,
                     tuple(OwnedRows(iter(r.mappings()), m.__tablename__) for r, m in zip(beside, ROW_MODELS)))
    finally:
        # Stop streaming at once (server-side cursors on PostgreSQL) even when a break ends the walk early.
        for r in results:
            r.close()


#: The tables a step writes beside the case (StepContext.tables), rebuilt from the records' `tables`.
ROW_MODELS = (BudgetLine, Instalment)


def _walk(cases, records, reviews, on_case, anchor=None, scope=None, tables=()) -> VerifyResult:
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
        for rows in tables:
            if (orphan := rows.orphan(case_id)) is not None:
                return VerifyResult(n_cases, n_records, BrokenRecord(*orphan))
        beside = {rows.table: rows.take(case_id) for rows in tables}
        reason = (_check_head(case_row, prev, last_to, count)
                  or (f"{anchor.label} holds {leaf[0]} records of it, {count} are stored"
                      if leaf is not None and count < leaf[0] else None)
                  or case_differences(case_row, projection, count)
                  or review_differences(stored_reviews, projection)
                  or next((why for table, stored in beside.items()
                           if (why := table_differences(table, stored, projection))), None))
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
    for rows in tables:
        if (orphan := rows.orphan()) is not None:
            return VerifyResult(n_cases, n_records, BrokenRecord(*orphan))
    gone = sorted(c for c in leaves if c not in seen_anchored and (scope is None or scope.holds(c)))
    if gone:
        return VerifyResult(n_cases, n_records, BrokenRecord(
            gone[0], None, None, f"{anchor.label} holds {leaves[gone[0]][0]} records of this case, which is gone"
            + (f" (and {len(gone) - 1} more cases)" if len(gone) > 1 else "")), final)
    return VerifyResult(n_cases, n_records, None, final)


def _check_documents(conn, scope: _Scope) -> BrokenRecord | None:
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
    for doc in conn.execute(query):
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

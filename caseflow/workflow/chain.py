"""The tamper-evident history: each record's SHA-256 covers its content and its predecessor's hash."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import select

from caseflow.models import Case, HistoryRecord
from caseflow.workflow.steps import canonical_json


def format_at(at: dt.datetime) -> str:
    """The timestamp as hashed: UTC with microseconds."""
    return at.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def record_hash(*, case_id: int, seq: int, trigger: str, from_state: str | None, to_state: str, actor: str,
                at: dt.datetime, data: str, comment: str | None, prev_hash: str | None) -> str:
    """Return the hex SHA-256 of one history record chained to `prev_hash`."""
    body = canonical_json({
        "case_id": case_id, "seq": seq, "trigger": trigger, "from": from_state, "to": to_state, "actor": actor,
        "at": format_at(at), "data": data, "comment": comment, "prev": prev_hash,
    })
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class BrokenRecord:
    case_id: int
    seq: int | None
    record_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"case {self.case_id}" + (f" record #{self.seq} (id {self.record_id})" if self.seq else "")
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class VerifyResult:
    cases: int
    records: int
    broken: BrokenRecord | None
    final_hash: str | None = None  # the head of the last chain walked (one case: its head)

    @property
    def ok(self) -> bool:
        return self.broken is None


_COLUMNS = (HistoryRecord.id, HistoryRecord.case_id, HistoryRecord.seq, HistoryRecord.trigger,
            HistoryRecord.from_state, HistoryRecord.to_state, HistoryRecord.actor, HistoryRecord.at,
            HistoryRecord.data, HistoryRecord.comment, HistoryRecord.prev_hash, HistoryRecord.hash)


def _check_head(case_row, last_hash, last_to, count) -> BrokenRecord | None:
    case_id, head, seq, state = case_row
    if seq != count or head != last_hash:
        return BrokenRecord(case_id, None, None,
                            f"the case says its history has {seq} records ending in {head}, "
                            f"but {count} records ending in {last_hash} are stored")
    if count and state != last_to:
        return BrokenRecord(case_id, None, None, f"the case is '{state}' but its history ends in '{last_to}'")
    return None


def verify_chains(session, case_id: int | None = None, on_case=None, batch: int = 5000,
                  after: int | None = None, upto: int | None = None) -> VerifyResult:
    """Walk every chain (or one case's, or those of the cases `after` < id <= `upto`) and name the
    first broken record, streaming in batches."""
    cases_q = select(Case.id, Case.history_head, Case.history_seq, Case.state).order_by(Case.id)
    records_q = select(*_COLUMNS).order_by(HistoryRecord.case_id, HistoryRecord.seq)
    if case_id is not None:
        cases_q = cases_q.where(Case.id == case_id)
        records_q = records_q.where(HistoryRecord.case_id == case_id)
    if after is not None:
        cases_q, records_q = cases_q.where(Case.id > after), records_q.where(HistoryRecord.case_id > after)
    if upto is not None:
        cases_q, records_q = cases_q.where(Case.id <= upto), records_q.where(HistoryRecord.case_id <= upto)
    result = _read_and_walk(session, cases_q, records_q, batch, on_case)
    if not result.ok:
        # On PostgreSQL the cases and their records are read by two statements, each seeing the
        # commits made before it began: a step committed in between looks like a break. A real one
        # is still there when read again. (SQLite reads both in one snapshot: the same answer.)
        result = _read_and_walk(session, cases_q, records_q, batch, None)
    return result


def _read_and_walk(session, cases_q, records_q, batch: int, on_case) -> VerifyResult:
    cases = session.execute(cases_q.execution_options(yield_per=batch))
    records = session.execute(records_q.execution_options(yield_per=batch))
    try:
        return _walk(cases, iter(records), on_case)
    finally:
        # Stop streaming at once (server-side cursors on PostgreSQL) even when a break ends the walk early.
        cases.close()
        records.close()


def _walk(cases, records, on_case) -> VerifyResult:
    pending = next(records, None)
    n_cases = n_records = 0
    final = None
    for case_row in cases:
        n_cases += 1
        prev, last_to, count = None, None, 0
        if pending is not None and pending.case_id < case_row.id:
            return VerifyResult(n_cases, n_records, BrokenRecord(pending.case_id, pending.seq, pending.id,
                                                                 "a history record for a case that does not exist"))
        while pending is not None and pending.case_id == case_row.id:
            r = pending
            count += 1
            n_records += 1
            if r.seq != count:
                return VerifyResult(n_cases, n_records, BrokenRecord(r.case_id, r.seq, r.id, f"expected record #{count} here"))
            if r.prev_hash != prev:
                return VerifyResult(n_cases, n_records, BrokenRecord(r.case_id, r.seq, r.id, "its link to the previous record is broken"))
            expected = record_hash(case_id=r.case_id, seq=r.seq, trigger=r.trigger, from_state=r.from_state,
                                   to_state=r.to_state, actor=r.actor, at=r.at, data=r.data, comment=r.comment,
                                   prev_hash=r.prev_hash)
            if expected != r.hash:
                return VerifyResult(n_cases, n_records, BrokenRecord(r.case_id, r.seq, r.id, "its content does not match its hash"))
            prev, last_to = r.hash, r.to_state
            pending = next(records, None)
        broken = _check_head(tuple(case_row), prev, last_to, count)
        if broken:
            return VerifyResult(n_cases, n_records, broken)
        final = prev
        if on_case is not None:
            on_case(case_row.id)
    if pending is not None:
        return VerifyResult(n_cases, n_records, BrokenRecord(pending.case_id, pending.seq, pending.id,
                                                             "a history record for a case that does not exist"))
    return VerifyResult(n_cases, n_records, None, final)

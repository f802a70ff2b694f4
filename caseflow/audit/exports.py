"""Exports of a case's history and of the filtered log, as CSV or JSON, streamed record by record."""
from __future__ import annotations

import csv
import hashlib
import io
import json

from sqlalchemy import select

from caseflow.audit.cells import spreadsheet_safe
from caseflow.audit.queries import EXPORT_COLUMNS, LogFilter, export_rows
from caseflow.checkpoints import CheckpointBroken, KeyUnavailable, read_log
from caseflow.clock import utcnow
from caseflow.models import Case, HistoryRecord
from caseflow.workflow.chain import format_at

COLUMNS = ("kind", "case_id", "seq", "at", "trigger", "from_state", "to_state", "actor", "actor_user_id", "comment",
           "data", "prev_hash", "hash")
FORMATS = ("csv", "json")
_ROWS_PER_CHUNK = 500


def record_dict(r) -> dict:
    """A record with exactly the values its hash covers (time as hashed, data as the stored text)."""
    return {"case_id": r.case_id, "seq": r.seq, "at": format_at(r.at), "trigger": r.trigger,
            "from_state": r.from_state, "to_state": r.to_state, "actor": r.actor, "actor_user_id": r.actor_user_id, "comment": r.comment,
            "data": r.data, "prev_hash": r.prev_hash, "hash": r.hash}


def checkpoint_made_under() -> dict | None:
    """The latest signed checkpoint, named in every export: {"n", "at", "root"}; None before the first.

    A broken checkpoint log is named as such rather than left out, so a copy shows what it was made under.
    """
    try:
        lines = read_log()
    except (CheckpointBroken, KeyUnavailable) as exc:
        return {"n": None, "at": None, "root": None, "broken": str(exc)}
    return {k: lines[-1][k] for k in ("n", "at", "root")} if lines else None


def _csv_checkpoint(meta: dict | None) -> str:
    if meta is None:
        return ""
    return _csv_lines([_csv_row("checkpoint", {"seq": meta["n"], "at": meta["at"], "hash": meta["root"]})])


def case_records(session, case: Case, batch: int = 2000):
    """The case's records up to the head read with the case row, in chain order."""
    return session.execute(select(*EXPORT_COLUMNS).where(HistoryRecord.case_id == case.id,
                                                         HistoryRecord.seq <= case.history_seq)
                           .order_by(HistoryRecord.seq).execution_options(yield_per=batch))


class _Tally:
    """What an export accumulates as it streams: the digest of record hashes and each case's head."""

    def __init__(self):
        self.digest = hashlib.sha256()
        self.count = 0
        self.last = None
        self.cases: set[int] = set()

    def add(self, record) -> dict:
        self.digest.update(f"{record.hash}\n".encode())
        self.count += 1
        self.last = record
        self.cases.add(record.case_id)
        return record_dict(record)


def _csv_lines(rows) -> str:
    buffer = io.StringIO()
    # Comments and step data are anyone's text: a spreadsheet must show them, never run them.
    csv.writer(buffer, lineterminator="\r\n").writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def _csv_row(kind: str, record: dict) -> list:
    return [kind] + [record.get(c) for c in COLUMNS[1:]]


def _chunks(items, size=_ROWS_PER_CHUNK):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def stream_case(session, case: Case, fmt: str):
    """Yield a case's history export; the last line carries the chain's final hash."""
    result = case_records(session, case)
    try:
        yield from _case_body(session, case, fmt, result)
    finally:  # also when the client goes away mid-stream: release the cursor now
        result.close()


def _case_body(session, case: Case, fmt: str, result):
    tally = _Tally()
    records = (tally.add(r) for r in result)
    final = lambda: {"case_id": case.id, "seq": tally.last.seq if tally.last else 0,  # noqa: E731
                     "hash": tally.last.hash if tally.last else None}
    checkpoint = checkpoint_made_under()
    if fmt == "csv":
        yield _csv_lines([COLUMNS]) + _csv_checkpoint(checkpoint)
        for chunk in _chunks(records):
            yield _csv_lines(_csv_row("record", r) for r in chunk)
        yield _csv_lines([_csv_row("final_hash", final())])
        return
    head = {"case_id": case.id, "reference": case.reference, "exported_at": format_at(utcnow()),
            "checkpoint": checkpoint}
    yield json.dumps(head)[:-1] + ', "records": ['
    for n, record in enumerate(records):
        yield ("," if n else "") + "\n" + json.dumps(record, ensure_ascii=False)
    yield f'\n], "final_hash": {json.dumps(final()["hash"])}, "final_seq": {final()["seq"]}}}\n'


def case_heads(session, case_ids: set[int], chunk: int = 500):
    """Each listed case's head (seq and hash) as stored now, in case order."""
    ordered = sorted(case_ids)
    for start in range(0, len(ordered), chunk):
        part = ordered[start:start + chunk]
        yield from session.execute(select(Case.id, Case.history_seq, Case.history_head)
                                   .where(Case.id.in_(part)).order_by(Case.id))


def stream_log(session, flt: LogFilter, fmt: str):
    """Yield the filtered log, oldest first, then every included case's head hash and a digest line."""
    result = export_rows(session, flt)
    try:
        yield from _log_body(session, flt, fmt, result)
    finally:
        result.close()


def _log_body(session, flt: LogFilter, fmt: str, result):
    tally = _Tally()
    records = (tally.add(r) for r in result)
    checkpoint = checkpoint_made_under()
    if fmt == "csv":
        yield _csv_lines([COLUMNS]) + _csv_checkpoint(checkpoint)
        for chunk in _chunks(records):
            yield _csv_lines(_csv_row("record", r) for r in chunk)
        for chunk in _chunks(case_heads(session, tally.cases)):
            yield _csv_lines(_csv_row("case_head", {"case_id": i, "seq": s, "hash": h}) for i, s, h in chunk)
        yield _csv_lines([_csv_row("digest", {"seq": tally.count, "hash": tally.digest.hexdigest()})])
        return
    head = {"exported_at": format_at(utcnow()), "filters": flt.args(), "checkpoint": checkpoint}
    yield json.dumps(head)[:-1] + ', "records": ['
    for n, record in enumerate(records):
        yield ("," if n else "") + "\n" + json.dumps(record, ensure_ascii=False)
    yield '\n], "case_heads": ['
    for n, (case_id, seq, digest) in enumerate(case_heads(session, tally.cases)):
        yield ("," if n else "") + "\n" + json.dumps({"case_id": case_id, "seq": seq, "hash": digest})
    yield f'\n], "count": {tally.count}, "digest": "{tally.digest.hexdigest()}"}}\n'

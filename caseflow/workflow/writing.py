"""Storing a step the engine has judged: the case row under its version check, the chained history record,
the review it opens or closes, and the notices to the people it concerns."""
from __future__ import annotations

from dataclasses import dataclass

from caseflow.clock import utcnow
from caseflow.workflow import store
from caseflow.workflow.chain import record_hash
from caseflow.workflow.context import StepContext
from caseflow.workflow.errors import Conflict
from caseflow.workflow.step_data import canonical_json


@dataclass(frozen=True)
class Outcome:
    case_id: int
    trigger: str
    from_state: str | None
    to_state: str
    seq: int
    version: int
    hash: str


def write_step(conn, ctx: StepContext, dest: str, dest_label: str, comment: str | None, before: dict | None) -> Outcome:
    """Store the step: the case row under its version check, the history record, reviews, notifications."""
    case, at = ctx.case, ctx.at or utcnow()
    # `before` is {} when the case is new: every field then counts as changed from nothing.
    old = (lambda c: before.get(c)) if before is not None else (lambda c: getattr(case, c))
    changed = {c: [old(c), v] for c, v in ctx.changes.items() if old(c) != v}
    # The rows a step writes beside the case (its budget's lines) are recorded whole, so verify rebuilds them.
    data_json = canonical_json({"fields": ctx.data, "changes": changed, **({"tables": ctx.tables} if ctx.tables else {})})
    seq, from_state = case.history_seq + 1, (case.state if before is None else None)
    digest = record_hash(case_id=case.id, seq=seq, trigger=ctx.trigger, from_state=from_state, to_state=dest,
                         actor=ctx.actor.name, actor_user_id=ctx.actor.user_id, at=at, data=data_json,
                         comment=comment, prev_hash=case.history_head)
    values = {**ctx.changes, "state": dest, "version": case.version + 1, "history_seq": seq,
              "history_head": digest, "updated_at": at}
    if not store.update_case(conn, case.id, case.version, values):
        raise Conflict(f"{case.reference} moved on while you worked; nothing was changed.")
    if not store.append_history(conn, {
            "case_id": case.id, "seq": seq, "trigger": ctx.trigger, "from_state": from_state, "to_state": dest,
            "actor": ctx.actor.name, "actor_user_id": ctx.actor.user_id, "at": at, "data": data_json,
            "comment": comment, "prev_hash": case.history_head, "hash": digest}):
        raise Conflict(f"{case.reference} moved on while you worked; nothing was changed.")
    _write_review(conn, ctx, at)
    for table, rows in ctx.tables.items():
        store.replace_rows(conn, table, case.id, rows)
    _queue_notifications(conn, ctx, seq, dest_label, at)
    return Outcome(case.id, ctx.trigger, from_state, dest, seq, case.version + 1, digest)


def _write_review(conn, ctx: StepContext, at) -> None:
    if ctx.review_update is not None:
        store.close_open_review(conn, ctx.case.id, {"completed_at": at, "completed_by_id": ctx.actor.user_id,
                                                     **ctx.review_update})
    if ctx.review_open is not None:
        store.open_review(conn, {"case_id": ctx.case.id, "opened_at": at, "opened_by": ctx.actor.name,
                                 **ctx.review_open})


def _queue_notifications(conn, ctx: StepContext, seq: int, dest_label: str, at) -> None:
    """Tell the case's owner and reviewer about a move someone else made (after a reassignment, old and new)."""
    case = ctx.case
    people = {ctx.value("owner_id"), ctx.value("reviewer_id"), getattr(case, "owner_id", None),
              getattr(case, "reviewer_id", None)}
    recipients = people - {None, ctx.actor.user_id}
    message = f"{case.reference} {ctx.value('title')}: {ctx.spec.label} by {ctx.actor.name}; now {dest_label}."
    store.insert_notifications(conn, [
        {"user_id": uid, "case_id": case.id, "kind": f"transition:{ctx.trigger}", "message": message,
         "due_on": None, "dedup_key": f"transition:{case.id}:{seq}:{uid}", "created_at": at, "read_at": None,
         "emailed_at": None}
        for uid in sorted(recipients)])

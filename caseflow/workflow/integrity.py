"""Refuse ORM writes that would bypass the engine: a case's state, version and history are the engine's alone."""
from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from caseflow.models import Case, HistoryRecord

ENGINE_COLUMNS = ("state", "version", "history_seq", "history_head")


class BypassedEngine(RuntimeError):
    """Code tried to change what only the workflow engine may change."""


@event.listens_for(Session, "before_flush")
def _refuse_writes_around_the_engine(session, flush_context, instances):
    # The engine writes with Core statements, so any ORM write of these comes from somewhere else.
    for obj in session.new:
        if isinstance(obj, (Case, HistoryRecord)):
            raise BypassedEngine(f"{type(obj).__name__} rows are created by the workflow engine only")
    for obj in session.deleted:
        if isinstance(obj, (Case, HistoryRecord)):
            raise BypassedEngine(f"{type(obj).__name__} rows are never deleted")
    for obj in session.dirty:
        if isinstance(obj, HistoryRecord) and session.is_modified(obj):
            raise BypassedEngine("history records are append-only")
        if isinstance(obj, Case):
            attrs = inspect(obj).attrs
            changed = [c for c in ENGINE_COLUMNS if attrs[c].history.has_changes()]
            if changed:
                raise BypassedEngine(f"{', '.join(changed)} of a case change only by firing a trigger")


#: session.info key set while a session holds flushed writes that are not yet committed.
FLUSHED_WRITES = "caseflow_flushed_writes"


@event.listens_for(Session, "after_flush")
def _note_flushed_writes(session, flush_context):
    session.info[FLUSHED_WRITES] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_flushed_writes(session):
    session.info.pop(FLUSHED_WRITES, None)


def has_uncommitted_writes(session) -> bool:
    """Tell whether the session holds ORM changes, flushed or not, that nobody has committed."""
    return bool(session.new or session.dirty or session.deleted or session.info.get(FLUSHED_WRITES))

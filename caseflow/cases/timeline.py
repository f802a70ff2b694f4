"""A case's timeline: its history records, newest first and a page at a time, merged with comments."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from caseflow.extensions import db
from caseflow.models import Comment, HistoryRecord, Organisation, User
from caseflow.workflow.chain import hash_format_of
from caseflow.workflow.definition import WorkflowDefinition

PER_PAGE = 50
#: Field types whose value is a row's id: the timeline shows that row's name, not "Partner 1".
NAMED_BY_ID = {"partner": Organisation, "officer": User, "reviewer": User}


@dataclass
class Entry:
    kind: str  # "record" or "comment"
    at: object
    who: str
    record: HistoryRecord | None = None
    comment: Comment | None = None
    fields: list[tuple[str, str]] = field(default_factory=list)
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def describe_fields(definition: WorkflowDefinition, record: HistoryRecord) -> list[tuple[str, str]]:
    """The step's form data as (label, value) pairs, with choice values in words."""
    try:
        data = json.loads(record.data).get("fields", {})
    except ValueError:
        return [("data", record.data)]
    spec = definition.transitions.get(record.trigger)
    specs = {s.name: s for s in definition.forms.get(spec.form, ())} if spec else {}
    shown = []
    # The form's own order, then anything the definition no longer names.
    names = [n for n in specs if n in data] + [n for n in data if n not in specs]
    for name in names:
        value = data[name]
        s = specs.get(name)
        if value is None or value == "":
            continue
        if s and s.type in NAMED_BY_ID:
            value = _name_of(NAMED_BY_ID[s.type], value)
        elif s and s.choices and str(value) in s.choices:
            value = s.choices[str(value)]
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        shown.append((s.label if s else name.replace("_", " ").capitalize(), str(value)))
    return shown


def _name_of(model, value) -> str:
    """The name of the row `value` identifies (looked up once per request by the session), or the id."""
    try:
        row = db.session.get(model, int(value))
    except (TypeError, ValueError):
        row = None
    return row.name if row is not None else str(value)


def describe_changes(definition: WorkflowDefinition, record: HistoryRecord) -> list[tuple[str, str, str]]:
    """The case columns this step changed from an earlier value, as (label, before, after)."""
    try:
        changes = json.loads(record.data).get("changes", {})
    except ValueError:
        return []
    spec = definition.transitions.get(record.trigger)
    specs = {s.column: s for s in definition.forms.get(spec.form, ()) if s.column} if spec else {}

    def shown(column, value) -> str:
        kind = specs[column].type if column in specs else None
        return _name_of(NAMED_BY_ID[kind], value) if kind in NAMED_BY_ID else str(value)

    return [(specs[column].label if column in specs else column.replace("_", " ").capitalize(),
             shown(column, before), shown(column, after))
            for column, (before, after) in sorted(changes.items()) if before is not None and before != after]


def timeline(definition: WorkflowDefinition, case_id: int, page: int) -> tuple[list[Entry], int, int]:
    """One page of the timeline (newest first), that page's number and the number of pages of history."""
    total = db.session.scalar(select(func.count()).select_from(HistoryRecord).where(HistoryRecord.case_id == case_id))
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    records = db.session.scalars(
        select(HistoryRecord).where(HistoryRecord.case_id == case_id)
        .order_by(HistoryRecord.seq.desc()).limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    names = _actor_names(records)
    entries = [Entry("record", r.at, names(r), record=r,
                     fields=describe_fields(definition, r), changes=describe_changes(definition, r)) for r in records]
    entries += [Entry("comment", c.created_at, c.author.name, comment=c) for c in _comments(case_id, records, page, pages)]
    entries.sort(key=lambda e: (e.at, e.kind == "record"), reverse=True)
    return entries, page, pages


def _comments(case_id: int, records: list[HistoryRecord], page: int, pages: int) -> list[Comment]:
    """The comments that fall between this page's oldest and newest records (all ends open at the edges)."""
    query = select(Comment).where(Comment.case_id == case_id).options(selectinload(Comment.author))
    if records and page < pages:
        query = query.where(Comment.created_at >= records[-1].at)
    if records and page > 1:
        query = query.where(Comment.created_at < records[0].at)
    return db.session.scalars(query.order_by(Comment.created_at.desc()).limit(200)).all()


def _actor_names(records: list[HistoryRecord]):
    """`who(record)`: the actor's name, taken only from what the record's hash covers.

    A record of hash format 2 covers actor_user_id; an older one covers only the actor's e-mail, so its
    name is looked up by that e-mail (an edited actor_user_id then changes nothing shown).
    """
    by_id = {r.id for r in records if r.actor_user_id and hash_format_of(r) == 2}
    ids = _user_names({r.actor_user_id for r in records if r.id in by_id})
    emails = {r.actor for r in records if r.id not in by_id and not r.actor.startswith("system:")}
    by_email = dict(db.session.execute(select(User.email, User.name).where(User.email.in_(emails))).all()) if emails else {}
    return lambda r: ids.get(r.actor_user_id, r.actor) if r.id in by_id else by_email.get(r.actor, r.actor)


def _user_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())

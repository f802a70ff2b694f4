"""A case's history for people: each step's form data and field-level changes, with labels."""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select

from caseflow.models import Case, HistoryRecord, Organisation, User

# Columns the engine sets without a form field of their own.
_COLUMN_LABELS = {
    "partner_id": "Partner", "owner_id": "Owner", "proposed_by_id": "Proposed by", "reviewer_id": "Reviewer",
    "agreement_recorded_by_id": "Agreement recorded by", "next_review_due": "Next review due",
    "exit_deadline": "Exit deadline", "exit_completion_due": "Exit completion due", "closure_reason": "Closure reason",
}
_USER_COLUMNS = {"owner_id", "proposed_by_id", "reviewer_id", "agreement_recorded_by_id"}


@dataclass(frozen=True)
class Item:
    """One labelled value, or one change from `before` to `after`."""

    name: str
    label: str
    value: object = None
    before: object = None


@dataclass(frozen=True)
class Entry:
    record: HistoryRecord
    label: str
    fields: list[Item]
    changes: list[Item]


class Labels:
    """Turn field names, columns and stored values into what people read."""

    def __init__(self, definition, session):
        self.definition, self.session = definition, session
        self.columns = dict(_COLUMN_LABELS)
        self.choices = {}
        for fields in definition.forms.values():
            for spec in fields:
                if spec.column:
                    self.columns.setdefault(spec.column, spec.label)
                    if spec.choices:
                        self.choices[spec.column] = spec.choices
        self.users, self.partners = {}, {}

    def step(self, trigger: str) -> str:
        spec = self.definition.transitions.get(trigger)
        return spec.label if spec else trigger.replace("_", " ").capitalize()

    def column(self, column: str) -> str:
        return self.columns.get(column, column.replace("_", " ").capitalize())

    def field_specs(self, trigger: str) -> dict:
        spec = self.definition.transitions.get(trigger)
        return {f.name: f for f in self.definition.forms[spec.form]} if spec else {}

    def load_names(self, changes: list[dict]) -> None:
        """Look up, in two queries, the users and partners the changes refer to."""
        user_ids = {v for c in changes for k, pair in c.items() if k in _USER_COLUMNS for v in pair if v}
        partner_ids = {v for c in changes for k, pair in c.items() if k == "partner_id" for v in pair if v}
        if user_ids:
            self.users = dict(self.session.execute(select(User.id, User.email).where(User.id.in_(user_ids))).all())
        if partner_ids:
            self.partners = dict(self.session.execute(
                select(Organisation.id, Organisation.name).where(Organisation.id.in_(partner_ids))).all())

    def value(self, column: str, value):
        """A stored column value as people read it."""
        if value is None:
            return None
        if column in _USER_COLUMNS:
            return self.users.get(value, f"user {value}")
        if column == "partner_id":
            return self.partners.get(value, f"partner {value}")
        return self.choices.get(column, {}).get(value, value)


def case_entries(session, definition, case_id: int) -> list[Entry]:
    """Every history record of a case in order, with its labelled fields and changes."""
    records = session.scalars(select(HistoryRecord).where(HistoryRecord.case_id == case_id)
                              .order_by(HistoryRecord.seq)).all()
    parsed = [json.loads(r.data) for r in records]
    labels = Labels(definition, session)
    # A step's partner field names the same organisation a partner_id change does.
    labels.load_names([{**(p.get("changes") or {}), "partner_id": [None, (p.get("fields") or {}).get("partner_id")]}
                       for p in parsed])
    entries = []
    for record, data in zip(records, parsed):
        specs = labels.field_specs(record.trigger)
        fields = [Item(name, specs[name].label if name in specs else name.replace("_", " ").capitalize(),
                       labels.value("partner_id", value) if name == "partner_id" else _field_value(specs.get(name), value))
                  for name, value in (data.get("fields") or {}).items() if value not in (None, "")]
        changes = [Item(column, labels.column(column), labels.value(column, after), labels.value(column, before))
                   for column, (before, after) in (data.get("changes") or {}).items()]
        entries.append(Entry(record, labels.step(record.trigger), fields, changes))
    return entries


def _field_value(spec, value):
    if spec is None:
        return value
    if spec.type in {"affirm", "bool"}:
        return "Yes" if value else "No"
    if spec.choices:
        return spec.choices.get(value, value)
    return value


def facts_for_people(session, definition, facts: dict) -> list[Item]:
    """A replayed case's facts, labelled, in the order of the case's columns."""
    labels = Labels(definition, session)
    labels.load_names([{k: [None, v] for k, v in facts.items()}])
    order = [c.name for c in Case.__table__.columns]
    ordered = sorted(facts, key=lambda c: order.index(c) if c in order else len(order))
    return [Item(c, labels.column(c), labels.value(c, facts[c])) for c in ordered]

"""Rebuild a case as it stood at a moment from its history records alone (pure: no database)."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Iterable


@dataclass(frozen=True)
class Step:
    """What replay needs of one history record."""

    seq: int
    at: dt.datetime
    to_state: str
    data: str | dict


@dataclass
class Snapshot:
    """A case as its history says it stood: state, facts (column -> JSON value) and the last record."""

    state: str | None = None
    facts: dict = field(default_factory=dict)
    tables: dict = field(default_factory=dict)  # table -> the case's rows (a budget's lines), as JSON values
    seq: int = 0
    at: dt.datetime | None = None

    @property
    def existed(self) -> bool:
        return self.state is not None


def changes_of(data: str | dict) -> dict:
    """The {column: [before, after]} part of a record's data."""
    parsed = json.loads(data) if isinstance(data, str) else data
    return parsed.get("changes") or {}


def tables_of(data: str | dict) -> dict:
    """The {table: rows} a record wrote beside the case (a budget's lines), if any."""
    parsed = json.loads(data) if isinstance(data, str) else data
    return parsed.get("tables") or {}


def replay(steps: Iterable[Step], moment: dt.datetime) -> Snapshot:
    """Apply, in seq order, the changes of every step at or before `moment`; the last one gives the state."""
    snapshot = Snapshot()
    for step in sorted(steps, key=lambda s: s.seq):
        if step.at > moment:
            continue
        for column, (_before, after) in changes_of(step.data).items():
            snapshot.facts[column] = after
        snapshot.tables.update(tables_of(step.data))
        snapshot.state, snapshot.seq, snapshot.at = step.to_state, step.seq, step.at
    # A change to None removes the fact, as the case's column is then empty.
    snapshot.facts = {c: v for c, v in snapshot.facts.items() if v is not None}
    return snapshot

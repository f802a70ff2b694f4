"""What guards and effects see: the case, the actor, the step's data and the changes so far."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from caseflow.workflow.actor import Actor
from caseflow.workflow.definition import TransitionSpec, WorkflowDefinition


@dataclass
class StepContext:
    definition: WorkflowDefinition
    spec: TransitionSpec
    case: object  # the Case row as loaded under lock; never written to directly
    actor: Actor
    data: dict
    today: dt.date
    partner: object | None = None
    changes: dict = field(default_factory=dict)  # column -> new value
    review_update: dict | None = None  # fields for the open review row, when one closes
    review_open: dict | None = None  # fields for a new review row
    tables: dict = field(default_factory=dict)  # table -> every row of the case it holds after the step
    conn: object | None = None  # the engine's connection, for guards that read rows beside the case
    # The moment of the step, read from the clock once: its record, the case's dates and `today` agree.
    at: dt.datetime | None = None

    def value(self, column: str):
        """The column's value as it will be after this step: changed, else stored."""
        if column in self.changes:
            return self.changes[column]
        return getattr(self.case, column, None)

    @property
    def trigger(self) -> str:
        return self.spec.trigger

    @property
    def timers(self) -> dict[str, int]:
        return self.definition.timers


def add_months(day: dt.date, months: int) -> dt.date:
    """Return `day` moved by whole months, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)

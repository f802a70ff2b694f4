"""What an invariant sees of a case: its columns, its partner, its state's label, today and the definition,
whether the case is stored, about to be written by a step, or a row of an import."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from caseflow.workflow.definition import WorkflowDefinition


@dataclass(frozen=True)
class CaseFacts:
    """What an invariant sees: the case's columns, its partner, its state's label, today, the definition."""

    values: Callable[[str], object]
    partner_of: Callable[[], object | None]  # read only by the invariants that need the partner
    label: str
    today: dt.date
    definition: WorkflowDefinition

    def value(self, column: str):
        """The column's value."""
        return self.values(column)

    @property
    def partner(self):
        """The case's partner (an Organisation), or None when unknown."""
        return self.partner_of()

    @classmethod
    def of_step(cls, ctx, dest: str) -> "CaseFacts":
        """The case as the step in `ctx` would leave it."""
        def partner():
            return ctx.partner if ctx.partner is not None else getattr(ctx.case, "partner", None)
        return cls(ctx.value, partner, _label(ctx.definition, dest), ctx.today, ctx.definition)

    @classmethod
    def of_case(cls, case, definition: WorkflowDefinition, today: dt.date) -> "CaseFacts":
        """A stored case (a Case row), as `caseflow check` reads it."""
        return cls(lambda c: getattr(case, c, None), lambda: case.partner, _label(definition, case.state), today,
                   definition)

    @classmethod
    def of_columns(cls, columns: dict, partner, state: str, definition: WorkflowDefinition,
                   today: dt.date) -> "CaseFacts":
        """A case not stored yet, as columns (an import's row)."""
        return cls(columns.get, lambda: partner, _label(definition, state), today, definition)


def _label(definition: WorkflowDefinition, state: str) -> str:
    return definition.states.get(state, state)

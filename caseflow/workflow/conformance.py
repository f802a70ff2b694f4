"""Check stored cases against the invariants of their state, as `caseflow check` reports them."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from caseflow.models import Case
from caseflow.workflow.definition import WorkflowDefinition
from caseflow.workflow.case_facts import CaseFacts
from caseflow.workflow.invariants import broken_in_state


@dataclass(frozen=True)
class Breach:
    """A stored case that breaks an invariant of its state."""

    reference: str
    state: str
    invariant: str
    reason: str

    def __str__(self) -> str:
        return f"{self.reference} ({self.state}) {self.invariant}: {self.reason}"


def case_breaches(case, definition: WorkflowDefinition, today: dt.date) -> list[Breach]:
    """The invariants of its state that one stored case breaks."""
    facts = CaseFacts.of_case(case, definition, today)
    return [Breach(case.reference, facts.label, name, why) for name, why in broken_in_state(facts, case.state)]


def stored_breaches(session, definition: WorkflowDefinition, today: dt.date, batch: int = 1000) -> Iterator[Breach]:
    """Every breach of every stored case in a state of `definition`, case by case in id order."""
    query = (select(Case).where(Case.state.in_(list(definition.states))).options(joinedload(Case.partner))
             .order_by(Case.id).execution_options(yield_per=batch))
    for case in session.scalars(query):
        yield from case_breaches(case, definition, today)

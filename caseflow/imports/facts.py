"""What an imported case must already hold for the state it enters: the facts the workflow's steps record."""
from __future__ import annotations

from caseflow.workflow.context import add_months
from caseflow.workflow.case_facts import CaseFacts
from caseflow.workflow.invariants import INVARIANTS, broken, for_import

# States a case reaches only through `agree`, and those it reaches only after `activate`.
AGREED_STATES = ("agreed", "active", "under_review", "exiting")
STARTED_STATES = ("active", "under_review", "exiting")
REJECTED = {"failed_vetting": "Failed vetting"}


def closure_reasons(workflow) -> dict[str, str]:
    """The reasons a discontinued case may carry: the discontinue step's, and a failed vetting."""
    fields = {f.name: f for f in workflow.definition.fields_of("discontinue")}
    return {**(fields["reason"].choices or {}), **REJECTED}


def state_facts(workflow, state: str, c: dict, today, failed: set[str] = frozenset(),
                partner=None) -> list[tuple[str, str]]:
    """The (column, reason) pairs for the invariants of `state` that row `c` breaks; fills derived columns in `c`.

    `failed` names the row's columns already found wrong: an invariant reading one would only echo it.
    `partner` is the row's partner (its flags), when known. The signed agreement, a document, is attached on
    the case page after the import.
    """
    if state in AGREED_STATES:
        c["exit_deadline"] = c.get("proposed_end")
    if (state in STARTED_STATES and state != "exiting" and c.get("actual_start") and not c.get("next_review_due")
            and c.get("review_interval_months") and c["actual_start"] <= today):
        c["next_review_due"] = add_months(c["actual_start"], c["review_interval_months"])
    facts = CaseFacts.of_columns(c, partner, state, workflow.definition, today)
    return [(INVARIANTS[name].column, why)
            for name, why in broken(facts, for_import(workflow.definition, state), skip=set(failed))]


def open_review(state: str, c: dict, today, source_note: str) -> dict | None:
    """The open review a case under review needs, as the start_review step would have opened it."""
    if state != "under_review":
        return None
    return {"due_on": c.get("next_review_due") or today, "reason": source_note}

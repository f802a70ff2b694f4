"""What `serve`, `scheduler` and `sweep` check before they start: that the definition fits the code and the data.

A definition changed under stored cases leaves them in states it no longer has: no step leads out of
them and no sweep finds them. The code, too, names states and triggers (badges, inboxes, sweeps,
imports, the demo); a definition without them breaks those at run time. Both are refused at start-up,
with one line that names what is missing.
"""
from __future__ import annotations

from sqlalchemy import func, select

from caseflow.models import Case
from caseflow.workflow.columns import fields_too_long
from caseflow.workflow.definition import WorkflowDefinition

#: The states caseflow's code names (tests/test_startup.py finds every such literal in caseflow/ and templates/).
CODE_STATES = frozenset({"proposed", "vetted", "agreed", "active", "under_review", "exiting", "discontinued"})
#: The triggers caseflow's code fires or names: the sweeps, the review queue, the import, the demo.
CODE_TRIGGERS = frozenset({"propose", "vet", "reject", "agree", "activate", "start_review", "complete_review",
                           "begin_exit", "discontinue", "request_release", "approve_release"})

#: How an operator says "start anyway" (the flag of each command, or this setting).
ALLOW_SETTING = "CASEFLOW_ALLOW_UNKNOWN_STATES"


def code_problems(definition: WorkflowDefinition) -> list[str]:
    """What the code needs and the definition lacks: states, triggers, and columns wide enough for its fields."""
    problems = []
    states = sorted(CODE_STATES - set(definition.states))
    if states:
        problems.append("it lacks the states " + ", ".join(states) + " that caseflow's code names")
    triggers = sorted(CODE_TRIGGERS - set(definition.transitions))
    if triggers:
        problems.append("it lacks the triggers " + ", ".join(triggers) + " that caseflow's code fires")
    return problems + fields_too_long(definition)


def unknown_states(conn, definition: WorkflowDefinition) -> dict[str, int]:
    """The stored cases' states that the definition lacks -> how many cases sit in each."""
    counts = conn.execute(select(Case.state, func.count()).group_by(Case.state).order_by(Case.state)).all()
    return {state: n for state, n in counts if state not in definition.states}


def describe_unknown(unknown: dict[str, int]) -> str:
    """'3 cases in closed, 1 case in paused'."""
    return ", ".join(f"{n} case{'s' if n != 1 else ''} in {state}" for state, n in unknown.items())


def start_refusal(conn, definition: WorkflowDefinition, path, allow_unknown_states: bool) -> str | None:
    """One line saying why caseflow must not start with this definition, or None when it may."""
    problems = code_problems(definition)
    unknown = unknown_states(conn, definition)
    if unknown and not allow_unknown_states:
        problems.append("stored cases sit in states it lacks, where nothing can move them: "
                        + describe_unknown(unknown))
    if not problems:
        return None
    hint = (f" (restore those states, or start anyway with --allow-unknown-states or {ALLOW_SETTING}=1)"
            if unknown and not allow_unknown_states else "")
    return f"refusing to start with the workflow definition {path}: " + "; ".join(problems) + hint

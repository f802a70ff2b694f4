"""What an imported case must already hold for the state it enters: the facts the workflow's steps record."""
from __future__ import annotations

from types import SimpleNamespace

from caseflow.workflow.context import StepContext, add_months
from caseflow.workflow.guards import GUARDS

# States a case reaches only through `agree`, and those it reaches only after `activate`.
AGREED_STATES = ("agreed", "active", "under_review", "exiting")
STARTED_STATES = ("active", "under_review", "exiting")
# The agree step's guards that judge the row's own values, and the column each one speaks about.
# (signed_agreement_attached needs a document: attach it on the case page after the import.)
AGREE_GUARD_COLUMNS = {"written_agreement_when_resources": "agreement_reference", "small_scale_within_limit": "amount",
                       "exit_strategy_defined": "exit_conditions", "review_interval_set": "review_interval_months"}
# The columns those guards read: when one of them is already wrong, the guards would only echo it.
AGREE_GUARD_INPUTS = {"resources", "cooperation_form", "agreement_type", "agreement_reference", "agreement_signed_on",
                      "amount", "currency", "proposed_start", "proposed_end", "exit_conditions", "review_interval_months"}
REJECTED = {"failed_vetting": "Failed vetting"}


def closure_reasons(workflow) -> dict[str, str]:
    """The reasons a discontinued case may carry: the discontinue step's, and a failed vetting."""
    fields = {f.name: f for f in workflow.definition.fields_of("discontinue")}
    return {**(fields["reason"].choices or {}), **REJECTED}


def state_facts(workflow, state: str, c: dict, today, failed: set[str] = frozenset()) -> list[tuple[str, str]]:
    """The (column, message) pairs for facts `state` needs and row `c` lacks; fills derived columns in `c`.

    `failed` names the row's columns already found wrong.
    """
    problems = []
    label = workflow.label(state)
    if state in AGREED_STATES:
        if not c.get("agreement_type"):
            problems.append(("agreement_type", f"is required for a case that is {label}"))
        spec = workflow.definition.transitions["agree"]
        ctx = StepContext(workflow.definition, spec, SimpleNamespace(**c), None, {}, today)
        for name in spec.guards if not failed & AGREE_GUARD_INPUTS else ():
            if name in AGREE_GUARD_COLUMNS and (why := GUARDS[name](ctx)):
                problems.append((AGREE_GUARD_COLUMNS[name], why))
        c["exit_deadline"] = c.get("proposed_end")
    elif c.get("proposed_end") and c.get("proposed_start") and c["proposed_end"] <= c["proposed_start"]:
        problems.append(("proposed_end", "must come after the proposed start"))
    if state in STARTED_STATES:
        if not c.get("actual_start"):
            problems.append(("actual_start", f"is required for a case that is {label}"))
        elif c["actual_start"] > today:
            problems.append(("actual_start", "cannot lie in the future"))
        elif not c.get("next_review_due") and state != "exiting" and c.get("review_interval_months"):
            c["next_review_due"] = add_months(c["actual_start"], c["review_interval_months"])
    elif c.get("actual_start"):
        problems.append(("actual_start", f"must be empty: a case that is {label} has not started"))
    if state == "exiting" and not c.get("exit_completion_due"):
        problems.append(("exit_completion_due", f"is required for a case that is {label}"))
    if state == "discontinued" and not c.get("closure_reason"):
        problems.append(("closure_reason", f"is required for a case that is {label}"))
    if state != "discontinued" and c.get("closure_reason"):
        problems.append(("closure_reason", f"must be empty: a case that is {label} is not closed"))
    return problems


def open_review(state: str, c: dict, today, source_note: str) -> dict | None:
    """The open review a case under review needs, as the start_review step would have opened it."""
    if state != "under_review":
        return None
    return {"due_on": c.get("next_review_due") or today, "reason": source_note}

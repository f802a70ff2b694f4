"""Guards: named predicates over a step. Each returns None to pass, or the reason it refuses."""
from __future__ import annotations

from caseflow.models import DOCUMENT_KINDS
from caseflow.workflow import store
from caseflow.money import release as _release
from caseflow.workflow.context import StepContext

GUARDS = {}


def guard(fn):
    """Register `fn` under its name for use in workflow definitions."""
    GUARDS[fn.__name__] = fn
    return fn


@guard
def partner_given(ctx: StepContext):
    if ctx.partner is not None:
        return None
    if ctx.data.get("partner_id"):
        return "The chosen partner does not exist."
    missing = [label for name, label in (("partner_name", "name"), ("partner_type", "type"), ("partner_level", "level"))
               if not ctx.data.get(name)]
    if missing:
        return "Choose an existing partner, or give the new partner's " + ", ".join(missing) + "."
    return None


@guard
def start_not_in_past(ctx: StepContext):
    start = ctx.data.get("proposed_start")
    if start and start < ctx.today:
        return f"The proposed start {start.isoformat()} lies in the past: propose a start from today on."
    return None


@guard
def not_the_proposer(ctx: StepContext):
    if ctx.actor.user_id is not None and ctx.actor.user_id == ctx.case.proposed_by_id:
        return "Four eyes: you proposed this partnership, so another reviewer must vet it."
    return None


@guard
def criteria_affirmed(ctx: StepContext):
    fields = [f for f in ctx.definition.fields_of(ctx.trigger) if f.type == "affirm"]
    missing = [f.label for f in fields if not ctx.data.get(f.name)]
    if missing:
        return "Every selection criterion of para 46 must be affirmed; not affirmed: " + "; ".join(missing) + "."
    return None


@guard
def reputational_risk_acceptable(ctx: StepContext):
    if ctx.data.get("reputational_risk") == "high":
        return "A partner posing a high reputational risk cannot be vetted (para 46)."
    return None


@guard
def signed_agreement_attached(ctx: StepContext):
    if ctx.value("resources") in (None, "none"):
        return None
    # Read on the engine's connection, inside the step's own transaction.
    if store.has_document(ctx.conn, ctx.case.id, "signed_agreement"):
        return None
    return (f"Resources are transferred, so the signed agreement must be attached to the case first: "
            f"upload a document of kind '{DOCUMENT_KINDS['signed_agreement']}' (para 51).")


@guard
def start_date_reached(ctx: StepContext):
    start = ctx.case.proposed_start
    if start and ctx.today < start:
        return f"The partnership cannot start before its start date, {start.isoformat()}."
    return None


@guard
def amendment_changes_something(ctx: StepContext):
    changed = [c for c in ("proposed_end", "operational_targets", "contributions")
               if ctx.data.get(c) is not None and ctx.data.get(c) != getattr(ctx.case, c)]
    if not changed:
        return "An amendment must change the end date, the targets or the contributions."
    if ctx.data.get("proposed_end") and ctx.data["proposed_end"] <= ctx.today:
        return "The new end date must lie in the future."
    return None


@guard
def not_the_agreement_recorder(ctx: StepContext):
    if ctx.actor.user_id is not None and ctx.actor.user_id == ctx.case.agreement_recorded_by_id:
        return "Four eyes: you recorded this partnership's agreement, so another reviewer must complete its review."
    return None


@guard
def progress_allows_continuing(ctx: StepContext):
    if ctx.data.get("progress") == "little_or_no_progress":
        return ("A partnership making little or no progress cannot be continued (para 57): "
                "begin its exit or discontinue it instead.")
    next_review = ctx.data.get("next_review_on")
    if next_review and next_review <= ctx.today:
        return "The next review date must lie in the future."
    return None


@guard
def completion_after_today(ctx: StepContext):
    completion = ctx.data.get("completion_date")
    if completion and completion < ctx.today:
        return "The exit completion date cannot lie in the past."
    return None


@guard
def exit_completed_only_when_exiting(ctx: StepContext):
    if ctx.data.get("reason") == "exit_completed" and ctx.case.state != "exiting":
        return "Only a case that is exiting can be discontinued because its exit was completed; choose another reason."
    return None


@guard
def reassignment_valid(ctx: StepContext):
    """A reassignment names a new owner (an active officer) or reviewer (an active reviewer), or both."""
    named = [(column, role) for column, role in (("owner_id", "officer"), ("reviewer_id", "reviewer"))
             if column in ctx.changes]
    if not named:
        return "Name a new owner or a new reviewer."
    for column, role in named:
        user = store.load_user(ctx.conn, ctx.changes[column])
        if user is None or user["role"] != role or not user["is_active_user"]:
            return f"The new {'owner' if role == 'officer' else 'reviewer'} must be an active {role}."
    if all(ctx.changes[column] == getattr(ctx.case, column) for column, _ in named):
        return "The case already has this owner and reviewer: nothing to reassign."
    return None


# Releasing an instalment (four eyes): its guards live with the money (caseflow/money/release.py).
GUARDS.update(_release.GUARDS)

"""Effects: named steps that set derived fields once the guards have passed."""
from __future__ import annotations

from caseflow.money import release as _release
from caseflow.money.budget import organisation_cash_usd
from caseflow.workflow.context import StepContext, add_months

EFFECTS = {}


def effect(fn):
    """Register `fn` under its name for use in workflow definitions."""
    EFFECTS[fn.__name__] = fn
    return fn


def _interval(ctx: StepContext) -> int:
    return ctx.value("review_interval_months") or ctx.timers["default_review_interval_months"]


@effect
def record_proposer(ctx: StepContext):
    ctx.changes["owner_id"] = ctx.actor.user_id
    ctx.changes["proposed_by_id"] = ctx.actor.user_id


@effect
def assign_reviewer(ctx: StepContext):
    ctx.changes["reviewer_id"] = ctx.actor.user_id


@effect
def close_as_rejected(ctx: StepContext):
    ctx.changes["closure_reason"] = "failed_vetting"


@effect
def record_agreement_recorder(ctx: StepContext):
    ctx.changes["agreement_recorded_by_id"] = ctx.actor.user_id


@effect
def set_exit_deadline(ctx: StepContext):
    ctx.changes["exit_deadline"] = ctx.value("proposed_end")


@effect
def schedule_first_review(ctx: StepContext):
    ctx.changes["next_review_due"] = add_months(ctx.value("actual_start") or ctx.today, _interval(ctx))


@effect
def open_review(ctx: StepContext):
    # A review begun before its date (a flagged partner, a concern) is due the day it begins, so it
    # heads the reviewers' queue beside the overdue ones instead of waiting behind its old date.
    scheduled = ctx.case.next_review_due
    due = min(scheduled, ctx.today) if scheduled else ctx.today
    if due != scheduled:
        ctx.changes["next_review_due"] = due
    ctx.review_open = {"due_on": due, "reason": ctx.data.get("reason")}


@effect
def close_review(ctx: StepContext):
    if ctx.case.state != "under_review":
        return
    ctx.review_update = {"outcome": ctx.trigger, "progress": ctx.data.get("progress"),
                         "recommendation": ctx.data.get("recommendation")}


@effect
def schedule_next_review(ctx: StepContext):
    ctx.changes["next_review_due"] = ctx.data.get("next_review_on") or add_months(ctx.today, _interval(ctx))


@effect
def end_review_schedule(ctx: StepContext):
    ctx.changes["next_review_due"] = None


@effect
def record_closure_reason(ctx: StepContext):
    ctx.changes["closure_reason"] = ctx.data.get("reason")
    ctx.changes["next_review_due"] = None


@effect
def record_budget(ctx: StepContext):
    """Store the agreement's contribution lines (the step's `budget` rows), the organisation's cash in USD and
    the planned instalments (its `instalments` rows)."""
    lines = ctx.data.get("budget") or []
    if not lines and ctx.value("organisation_cash_usd") is None and not ctx.data.get("instalments"):
        return  # no budget given, none to replace: a case agreed on its `amount` alone
    ctx.tables["budget_lines"] = [{"position": n, **line} for n, line in enumerate(lines, start=1)]
    ctx.changes["organisation_cash_usd"] = organisation_cash_usd(lines, ctx.definition.usd_rates) if lines else None
    ctx.tables["instalments"] = [{"position": n, **planned, "status": "planned", "requested_by_id": None,
                                  "released_by_id": None}
                                 for n, planned in enumerate(ctx.data.get("instalments") or [], start=1)]


# Releasing an instalment (four eyes): its effects live with the money (caseflow/money/release.py).
EFFECTS.update(_release.EFFECTS)

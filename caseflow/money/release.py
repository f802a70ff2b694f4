"""Releasing an instalment, with four eyes: the owning officer requests a planned one, a second person
(a reviewer, not the requester) approves or rejects it. Guards and effects, registered by name beside the
workflow's own (caseflow.workflow.guards / effects); the workflow definition names them.

Each step rewrites all of the case's instalments (StepContext.tables), so its history record holds them
and verify rebuilds them; the approval also moves `released_usd` on the case, which the invariant
`released_within_budget` holds under the organisation's cash budget on every write.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from caseflow.money.budget import in_usd
from caseflow.workflow import store
from caseflow.workflow.context import StepContext
from caseflow.workflow.errors import InvalidData

TABLE = "instalments"


def _instalments(ctx: StepContext) -> list[dict]:
    """The case's instalments as stored, read once per step (guards and effects share them)."""
    if TABLE not in ctx.tables:
        ctx.tables[TABLE] = store.load_rows(ctx.conn, TABLE, ctx.case.id)
    return ctx.tables[TABLE]


def _requested(ctx: StepContext) -> dict | None:
    return next((i for i in _instalments(ctx) if i["status"] == "requested"), None)


def _usd(ctx: StepContext, instalment: dict) -> Decimal:
    return in_usd(instalment["amount"], instalment["currency"], ctx.definition.usd_rates)


def release_not_blocked(ctx: StepContext):
    """No release while the partner carries a blocking flag or the case's review is overdue (past its grace)."""
    reasons = []
    flags = getattr(ctx.case.partner, "blocking_flags", None)
    if flags:
        reasons.append(f"the partner is flagged ({', '.join(flags)})")
    due, grace = ctx.case.next_review_due, ctx.timers["review_grace_days"]
    if due is not None and due + dt.timedelta(days=grace) < ctx.today:
        reasons.append(f"the review due on {due.isoformat()} is overdue")
    if reasons:
        return "No instalment is released while " + " and ".join(reasons) + "."
    return None


def a_release_requested(ctx: StepContext):
    if _requested(ctx) is None:
        return "No instalment of this case waits for release: the officer requests one first."
    return None


def not_the_requester(ctx: StepContext):
    requested = _requested(ctx)
    if requested is not None and requested["requested_by_id"] == ctx.actor.user_id:
        return "You requested this release: a second person approves or rejects it (four eyes)."
    return None


def request_instalment(ctx: StepContext):
    """Mark the chosen planned instalment requested; refuse, naming the field, one that cannot be."""
    number, plan = ctx.data["instalment"], _instalments(ctx)
    chosen = next((i for i in plan if i["position"] == number), None)
    if chosen is None:
        raise InvalidData({"instalment": f"the agreement plans {len(plan)} instalments; there is no number {number}"})
    if chosen["status"] != "planned":
        raise InvalidData({"instalment": f"instalment {number} is {chosen['status']} already"})
    if (waiting := _requested(ctx)) is not None:
        raise InvalidData({"instalment": f"instalment {waiting['position']} waits for approval: one at a time"})
    budget = ctx.case.organisation_cash_usd
    after = Decimal(str(ctx.case.released_usd or 0)) + _usd(ctx, chosen)
    if budget is None or after > Decimal(str(budget)):
        raise InvalidData({"instalment": f"releasing instalment {number} would bring the released total to "
                                         f"{after:,.2f} USD, more than the organisation's cash budget of "
                                         f"{Decimal(str(budget or 0)):,.2f} USD"})
    chosen.update(status="requested", requested_by_id=ctx.actor.user_id)


def release_instalment(ctx: StepContext):
    """Release the requested instalment: the second person's approval; the released total grows by it."""
    chosen = _requested(ctx)
    if chosen is None:
        return  # refused by a_release_requested: the engine runs every effect before it says why
    chosen.update(status="released", released_by_id=ctx.actor.user_id)
    ctx.changes["released_usd"] = Decimal(str(ctx.case.released_usd or 0)) + _usd(ctx, chosen)


def withdraw_request(ctx: StepContext):
    """Reject the requested instalment: it is planned again, to be requested anew."""
    chosen = _requested(ctx)
    if chosen is not None:  # else refused by a_release_requested
        chosen.update(status="planned", requested_by_id=None)


GUARDS = {f.__name__: f for f in (release_not_blocked, a_release_requested, not_the_requester)}
EFFECTS = {f.__name__: f for f in (request_instalment, release_instalment, withdraw_request)}

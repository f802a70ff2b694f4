"""The sweeps that only remind people: overdue reviews, coming exits, overdue exits. No state changes."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, bindparam, select

from caseflow.jobs.batches import Keyset, batches, write_transaction
from caseflow.notifications.write import Recipients, not_yet_sent, notify_all
from caseflow.jobs.result import SweepResult
from caseflow.models import RUNNING, Case, Review, in_state
from caseflow.workflow import current_workflow


# Each sweep's query, built once: the days it compares with are bound when it runs.
CUTOFF, TODAY, HORIZON = bindparam("cutoff"), bindparam("today"), bindparam("horizon")
# An open review's due date is the case's next review date (the engine's open_review effect),
# or the day it was opened when the case had none: so the under-review cases' index on
# next_review_due narrows the search before the join confirms it on the review itself.
# The cases without a date are a second query: with an OR of the two, SQLite reads every
# case under review.
_OVERDUE_REVIEWS = (select(Case.id, Case.owner_id, Case.reviewer_id, Case.office, Case.title, Review.due_on)
                    .join(Review, and_(Review.case_id == Case.id, Review.completed_at.is_(None)))
                    .where(in_state("under_review"), Review.due_on < CUTOFF,
                           not_yet_sent("review_escalated", Case.id, Review.due_on, Case.owner_id)))
_OVERDUE_REVIEWS_DATED = Keyset(_OVERDUE_REVIEWS.where(Case.next_review_due < CUTOFF), Case.id)
_OVERDUE_REVIEWS_UNDATED = Keyset(_OVERDUE_REVIEWS.where(Case.next_review_due.is_(None)), Case.id)
# A case under review is still running: its officer needs the exit notice all the same.
_EXITS_NEAR = Keyset(select(Case.id, Case.owner_id, Case.title, Case.exit_deadline).where(
    in_state(*RUNNING), Case.exit_deadline > TODAY, Case.exit_deadline <= HORIZON,
    not_yet_sent("exit_notice", Case.id, Case.exit_deadline, Case.owner_id)), Case.id)
_EXITS_OVERDUE = Keyset(select(Case.id, Case.owner_id, Case.reviewer_id, Case.title, Case.exit_completion_due).where(
    in_state("exiting"), Case.exit_completion_due < CUTOFF,
    not_yet_sent("exit_overdue", Case.id, Case.exit_completion_due, Case.owner_id)), Case.id)


def _timer(name: str) -> int:
    return current_workflow().definition.timers[name]


def _send(result: SweepResult, keyset: Keyset, params: dict, notices) -> SweepResult:
    """Queue the notices `notices(row, people)` yields for each due row, one write transaction per batch."""
    people = None
    for rows in batches(keyset, params):
        people = people or Recipients()  # looked up only when someone is to be told
        with write_transaction() as session:
            result.notified += notify_all(session, [(kind, c.id, due_on, users, message) for c in rows
                                                    for kind, due_on, users, message in notices(c, people)])
    return result


def reviews_overdue(as_of: dt.datetime) -> SweepResult:
    """Remind the reviewer of each review overdue past its grace, and escalate to the owner and admins."""
    result, grace = SweepResult("reviews_overdue"), _timer("review_grace_days")
    cutoff = as_of.date() - dt.timedelta(days=grace)  # due_on + grace < today

    def notices(c, people):
        head = f"CF-{c.id:06d} {c.title}: the review due on {c.due_on.isoformat()}"
        reviewers = people.reviewers_of(c.reviewer_id, c.office)
        yield ("review_overdue", c.due_on, reviewers,
               f"{head} is overdue by more than {grace} days; please complete it.")
        yield ("review_escalated", c.due_on, (people.active(c.owner_id) | people.admins) - reviewers,
               f"{head} is still not completed {grace} days after it fell due.")

    _send(result, _OVERDUE_REVIEWS_DATED, {"cutoff": cutoff}, notices)
    return _send(result, _OVERDUE_REVIEWS_UNDATED, {"cutoff": cutoff}, notices)


def exit_notice(as_of: dt.datetime) -> SweepResult:
    """Tell the officer of each running case, once, that its end date is within the notice period."""
    result, notice = SweepResult("exit_notice"), _timer("exit_notice_days")
    today = as_of.date()
    days = {"today": today, "horizon": today + dt.timedelta(days=notice)}
    return _send(result, _EXITS_NEAR, days, lambda c, people: [(
        "exit_notice", c.exit_deadline, people.active(c.owner_id),
        f"CF-{c.id:06d} {c.title}: the partnership ends on {c.exit_deadline.isoformat()}. "
        "Plan its exit now: the handover and how its results are sustained.")])


def exit_overdue(as_of: dt.datetime) -> SweepResult:
    """Tell the officer and reviewer of each exiting case that its exit is past its completion date."""
    result, grace = SweepResult("exit_overdue"), _timer("exit_overdue_grace_days")
    cutoff = as_of.date() - dt.timedelta(days=grace)
    return _send(result, _EXITS_OVERDUE, {"cutoff": cutoff}, lambda c, people: [(
        "exit_overdue", c.exit_completion_due, people.active(c.owner_id, c.reviewer_id),
        f"CF-{c.id:06d} {c.title}: the exit was to be completed by {c.exit_completion_due.isoformat()} "
        "and the case is still exiting. Complete the exit and discontinue the partnership, or record why it is late.")])

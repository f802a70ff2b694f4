"""A year in a partnership's life, with the clock moved week by week and the scheduler sweeping."""
from __future__ import annotations

import datetime as dt

from caseflow.clock import frozen_at
from caseflow.extensions import db
from caseflow.models import Case, Review
from caseflow.workflow import Actor, current_workflow
from tests.factories import REVIEW
from tests.scheduler.conftest import at, history, notifications


def _complete_open_review(case: Case, reviewer) -> dt.date:
    """Complete the case's open review as the reviewer, next review one quarter after this one's due date."""
    review = db.session.query(Review).filter_by(case_id=case.id, completed_at=None).one()
    due = review.due_on
    next_due = due.replace(month=due.month + 3) if due.month <= 9 else due.replace(year=due.year + 1, month=due.month - 9)
    current_workflow().fire(case.id, "complete_review", Actor.of(reviewer), {**REVIEW, "next_review_on": next_due})
    return due


def test_a_year_of_a_partnership_moved_by_the_scheduler(app, users, cases, sweep):
    case = cases.in_state("agreed", at=at(2027, 1, 4), proposed_start="2027-01-15", proposed_end="2028-02-01")
    reviewed = []
    moment = at(2027, 1, 4)
    while moment <= at(2028, 2, 14):
        sweep(moment)
        case = db.session.get(Case, case.id, populate_existing=True)
        if case.state == "under_review":
            with frozen_at(moment):
                reviewed.append(_complete_open_review(case, users["reviewer"]))
        moment += dt.timedelta(days=7)

    assert history(case.id) == [
        ("propose", "officer@example.org"), ("vet", "reviewer@example.org"), ("agree", "officer@example.org"),
        ("activate", "system:activation"),
        *[("start_review", "system:reviews_due"), ("complete_review", "reviewer@example.org")] * 4,
        ("begin_exit", "system:exit_deadline"),
    ]
    assert reviewed == [dt.date(2027, 4, 15), dt.date(2027, 7, 15), dt.date(2027, 10, 15), dt.date(2028, 1, 15)]
    assert case.state == "exiting" and case.actual_start == dt.date(2027, 1, 15)
    assert case.exit_completion_due == dt.date(2028, 2, 1) + dt.timedelta(days=90)
    notice = notifications("exit_notice", case.id)
    assert [(n.user_id, n.due_on) for n in notice] == [(users["officer"].id, dt.date(2028, 2, 1))]
    assert notice[0].created_at.date() == dt.date(2027, 11, 8)  # the first Monday within 90 days of the end


def test_after_a_week_down_the_first_sweep_catches_up_once(app, users, cases, sweep):
    starting = cases.in_state("agreed", at=at(2027, 3, 1), proposed_start="2027-03-03", proposed_end="2028-03-03")
    reviewing = cases.in_state("active", at=at(2026, 12, 5), proposed_start="2026-12-01", proposed_end="2028-06-01")
    ending = cases.in_state("active", at=at(2026, 3, 5), proposed_start="2026-03-01", proposed_end="2027-03-04")
    assert reviewing.next_review_due == dt.date(2027, 3, 5)

    # The scheduler was down from 1 to 8 March: everything that fell due meanwhile happens at the first sweep.
    first = sweep(at(2027, 3, 8))
    again = sweep(at(2027, 3, 8, 7))

    assert first["activation"].fired == 1 and first["reviews_due"].fired == 1 and first["exit_deadline"].fired == 1
    assert sum(r.fired + r.notified + r.failed for r in again.values()) == 0
    assert history(starting.id)[-1] == ("activate", "system:activation")
    assert db.session.get(Case, starting.id).actual_start == dt.date(2027, 3, 3)
    assert history(reviewing.id)[-1] == ("start_review", "system:reviews_due")
    assert history(ending.id)[-1] == ("begin_exit", "system:exit_deadline")
    # A late exit still gets a completion date that is not in the past.
    assert db.session.get(Case, ending.id).exit_completion_due == dt.date(2027, 3, 4) + dt.timedelta(days=90)

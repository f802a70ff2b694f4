"""Sweeping twice, or in two threads at once, fires each transition and sends each notification once."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from caseflow.clock import frozen_at
from caseflow.extensions import db
from caseflow.jobs import firing, run_all
from caseflow.jobs.batches import batches
from caseflow.models import HistoryRecord
from caseflow.workflow import Actor, current_workflow
from tests.scheduler.conftest import at, history, notifications


@pytest.fixture
def due_cases(cases):
    """Three active partnerships whose reviews fell due on 1 April 2027 and whose ends are within 90 days."""
    return [cases.in_state("active", at=at(2027, 1, 1), proposed_start="2026-12-25", proposed_end="2027-06-15")
            for _ in range(3)]


def _start_reviews(case_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(HistoryRecord)
                             .where(HistoryRecord.case_id == case_id, HistoryRecord.trigger == "start_review"))


def test_the_same_sweep_twice_fires_once(app, due_cases, sweep):
    first = sweep(at(2027, 4, 2), "reviews_due", "exit_notice")
    second = sweep(at(2027, 4, 2), "reviews_due", "exit_notice")
    assert (first["reviews_due"].fired, first["exit_notice"].notified) == (3, 3)
    assert (second["reviews_due"].fired, second["reviews_due"].failed, second["exit_notice"].notified) == (0, 0, 0)
    assert [_start_reviews(c.id) for c in due_cases] == [1, 1, 1]
    assert len(notifications("exit_notice")) == 3


def test_a_case_moved_after_the_query_counts_as_already_done(app, users, due_cases, sweep, monkeypatch):
    reviewer = Actor.of(users["reviewer"])

    def a_person_is_quicker(keyset, params):
        for rows in batches(keyset, params):
            # Between the sweep's query and its firing, a reviewer starts the first case's review.
            current_workflow().fire(rows[0].id, "start_review", reviewer, {"reason": "Ad hoc."})
            yield rows

    monkeypatch.setattr(firing, "batches", a_person_is_quicker)
    result = sweep(at(2027, 4, 2), "reviews_due")["reviews_due"]
    assert (result.fired, result.already, result.failed) == (2, 1, 0)
    assert history(due_cases[0].id)[-1] == ("start_review", "reviewer@example.org")
    assert [_start_reviews(c.id) for c in due_cases] == [1, 1, 1]


def test_two_sweeps_at_once_fire_and_notify_once(app, due_cases):
    moment, start, results = at(2027, 4, 2), threading.Barrier(2), []

    def sweeper():
        with app.app_context():
            start.wait()
            results.extend(run_all(moment, holder=threading.current_thread().name,
                                   only=("reviews_due", "exit_notice")))
            db.session.remove()

    with frozen_at(moment):
        threads = [threading.Thread(target=sweeper, name=f"sweeper-{n}") for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    db.session.rollback()  # end this thread's snapshot to see what the sweepers wrote

    reviews = [r for r in results if r.sweep == "reviews_due"]
    notices = [r for r in results if r.sweep == "exit_notice"]
    assert len(reviews) == 2 and sum(r.fired for r in reviews) == 3 and sum(r.failed for r in reviews) == 0
    assert sum(r.notified for r in notices) == 3
    assert [_start_reviews(c.id) for c in due_cases] == [1, 1, 1]
    assert sorted(n.case_id for n in notifications("exit_notice")) == sorted(c.id for c in due_cases)

"""Verification reads the cases, their records and their reviews in one snapshot: a step someone commits
while it reads is not a break. (On PostgreSQL each statement would otherwise see the commits made before
it began: a case read before a step and its records read after it would disagree.)"""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import event

from caseflow.clock import frozen_at
from caseflow.extensions import db
from caseflow.jobs import run_all
from caseflow.models import Case
from caseflow.workflow import Actor, current_workflow
from caseflow.workflow.chain_verify import verify_chains

MORNING = dt.datetime(2031, 3, 3, 6, tzinfo=dt.timezone.utc)


def reads_the_history(statement: str) -> bool:
    """Whether `statement` is verify's read of the history records (chain_verify's query), in chain order."""
    return "FROM history_records" in statement and "ORDER BY history_records.case_id, history_records.seq" in statement


@pytest.fixture
def reviews_started_while_verify_reads(app, users, cases):
    """Each time verify is about to read the history, a reviewer starts the review of another active case
    (on a connection of their own, in another thread) and it commits. Yields the case ids, in that order."""
    ids = [cases.in_state("active").id for _ in range(2)]
    db.session.commit()
    waiting, reviewer, errors = iter(ids), Actor.of(users["reviewer"]), []

    def start_review(case_id: int) -> None:
        with app.app_context():
            try:
                current_workflow().fire(case_id, "start_review", reviewer, {"reason": "Started while verify reads."})
            except Exception as exc:  # noqa: BLE001 - handed to the test, which fails on it
                errors.append(exc)
            finally:
                db.session.remove()

    def before_reading_the_history(conn, cursor, statement, parameters, context, executemany):
        case_id = next(waiting, None) if reads_the_history(statement) else None
        if case_id is not None:
            writer = threading.Thread(target=start_review, args=(case_id,))
            writer.start()
            writer.join(30)

    event.listen(db.engine, "before_cursor_execute", before_reading_the_history)
    try:
        yield ids
    finally:
        event.remove(db.engine, "before_cursor_execute", before_reading_the_history)
    assert errors == []


def _states(ids: list[int]) -> list[str]:
    db.session.rollback()
    return [db.session.get(Case, case_id, populate_existing=True).state for case_id in ids]


def test_a_review_started_while_verify_reads_is_no_break(app, reviews_started_while_verify_reads):
    ids = reviews_started_while_verify_reads

    during = verify_chains(db.session)

    assert during.ok, during.broken
    assert _states(ids) == ["under_review", "active"]  # the review did start, between verify's reads
    assert verify_chains(db.session).ok


def test_the_daily_history_check_finds_the_history_intact_while_reviews_start(app, reviews_started_while_verify_reads):
    ids = reviews_started_while_verify_reads

    with frozen_at(MORNING):
        (result,) = run_all(MORNING, holder="test", only=("history_check",))

    assert result.failed == 0 and "intact" in result.detail, result.summary()
    assert _states(ids) == ["under_review", "active"]

"""Helpers for the scheduler's tests: sweep as of a time, read a case's history."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select

from caseflow.clock import frozen_at
from caseflow.extensions import db
from caseflow.jobs import run_all
from caseflow.models import HistoryRecord, Notification


def at(year, month, day, hour=6) -> dt.datetime:
    """A UTC moment, for moving the clock."""
    return dt.datetime(year, month, day, hour, tzinfo=dt.timezone.utc)


@pytest.fixture
def sweep(app):
    """Run sweeps as of a moment with the clock set to it: `sweep(moment, "reviews_due")`."""

    def run(moment: dt.datetime, *only: str):
        with frozen_at(moment):
            results = run_all(moment, holder="test", only=only)
        return {r.sweep: r for r in results}

    return run


def history(case_id: int) -> list[tuple[str, str]]:
    """A case's history as (trigger, actor) pairs, in order."""
    return [(r.trigger, r.actor) for r in db.session.scalars(
        select(HistoryRecord).where(HistoryRecord.case_id == case_id).order_by(HistoryRecord.seq))]


def notifications(kind: str, case_id: int | None = None) -> list[Notification]:
    """The notifications of `kind` (for one case, if given)."""
    query = select(Notification).where(Notification.kind == kind).order_by(Notification.id)
    if case_id is not None:
        query = query.where(Notification.case_id == case_id)
    return list(db.session.scalars(query))


def commits_during(work) -> int:
    """How many transactions `work()` commits on the app's database."""
    commits = []

    def count(conn):
        commits.append(conn)

    event.listen(db.engine, "commit", count)
    try:
        work()
    finally:
        event.remove(db.engine, "commit", count)
    return len(commits)

"""A scheduler tick with nothing due costs a few transactions, and its log says what each sweep did."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from caseflow.clock import frozen_at
from caseflow.extensions import db
from caseflow.jobs import SWEEPS, run_all
from caseflow.jobs.leader import leadership_for
from caseflow.models import SchedulerLease, SweepRun
from tests.scheduler.conftest import at, commits_during

#: The lead renewed, the run's log begun, its reads, the log ended.
IDLE_TICK_COMMITS = 4


def _tick(leadership, moment: dt.datetime) -> list:
    """What the scheduler does each interval: hold the lead, then run every sweep while it holds."""
    with frozen_at(moment):
        assert leadership.hold()
        return run_all(moment, holder="test", keep_going=leadership.hold)


def _runs() -> list[SweepRun]:
    db.session.rollback()
    return list(db.session.scalars(select(SweepRun).order_by(SweepRun.id)))


def test_an_idle_tick_a_minute_later_makes_a_few_commits_and_logs_every_sweep(app, users):
    leadership = leadership_for("host-a:1:aa", 180)
    _tick(leadership, at(2027, 6, 1))  # the first tick takes the lead and runs the daily history check
    count = commits_during(lambda: _tick(leadership, at(2027, 6, 1) + dt.timedelta(minutes=1)))
    assert count <= IDLE_TICK_COMMITS
    runs = _runs()[-len(SWEEPS):]
    assert [r.sweep for r in runs] == list(SWEEPS)
    assert all(r.finished_at is not None and r.summary and r.holder == "test" for r in runs)
    leadership.release()


def test_the_lead_is_written_down_again_once_a_third_of_the_lease_has_passed(app):
    leadership, noon = leadership_for("host-a:1:aa", 180), at(2027, 6, 1, 12)

    def expires_at():
        db.session.rollback()
        return db.session.get(SchedulerLease, "sweeps", populate_existing=True).expires_at

    with frozen_at(noon):
        assert leadership.hold()
    with frozen_at(noon + dt.timedelta(seconds=59)):
        assert commits_during(leadership.hold) == 0
    assert expires_at() == noon + dt.timedelta(seconds=180)
    with frozen_at(noon + dt.timedelta(seconds=61)):
        assert leadership.hold()
    assert expires_at() == noon + dt.timedelta(seconds=241)
    leadership.release()


def test_a_run_that_loses_the_lead_logs_what_it_ran_and_nothing_more(app, users):
    holds = iter([True, True, False])
    with frozen_at(at(2027, 6, 1)):
        results = run_all(at(2027, 6, 1), holder="test", keep_going=lambda: next(holds))
    assert [r.sweep for r in results] == list(SWEEPS)[:2]
    runs = _runs()
    assert [r.sweep for r in runs] == list(SWEEPS)[:2]
    assert all(r.finished_at is not None for r in runs)


def test_a_sweep_that_did_something_is_logged_as_finished_at_once(app, cases, monkeypatch):
    from caseflow.jobs import registry

    cases.in_state("active", at=at(2027, 1, 1), proposed_start="2026-12-25", proposed_end="2028-12-25")
    seen = {}

    def the_next_sweep_looks(as_of):
        # While the run goes on, the reviews' sweep (which fired) is already logged as finished.
        seen["reviews_due"] = db.session.scalar(select(SweepRun.finished_at).where(SweepRun.sweep == "reviews_due"))
        return registry.SweepResult("reviews_overdue")

    monkeypatch.setitem(registry.SWEEPS, "reviews_overdue", the_next_sweep_looks)
    with frozen_at(at(2027, 4, 2)):
        results = run_all(at(2027, 4, 2), holder="test", only=("reviews_due", "reviews_overdue"))
    assert results[0].fired == 1 and seen["reviews_due"] is not None

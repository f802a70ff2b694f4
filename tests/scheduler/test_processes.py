"""Two real scheduler processes on one database: one leads, each due transition happens once, and
when the leader is killed the other takes over."""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from caseflow import ROOT
from caseflow.clock import utcnow
from caseflow.extensions import db
from caseflow.jobs.leader import LEASE_NAME
from caseflow.models import Case, HistoryRecord, Notification, SchedulerLease, SweepRun
from caseflow.workflow.chain_verify import verify_chains

WAIT = 90  # seconds before giving up on the schedulers (they tick every 0.3 s)


def _start(database_url: str, tmp_path: Path, n: int) -> tuple[subprocess.Popen, Path]:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "CASEFLOW_INSTANCE_PATH": str(tmp_path),
           "CASEFLOW_SWEEP_INTERVAL_SECONDS": "0.3", "CASEFLOW_SCHEDULER_LEASE_SECONDS": "2"}
    log = tmp_path / f"scheduler-{n}.log"
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "caseflow.cli", "scheduler"], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    return process, log


def _wait_for(condition, logs, what: str):
    """Poll the database until `condition()` holds; the schedulers work in other processes."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        db.session.rollback()  # a fresh snapshot each time
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}\n" + "\n".join(p.read_text()[-3000:] for p in logs))


def _wave(cases, size: int = 4) -> list[int]:
    """Agreed partnerships that started months ago: due for activation, then at once for review."""
    months_ago = utcnow() - dt.timedelta(days=200)
    return [cases.in_state("agreed", at=months_ago).id for _ in range(size)]


def _all_under_review(ids):
    """The reviews of `ids` were started, and (in the same run) their reviewers told they are overdue."""
    return lambda: db.session.scalar(select(func.count()).select_from(Case).where(
        Case.id.in_(ids), Case.state == "under_review")) == len(ids) and db.session.scalar(
        select(func.count(func.distinct(Notification.case_id))).where(
            Notification.case_id.in_(ids), Notification.kind == "review_overdue")) == len(ids)


def _leader_pid() -> int | None:
    lease = db.session.get(SchedulerLease, LEASE_NAME, populate_existing=True)
    return int(lease.holder.split(":")[1]) if lease and lease.expires_at > utcnow() else None


def test_two_schedulers_fire_each_transition_once_and_hand_over_the_lead(app, database_url, cases, tmp_path):
    started = [_start(database_url, tmp_path, n) for n in range(2)]
    processes, logs = {p.pid: p for p, _ in started}, [log for _, log in started]
    try:
        first, second = _wave(cases), _wave(cases)
        _wait_for(_all_under_review(first + second), logs, "the first two waves")
        leader = _leader_pid()
        assert leader in processes
        survivor = next(pid for pid in processes if pid != leader)

        killed_at = utcnow()
        processes[leader].send_signal(signal.SIGKILL)
        processes[leader].wait(10)
        third = _wave(cases)
        _wait_for(_all_under_review(third), logs, "the wave after the leader was killed")
        _wait_for(lambda: _leader_pid() == survivor, logs, "the survivor to lead")
        runs_since = db.session.scalars(select(SweepRun.holder).where(SweepRun.started_at > killed_at + dt.timedelta(seconds=3)))
        assert {int(h.split(":")[1]) for h in runs_since} <= {survivor}

        for case_id in first + second + third:
            records = db.session.execute(select(HistoryRecord.trigger, HistoryRecord.actor)
                                         .where(HistoryRecord.case_id == case_id).order_by(HistoryRecord.seq)).all()
            assert [tuple(r) for r in records][3:] == [("activate", "system:activation"), ("start_review", "system:reviews_due")]
        overdue = db.session.execute(select(Notification.case_id, func.count()).where(Notification.kind == "review_overdue")
                                     .group_by(Notification.case_id)).all()
        assert sorted(overdue) == sorted((case_id, 1) for case_id in first + second + third)
        assert verify_chains(db.session).ok

        # A clean stop hands the lead back at once.
        processes[survivor].send_signal(signal.SIGTERM)
        assert processes[survivor].wait(30) == 0
        db.session.rollback()
        assert db.session.get(SchedulerLease, LEASE_NAME) is None
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait(10)

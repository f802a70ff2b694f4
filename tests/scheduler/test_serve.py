"""`caseflow serve` runs a scheduler beside the web server, and stopping the server stops both."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from caseflow import ROOT
from caseflow.extensions import db
from caseflow.jobs.leader import LEASE_NAME
from caseflow.models import SchedulerLease


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _scheduler_pid(process, log) -> int:
    """The pid of the scheduler that took the lead: the one `serve` started."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        db.session.rollback()
        holder = db.session.scalar(select(SchedulerLease.holder).where(SchedulerLease.name == LEASE_NAME))
        if holder:
            return int(holder.split(":")[1])
        time.sleep(0.2)
    raise AssertionError("the scheduler never took the lead\n" + log.read_text()[-3000:])


def _gone(pid: int) -> bool:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("how", ["ctrl-c", "terminate"])
def test_stopping_serve_stops_its_scheduler(app, database_url, tmp_path, how):
    if not database_url.startswith("sqlite"):
        pytest.skip("serve is the single-machine default; the scheduler's own tests cover PostgreSQL")
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "CASEFLOW_INSTANCE_PATH": str(tmp_path),
           "CASEFLOW_SWEEP_INTERVAL_SECONDS": "0.3"}
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        serve = subprocess.Popen([sys.executable, "-m", "caseflow.cli", "serve", "--port", str(_free_port())], cwd=ROOT,
                                 env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        scheduler = _scheduler_pid(serve, log)
        if how == "ctrl-c":
            os.killpg(serve.pid, signal.SIGINT)  # the terminal sends Ctrl-C to the whole process group
        else:
            serve.terminate()
        serve.wait(60)
        assert _gone(scheduler), log.read_text()[-3000:]
        db.session.rollback()
        assert db.session.get(SchedulerLease, LEASE_NAME) is None  # the lead was handed back, not left to lapse
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait(10)

"""The scheduler process: APScheduler calls one tick every interval; the leader's tick runs the sweeps."""
from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import signal
import socket
import threading

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import SQLAlchemyError

from caseflow.clock import utcnow
from caseflow.extensions import db
from caseflow.jobs.leader import leadership_for
from caseflow.jobs.registry import run_all

log = logging.getLogger("caseflow.jobs")


def new_holder() -> str:
    """This process's name as a leader: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class Ticker:
    """One tick: hold the lead (or wait for it), then run every sweep as of now."""

    def __init__(self, app, lease_seconds: float):
        self.app, self.holder, self.stopping = app, new_holder(), threading.Event()
        with app.app_context():
            self.leadership = leadership_for(self.holder, lease_seconds)
        self.leading = False

    def __call__(self) -> None:
        with self.app.app_context():
            try:
                self._tick()
            except SQLAlchemyError:
                # The database went away or is busy: say so and try again at the next tick.
                log.exception("tick failed; retrying at the next one")
            finally:
                db.session.remove()

    def _tick(self) -> None:
        leading = self.leadership.hold()
        if leading != self.leading:
            log.info("%s %s the lead", self.holder, "took" if leading else "does not hold")
            self.leading = leading
        if not leading or self.stopping.is_set():
            return
        # The lead is renewed (or found lost) before each sweep, so a long run cannot outlive its lease.
        run_all(utcnow(), self.holder,
                keep_going=lambda: not self.stopping.is_set() and self.leadership.hold())

    def release(self) -> None:
        """Hand the lead back when stopping cleanly."""
        with self.app.app_context():
            try:
                self.leadership.release()
            except SQLAlchemyError:
                log.warning("could not release the lead; it lapses on its own")
            finally:
                db.session.remove()


def _stop(signum, frame):
    raise SystemExit(0)


def run_scheduler(app, interval: float, lease_seconds: float) -> None:
    """Tick every `interval` seconds until SIGTERM or Ctrl-C; never under tests or in web workers."""
    if app.testing:
        raise RuntimeError("the scheduler does not run under tests: call the sweeps instead")
    ticker = Ticker(app, lease_seconds)
    # APScheduler's job store stays in this process's memory: the database carries correctness.
    scheduler = BlockingScheduler(timezone=dt.timezone.utc,
                                  job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None})
    scheduler.add_job(ticker, IntervalTrigger(seconds=interval, timezone=dt.timezone.utc), id="sweeps",
                      name="caseflow sweeps", next_run_time=utcnow())
    signal.signal(signal.SIGTERM, _stop)
    log.info("scheduler %s: sweeping every %s s", ticker.holder, interval)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("scheduler %s stopping", ticker.holder)
    finally:
        # A second signal (Ctrl-C reaches `serve` and this process, then `serve` terminates us)
        # must not cut the hand-over short.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        ticker.stopping.set()
        if scheduler.running:
            scheduler.shutdown(wait=True)
        ticker.release()

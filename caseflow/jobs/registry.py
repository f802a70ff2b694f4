"""The sweeps in the order a run takes them, and the runner that logs each run as a SweepRun row."""
from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable

from sqlalchemy import delete, update

from caseflow.clock import utcnow
from caseflow.extensions import db
from caseflow.jobs.batches import write_transaction
from caseflow.jobs.firing import activation, exit_deadline, reviews_due
from caseflow.jobs.history_check import history_check
from caseflow.jobs.mail import deliver_mail
from caseflow.jobs.reminders import exit_notice, exit_overdue, reviews_overdue
from caseflow.jobs.result import SweepResult
from caseflow.models import SweepRun

log = logging.getLogger("caseflow.jobs")
#: Sweep runs are kept this long; the history records keep what the sweeps did for good.
KEEP_RUNS = dt.timedelta(days=30)

# Exits come before reviews so a case whose end date has come is not first sent into a review.
# The history check runs once a day (it skips otherwise), before the mail so its alert goes out at once.
# The mail step comes last so the run's own notifications go out in the same run.
SWEEPS: dict[str, Callable[[dt.datetime], SweepResult]] = {
    "activation": activation,
    "exit_deadline": exit_deadline,
    "reviews_due": reviews_due,
    "reviews_overdue": reviews_overdue,
    "exit_notice": exit_notice,
    "exit_overdue": exit_overdue,
    "history_check": history_check,
    "mail": deliver_mail,
}


def default_holder(kind: str = "cli") -> str:
    """Name this process in the sweep log: kind, host and pid."""
    return f"{kind}:{socket.gethostname()}:{os.getpid()}"


def run_sweep(name: str, as_of: dt.datetime, holder: str) -> SweepResult:
    """Run one sweep as of `as_of`, storing what it did in a SweepRun row."""
    # The log's writes take SQLite's write lock at BEGIN, like every write of the sweeps.
    with write_transaction() as session:
        run = SweepRun(sweep=name, holder=holder, as_of=as_of, started_at=utcnow())
        session.add(run)
        session.flush()
        run_id = run.id
    try:
        result = SWEEPS[name](as_of)
    except Exception as exc:
        db.session.rollback()
        log.exception("sweep %s failed", name)
        result = SweepResult(name)
        result.fail("sweep", f"{type(exc).__name__}: {exc}".splitlines()[0])
    with write_transaction() as session:
        session.execute(update(SweepRun).where(SweepRun.id == run_id).values(
            finished_at=utcnow(), summary=result.summary(), fired=result.fired, notified=result.notified,
            failed=result.failed))
        # A run a minute adds up: the old log is pruned along the (sweep, started_at) index.
        session.execute(delete(SweepRun).where(SweepRun.sweep == name, SweepRun.started_at < as_of - KEEP_RUNS))
    # An idle sweep a minute is not news: it is logged only at debug level.
    busy = result.fired or result.notified or result.failed or result.already
    log.log(logging.INFO if busy else logging.DEBUG, "%s as of %s: %s", name, as_of.isoformat(), result.summary())
    return result


def run_all(as_of: dt.datetime, holder: str, only: tuple[str, ...] = (),
            keep_going: Callable[[], bool] = lambda: True) -> list[SweepResult]:
    """Run every sweep (or those in `only`) once as of `as_of`; stop early when `keep_going` says so."""
    unknown = set(only) - set(SWEEPS)
    if unknown:
        raise ValueError(f"no such sweep: {', '.join(sorted(unknown))}")
    results = []
    for name in SWEEPS:
        if only and name not in only:
            continue
        if not keep_going():
            break
        results.append(run_sweep(name, as_of, holder))
    return results

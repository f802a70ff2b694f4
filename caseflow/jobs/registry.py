"""The sweeps in the order a run takes them, and the runner that logs each run as a SweepRun row."""
from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable

from sqlalchemy import bindparam, delete, insert, update

from caseflow.clock import utcnow
from caseflow.extensions import db
from caseflow.jobs.batches import write_transaction
from caseflow.jobs.firing import activation, exit_deadline, reviews_due
from caseflow.jobs.history_check import history_check
from caseflow.jobs.mail import deliver_mail
from caseflow.jobs.reminders import exit_notice, exit_overdue, reviews_overdue
from caseflow.jobs.result import SweepResult
from caseflow.models import IdempotencyKey, SweepRun
from caseflow.models.idempotency import KEY_LIFETIME

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
    return run_all(as_of, holder, only=(name,))[0]


def run_all(as_of: dt.datetime, holder: str, only: tuple[str, ...] = (),
            keep_going: Callable[[], bool] = lambda: True) -> list[SweepResult]:
    """Run every sweep (or those in `only`) once as of `as_of`; stop early when `keep_going` says so.

    The run's log is written in two transactions whatever the sweeps find: one SweepRun row per sweep
    ("running") as the run begins, and their outcome as it ends. A sweep that did something has its row
    finished at once, in a transaction of its own, so operators see a long run's work as it goes.
    """
    unknown = set(only) - set(SWEEPS)
    if unknown:
        raise ValueError(f"no such sweep: {', '.join(sorted(unknown))}")
    names = [name for name in SWEEPS if not only or name in only]
    run_ids = _begin(names, as_of, holder)
    results, idle = [], []
    try:
        for name in names:
            if not keep_going():
                break
            started = utcnow()
            result = _run_one(name, as_of)
            results.append(result)
            outcome = {"run_id": run_ids[name], "started_at": started, "finished_at": utcnow(), "summary": result.summary(),
                       "fired": result.fired, "notified": result.notified, "failed": result.failed}
            if _busy(result):
                _end([outcome])
            else:
                idle.append(outcome)
    finally:
        _end(idle, unrun=[run_ids[name] for name in names[len(results):]], prune=(names, as_of))
    return results


def _busy(result: SweepResult) -> bool:
    return bool(result.fired or result.notified or result.failed or result.already)


def _run_one(name: str, as_of: dt.datetime) -> SweepResult:
    """Run one sweep; its failure is its result's, never the run's."""
    try:
        result = SWEEPS[name](as_of)
    except Exception as exc:
        db.session.rollback()
        log.exception("sweep %s failed", name)
        result = SweepResult(name)
        result.fail("sweep", f"{type(exc).__name__}: {exc}".splitlines()[0])
    # An idle sweep a minute is not news: it is logged only at debug level.
    log.log(logging.INFO if _busy(result) else logging.DEBUG, "%s as of %s: %s", name, as_of.isoformat(),
            result.summary())
    return result


# The run's log, written with statements built once (Core: the ORM's unit of work would cost more than the SQL).
_RUNS = SweepRun.__table__
_LOG_RUNS = insert(_RUNS).returning(_RUNS.c.sweep, _RUNS.c.id)
_FINISH_RUN = update(_RUNS).where(_RUNS.c.id == bindparam("run_id")).values(
    {c: bindparam(c) for c in ("started_at", "finished_at", "summary", "fired", "notified", "failed")})
_DROP_RUNS = delete(_RUNS).where(_RUNS.c.id.in_(bindparam("run_ids", expanding=True)))
# A run a minute adds up: the old log is pruned along the (sweep, started_at) index.
_PRUNE_RUNS = delete(_RUNS).where(_RUNS.c.sweep.in_(bindparam("sweeps", expanding=True)),
                                  _RUNS.c.started_at < bindparam("before", type_=_RUNS.c.started_at.type))
# Step forms store their one-time keys with the step and never read them again after a day: forgotten here.
_KEYS = IdempotencyKey.__table__
_PRUNE_KEYS = delete(_KEYS).where(_KEYS.c.created_at < bindparam("before", type_=_KEYS.c.created_at.type))


def _begin(names: list[str], as_of: dt.datetime, holder: str) -> dict[str, int]:
    """Log each sweep of the run as running, in one write transaction; return their rows' ids by name."""
    now = utcnow()
    # The log's writes take SQLite's write lock at BEGIN, like every write of the sweeps.
    with write_transaction() as session:
        # One multi-row INSERT; each row is known by its sweep's name, not by the order the ids come back in.
        rows = session.execute(_LOG_RUNS, [{"sweep": name, "holder": holder, "as_of": as_of, "started_at": now,
                                            "fired": 0, "notified": 0, "failed": 0} for name in names]).all()
    return dict(rows)


def _end(outcomes: list[dict], unrun: list[int] = (), prune: tuple[list[str], dt.datetime] | None = None) -> None:
    """Write the sweeps' outcomes, drop the rows of those the run never reached, prune the old log; one transaction."""
    with write_transaction() as session:
        if outcomes:
            session.execute(_FINISH_RUN, outcomes)
        if unrun:
            session.execute(_DROP_RUNS, {"run_ids": list(unrun)})
        if prune:
            names, as_of = prune
            session.execute(_PRUNE_RUNS, {"sweeps": names, "before": as_of - KEEP_RUNS})
            session.execute(_PRUNE_KEYS, {"before": as_of - KEY_LIFETIME})

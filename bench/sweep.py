"""Time one full run of every sweep over a million cases: with 10,000 due, and with none due; then, with none
due, the scheduler's ticks that follow (the lead held, every sweep run, a minute apart), as a running
scheduler meets them."""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import resource
import statistics
import shutil
import sys
import time
import tracemalloc
from pathlib import Path

from bench._sweep_data import AS_OF, build

DATA = Path(__file__).resolve().parent / "data"


def _app(url: str):
    from caseflow import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "MAIL_SERVER": None})


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    from caseflow.extensions import db

    with _app(url).app_context():
        upgrade()
        db.engine.dispose()


def _database(total: int, due: int) -> Path:
    """The pristine database for (total, due), built once and cached under bench/data/."""
    DATA.mkdir(exist_ok=True)
    path = DATA / f"sweep-{total}-{due}.db"
    if not path.exists():
        started = time.perf_counter()
        print(f"building {path.name} ({total:,} cases, {due:,} due)...", flush=True)
        build(path, total, due, _migrate)
        print(f"  built in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def _timed_run(pristine: Path, trace: bool, ticks: int = 0) -> tuple[float, list, int | None, list[float]]:
    """Run every sweep once as of AS_OF on a fresh copy of `pristine`, then `ticks` scheduler ticks a minute
    apart; return the first run's seconds, its results, peak bytes, and each tick's seconds."""
    from caseflow.clock import frozen_at
    from caseflow.extensions import db
    from caseflow.jobs import run_all

    work = pristine.with_name(pristine.stem + "-run.db")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(pristine, work)
    app = _app(f"sqlite:///{work}")
    with app.app_context(), frozen_at(AS_OF):
        _checked_an_hour_ago()  # the daily history check is bench.engine's verify figure: here it skips
        if trace:  # tracemalloc slows Python code down, so it is off for the timings unless asked for
            tracemalloc.start()
        started = time.perf_counter()
        with _batch_times() as batches:
            results = run_all(AS_OF, holder="bench")
        elapsed = time.perf_counter() - started
        if batches:
            print(f"  {len(batches)} batches fired, each one transaction (SQLite's write lock held): median "
                  f"{statistics.median(batches):.0f} ms, longest {max(batches):.0f} ms", flush=True)
        peak = tracemalloc.get_traced_memory()[1] if trace else None
        tracemalloc.stop()
    tick_times = _ticks(app, ticks)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return elapsed, results, peak, tick_times


@contextlib.contextmanager
def _batch_times():
    """Collect how long each batch the firing sweeps commit takes, from their debug log (caseflow.jobs.firing)."""
    times: list[float] = []

    class Collect(logging.Handler):
        def emit(self, record):
            if record.msg.endswith("in one transaction of %.1f ms"):
                times.append(record.args[-1])

    logger, handler = logging.getLogger("caseflow.jobs"), Collect(logging.DEBUG)
    kept = logger.level, logger.disabled, logger.propagate
    logger.addHandler(handler)
    # Alembic's logging set-up disables the loggers made before it; a line per batch is not for the console.
    logger.setLevel(logging.DEBUG)
    logger.disabled, logger.propagate = False, False
    try:
        yield times
    finally:
        logger.removeHandler(handler)
        logger.setLevel(kept[0])
        logger.disabled, logger.propagate = kept[1], kept[2]


def _ticks(app, count: int) -> list[float]:
    """Seconds of each of `count` scheduler ticks a minute apart after AS_OF: hold the lead, run every sweep."""
    from caseflow.clock import frozen_at
    from caseflow.extensions import db
    from caseflow.jobs import run_all
    from caseflow.jobs.leader import leadership_for

    times = []
    with app.app_context():
        leadership = leadership_for("bench", 180)
        for minute in range(1, count + 1):
            moment = AS_OF + dt.timedelta(minutes=minute)
            with frozen_at(moment):
                started = time.perf_counter()
                leadership.hold()
                run_all(moment, holder="bench", keep_going=leadership.hold)
                times.append(time.perf_counter() - started)
            db.session.remove()
    return times


def _checked_an_hour_ago() -> None:
    """Log a history check an hour before AS_OF, as the scheduler's daily one would have; connects too."""
    from caseflow.extensions import db
    from caseflow.models import SweepRun

    before = AS_OF - dt.timedelta(hours=1)
    db.session.add(SweepRun(sweep="history_check", holder="bench", as_of=before, started_at=before,
                            finished_at=before, summary="verified 0 chains, 0 records: intact; fired 0, notified 0, failed 0"))
    db.session.commit()


def main(argv: list[str]) -> None:
    """Build (or reuse) the databases and print the timings of a full sweep run."""
    parser = argparse.ArgumentParser(prog="python -m bench.sweep")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--trace-memory", action="store_true", help="Trace the run's peak Python memory (slower).")
    parser.add_argument("--ticks", type=int, default=9, help="Scheduler ticks timed after the run with none due.")
    parser.add_argument("--idle-only", action="store_true", help="Only the database with none due.")
    args = parser.parse_args(argv)
    for due, target in ((args.due, 10.0), (0, 0.1)):
        if due and args.idle_only:
            continue
        pristine = _database(args.cases, due)
        rss_before = _max_rss_mib()
        elapsed, results, peak, ticks = _timed_run(pristine, args.trace_memory, 0 if due else args.ticks)
        fired = sum(r.fired for r in results)
        failed = sum(r.failed for r in results)
        verdict = "ok" if elapsed < target else "SLOWER THAN TARGET"
        memory = f"peak traced memory {peak / 2**20:.1f} MiB" if peak is not None else \
            f"max RSS {_max_rss_mib():.0f} MiB (was {rss_before:.0f} MiB before the run)"
        print(f"{args.cases:,} cases, {due:,} due: all sweeps in {elapsed * 1000:,.0f} ms "
              f"(target < {target * 1000:,.0f} ms, {verdict}); fired {fired:,} "
              f"({fired / elapsed:,.0f}/s), failed {failed:,}; {memory}", flush=True)
        if ticks:
            verdict = "ok" if statistics.median(ticks) < 0.02 else "SLOWER THAN TARGET"
            print(f"  then {len(ticks)} scheduler ticks a minute apart, none due: median {statistics.median(ticks) * 1000:.1f} ms "
                  f"(target < 20 ms, {verdict}; ticks {', '.join(f'{t * 1000:.1f}' for t in ticks)} ms)", flush=True)


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main(sys.argv[1:])

"""Time one full run of every sweep over a million cases: with 10,000 due, and with none due."""
from __future__ import annotations

import argparse
import datetime as dt
import resource
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


def _timed_run(pristine: Path, trace: bool) -> tuple[float, list, int | None]:
    """Run every sweep once as of AS_OF on a fresh copy of `pristine`; return seconds, results, peak bytes."""
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
        results = run_all(AS_OF, holder="bench")
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if trace else None
        tracemalloc.stop()
        db.session.remove()
        db.engine.dispose()
    return elapsed, results, peak


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
    args = parser.parse_args(argv)
    for due, target in ((args.due, 10.0), (0, 0.1)):
        pristine = _database(args.cases, due)
        rss_before = _max_rss_mib()
        elapsed, results, peak = _timed_run(pristine, args.trace_memory)
        fired = sum(r.fired for r in results)
        failed = sum(r.failed for r in results)
        verdict = "ok" if elapsed < target else "SLOWER THAN TARGET"
        memory = f"peak traced memory {peak / 2**20:.1f} MiB" if peak is not None else \
            f"max RSS {_max_rss_mib():.0f} MiB (was {rss_before:.0f} MiB before the run)"
        print(f"{args.cases:,} cases, {due:,} due: all sweeps in {elapsed * 1000:,.0f} ms "
              f"(target < {target * 1000:,.0f} ms, {verdict}); fired {fired:,} "
              f"({fired / elapsed:,.0f}/s), failed {failed:,}; {memory}", flush=True)


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main(sys.argv[1:])

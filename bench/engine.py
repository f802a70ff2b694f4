"""Engine benchmark: durable transitions per second through the engine against two floors (the same
statements on the driver, and the raw two-statement floor: see bench/_floors.py), chain verification
time, and peak memory, on 100,000 cases (SQLite, and PostgreSQL when reachable).

    python -m bench.engine [--cases N] [--transitions N] [--sqlite-only]
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import resource
import sqlite3
import statistics
import time
import tracemalloc

from bench._data import DATA, bench_app, populate_active_cases, postgres_available, rebuild
from bench._floors import REVIEW, direct_rate, finish_checkpoint, raw_rate
from caseflow.extensions import db
from caseflow.models import User
from caseflow.workflow import Actor, current_workflow
from caseflow.workflow.chain import record_hash
from caseflow.workflow.chain_verify import verify_chains
from caseflow.workflow.step_data import canonical_json

#: Engine and floor runs alternate this many times; the medians are reported.
ROUNDS = 5


def _case_ids(n_cases: int, count: int, offset: int) -> list[int]:
    step = max(1, n_cases // count)
    return [1 + offset + i * step for i in range(count)]


def engine_rate(url: str, ids: list[int]) -> float:
    """Fire start_review then complete_review on each case, each in its own transaction; return per second."""
    app = bench_app(url)
    with app.app_context():
        wf = current_workflow()
        reviewer = Actor.of(db.session.get(User, 3))
        system = Actor.system("reviews_due")
        started = time.perf_counter()
        for case_id in ids:
            wf.fire(case_id, "start_review", system, {"reason": "Periodic review due."})
        for case_id in ids:
            wf.fire(case_id, "complete_review", reviewer, REVIEW)
        with db.engine.connect() as conn:
            finish_checkpoint(conn.connection.driver_connection, db.engine.dialect.name)
        elapsed = time.perf_counter() - started
        db.engine.dispose()
    return 2 * len(ids) / elapsed


def verify_time(url: str) -> tuple[float, int, int, int]:
    """Seconds to verify every chain, with the counts; then tracemalloc's peak bytes in a second, traced run."""
    app = bench_app(url)
    with app.app_context():
        started = time.perf_counter()
        result = verify_chains(db.session)
        elapsed = time.perf_counter() - started
        assert result.ok, result.broken
        db.session.rollback()
        gc.collect()
        tracemalloc.start()
        verify_chains(db.session)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        db.engine.dispose()
    return elapsed, result.cases, result.records, peak


def machine_calibration() -> str:
    """Two figures that tell machines apart, so rates measured on different days can be compared."""
    now = dt.datetime.now(dt.timezone.utc)
    started = time.perf_counter()
    for seq in range(20_000):
        record_hash(case_id=1, seq=seq, trigger="complete_review", from_state="under_review", to_state="active",
                    actor="reviewer@bench.test", at=now, data=canonical_json({"fields": REVIEW}), comment=None,
                    prev_hash="0" * 64)
    hashing_us = (time.perf_counter() - started) / 20_000 * 1e6
    path = DATA / "calibration.db"
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=NORMAL")
    raw.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    started = time.perf_counter()
    for _ in range(5_000):
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("INSERT INTO t (body) VALUES (?)", ("x" * 200,))
        raw.execute("COMMIT")
    commits = 5_000 / (time.perf_counter() - started)
    raw.close()
    return f"machine: hashing one history record {hashing_us:.1f} µs; one-row SQLite commits {commits:,.0f}/s"


def run(label: str, url: str, n_cases: int, n_fire: int) -> None:
    started = time.perf_counter()
    rebuild(url)
    populate_active_cases(url, n_cases)
    print(f"[{label}] built {n_cases:,} cases with {4 * n_cases:,} history records in {time.perf_counter() - started:.1f} s")
    # The build leaves hundreds of MB for the kernel to write back: flush it first, or the first
    # side timed would wait for the disk behind it.
    os.sync()
    # Verified before the transitions: the raw floor's records are not hashed as the engine's are.
    seconds, cases, records, peak = verify_time(url)
    print(f"[{label}] verify: {cases:,} chains, {records:,} records in {seconds:.2f} s "
          f"({records / seconds:,.0f} records/s); tracemalloc peak {peak / 2**20:.1f} MiB")
    # Engine and floors take turns, each round on cases of its own, so drift in the machine's speed
    # during the run falls on all alike; each reports its median round.
    per_round = max(1, n_fire // (2 * ROUNDS))
    sides = {"engine": engine_rate, "direct": direct_rate, "raw": raw_rate}
    runs = {name: [] for name in sides}
    for r in range(ROUNDS):
        for offset, (name, rate) in enumerate(sides.items()):
            runs[name].append(rate(url, _case_ids(n_cases, per_round // 2, len(sides) * r + offset)))
    tps = {name: statistics.median(rates) for name, rates in runs.items()}
    rounds = f"median of {ROUNDS} rounds of {2 * (per_round // 2):,} transitions, one transaction each"

    def listed(name):
        return f"rounds {', '.join(f'{x:,.0f}' for x in runs[name])}"

    print(f"[{label}] engine: {tps['engine']:,.0f} durable transitions/s ({rounds}; {listed('engine')})")
    print(f"[{label}] direct driver floor (the engine's statements): {tps['direct']:,.0f} transitions/s "
          f"({listed('direct')}); engine at {100 * tps['engine'] / tps['direct']:.0f} % of it")
    print(f"[{label}] raw floor (one UPDATE, one chained history INSERT): {tps['raw']:,.0f} transitions/s "
          f"({listed('raw')}); engine at {tps['engine'] / tps['raw']:.2f} of it")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--transitions", type=int, default=10_000)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args(argv)
    DATA.mkdir(exist_ok=True)
    print(machine_calibration())
    run("sqlite", f"sqlite:///{DATA / 'engine.db'}", args.cases, args.transitions)
    # Memory must stay flat in the number of cases: verify a tenth of the cases and compare peaks.
    run("sqlite small", f"sqlite:///{DATA / 'engine-small.db'}", args.cases // 10, args.transitions // 4)
    if not args.sqlite_only:
        url = postgres_available()
        if url:
            run("postgresql", url, args.cases, args.transitions)
    print(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()

"""Engine benchmark: durable transitions per second through the engine against the raw driver floor,
chain verification time, and peak memory, on 100,000 cases (SQLite, and PostgreSQL when reachable).

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

from sqlalchemy import create_engine

from bench._data import DATA, bench_app, populate_active_cases, postgres_available, rebuild
from caseflow.extensions import db
from caseflow.models import User
from caseflow.workflow import Actor, current_workflow
from caseflow.workflow.chain import record_hash
from caseflow.workflow.chain_verify import verify_chains
from caseflow.workflow.step_data import canonical_json

#: Engine and floor runs alternate this many times; the medians are reported.
ROUNDS = 5
REVIEW = {"progress": "on_track", "results": "On target.", "costs_benefits": "Within budget.", "recommendation": "Continue."}


def _case_ids(n_cases: int, count: int, offset: int) -> list[int]:
    step = max(1, n_cases // count)
    return [1 + offset + i * step for i in range(count)]


def _finish_checkpoint(driver_connection, dialect_name: str) -> None:
    """Copy what the run left in SQLite's write-ahead log into the database file, inside the timing.

    Commits copy the log back only every 1,000 pages; the pages still in the log when the run ends are
    work its transitions caused, so the rate includes them rather than leave them to whoever comes next.
    """
    if dialect_name == "sqlite":
        driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


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
            _finish_checkpoint(conn.connection.driver_connection, db.engine.dialect.name)
        elapsed = time.perf_counter() - started
        db.engine.dispose()
    return 2 * len(ids) / elapsed


def direct_rate(url: str, ids: list[int]) -> float:
    """The engine's database work for the same steps, sent through the raw DBAPI connection: the floor.

    Statement for statement what the engine writes: the case row under its version check (with the next
    review date when a review completes), the history record, the review opened or closed, and a notice
    to the owner and to the reviewer.
    """
    engine = create_engine(url)
    raw = engine.raw_connection()
    sqlite = engine.dialect.name == "sqlite"
    p = "?" if sqlite else "%s"
    cur = raw.cursor()
    update_case = (f"UPDATE cases SET state={p}, version={p}, history_seq={p}, history_head={p}, updated_at={p}, "
                   f"next_review_due={p} WHERE id={p} AND version={p}")
    insert_history = (f"INSERT INTO history_records (case_id, seq, trigger, from_state, to_state, actor, actor_user_id, "
                      f"at, data, comment, prev_hash, hash) VALUES ({', '.join([p] * 12)})")
    open_review = f"INSERT INTO reviews (case_id, due_on, opened_at, opened_by, reason) VALUES ({p}, {p}, {p}, {p}, {p})"
    close_review = (f"UPDATE reviews SET completed_at={p}, completed_by_id={p}, outcome={p}, progress={p}, "
                    f"recommendation={p} WHERE case_id={p} AND completed_at IS NULL")
    notify = (f"INSERT INTO notifications (user_id, case_id, kind, message, due_on, dedup_key, created_at, read_at, "
              f"emailed_at) VALUES ({', '.join([p] * 9)})")

    def transition(case_id, trigger, source, dest, actor, actor_id, data):
        cur.execute("BEGIN IMMEDIATE" if sqlite else "BEGIN")
        cur.execute(f"SELECT version, history_seq, history_head, state, owner_id, reviewer_id, title, next_review_due "
                    f"FROM cases WHERE id = {p}" + ("" if sqlite else " FOR UPDATE"), (case_id,))
        version, seq, head, state, owner, reviewer, title, review_due = cur.fetchone()
        assert state == source
        now = dt.datetime.now(dt.timezone.utc)
        naive = now.replace(tzinfo=None)
        next_due = (now.date() + dt.timedelta(days=91)) if trigger == "complete_review" else review_due
        changes = {"next_review_due": [str(review_due), next_due.isoformat()]} if trigger == "complete_review" else {}
        body = canonical_json({"fields": data, "changes": changes})
        digest = record_hash(case_id=case_id, seq=seq + 1, trigger=trigger, from_state=source, to_state=dest,
                             actor=actor, actor_user_id=actor_id, at=now, data=body, comment=None, prev_hash=head)
        cur.execute(update_case, (dest, version + 1, seq + 1, digest, naive, next_due, case_id, version))
        cur.execute(insert_history, (case_id, seq + 1, trigger, source, dest, actor, actor_id, naive, body, None, head,
                                     digest))
        if trigger == "start_review":
            cur.execute(open_review, (case_id, review_due, naive, actor, data["reason"]))
        else:
            cur.execute(close_review, (naive, actor_id, trigger, data["progress"], data["recommendation"], case_id))
        message = f"CF-{case_id:06d} {title}: {trigger} by {actor}; now {dest}."
        for user_id in sorted({owner, reviewer} - {None, actor_id}):
            cur.execute(notify, (user_id, case_id, f"transition:{trigger}", message, None,
                                 f"transition:{case_id}:{seq + 1}:{user_id}", naive, None, None))
        raw.commit() if not sqlite else cur.execute("COMMIT")

    started = time.perf_counter()
    for case_id in ids:
        transition(case_id, "start_review", "active", "under_review", "system:reviews_due", None,
                   {"reason": "Periodic review due."})
    for case_id in ids:
        transition(case_id, "complete_review", "under_review", "active", "reviewer3@bench.test", 3, REVIEW)
    _finish_checkpoint(raw.driver_connection, engine.dialect.name)
    elapsed = time.perf_counter() - started
    raw.close()
    engine.dispose()
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
    # Engine and floor take turns, each round on cases of its own, so drift in the machine's speed
    # during the run falls on both alike; each reports its median round.
    per_round = max(1, n_fire // (2 * ROUNDS))
    engine_runs, direct_runs = [], []
    for r in range(ROUNDS):
        engine_runs.append(engine_rate(url, _case_ids(n_cases, per_round // 2, 2 * r)))
        direct_runs.append(direct_rate(url, _case_ids(n_cases, per_round // 2, 2 * r + 1)))
    engine_tps, direct_tps = statistics.median(engine_runs), statistics.median(direct_runs)
    rounds = f"median of {ROUNDS} rounds of {2 * (per_round // 2):,} transitions, one transaction each"
    print(f"[{label}] engine: {engine_tps:,.0f} durable transitions/s ({rounds}; "
          f"rounds {', '.join(f'{x:,.0f}' for x in engine_runs)})")
    print(f"[{label}] direct driver floor: {direct_tps:,.0f} transitions/s (rounds {', '.join(f'{x:,.0f}' for x in direct_runs)}); "
          f"engine at {100 * engine_tps / direct_tps:.0f} % of it")
    seconds, cases, records, peak = verify_time(url)
    print(f"[{label}] verify: {cases:,} chains, {records:,} records in {seconds:.2f} s "
          f"({records / seconds:,.0f} records/s); tracemalloc peak {peak / 2**20:.1f} MiB")


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

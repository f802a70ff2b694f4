"""The floors bench.engine measures the engine against, on the same database and the same rows.

- the direct driver floor: statement for statement what the engine writes, through SQLAlchemy's pooled
  DBAPI connection but none of its execution machinery;
- the raw floor: the least a chained history can cost, one UPDATE of the case and one chained history
  INSERT per transition (after reading the case's head to chain to), on the bare driver (sqlite3 or
  psycopg), without SQLAlchemy at all.

Both commit each transition on its own, as the engine does; on SQLite they checkpoint the log in their
commits every 4,096 pages, and both copy what is left in it into the file inside the timing.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import time

from sqlalchemy import create_engine

from caseflow.wal import DEFAULT_AUTOCHECKPOINT_PAGES as FLOOR_CHECKPOINT_PAGES
from caseflow.workflow.chain import record_hash
from caseflow.workflow.step_data import canonical_json

REVIEW = {"progress": "on_track", "results": "On target.", "costs_benefits": "Within budget.", "recommendation": "Continue."}
#: The steps each side takes on its cases: (trigger, from, to, actor, actor's user id, data).
STEPS = (("start_review", "active", "under_review", "system:reviews_due", None, {"reason": "Periodic review due."}),
         ("complete_review", "under_review", "active", "reviewer3@bench.test", 3, REVIEW))


def finish_checkpoint(driver_connection, dialect_name: str) -> None:
    """Copy what the run left in SQLite's write-ahead log into the database file, inside the timing.

    The pages still in the log when the run ends are work its transitions caused, so the rate includes
    them rather than leave them to whoever comes next.
    """
    if dialect_name == "sqlite":
        driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


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
    if sqlite:
        cur.execute(f"PRAGMA wal_autocheckpoint={FLOOR_CHECKPOINT_PAGES}")
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
    finish_checkpoint(raw.driver_connection, engine.dialect.name)
    elapsed = time.perf_counter() - started
    raw.close()
    engine.dispose()
    return 2 * len(ids) / elapsed


def raw_rate(url: str, ids: list[int]) -> float:
    """The raw floor: per transition the case's head read, one UPDATE and one chained INSERT; return per second."""
    sqlite = url.startswith("sqlite")
    if sqlite:
        conn = sqlite3.connect(url[len("sqlite:///"):], isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON",
                       f"wal_autocheckpoint={FLOOR_CHECKPOINT_PAGES}"):
            conn.execute(f"PRAGMA {pragma}")
    else:
        import psycopg

        conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1))
    p, lock = ("?", "") if sqlite else ("%s", " FOR UPDATE")
    read_head = f"SELECT history_seq, history_head FROM cases WHERE id = {p}{lock}"
    move = (f"UPDATE cases SET state = {p}, version = version + 1, history_seq = {p}, history_head = {p}, "
            f"updated_at = {p} WHERE id = {p}")
    append = (f"INSERT INTO history_records (case_id, seq, trigger, from_state, to_state, actor, actor_user_id, at, "
              f"data, comment, prev_hash, hash) VALUES ({', '.join([p] * 12)})")
    cur = conn.cursor()
    started = time.perf_counter()
    for trigger, source, dest, actor, actor_id, data in STEPS:
        body = json.dumps({"fields": data, "changes": {}}, sort_keys=True, separators=(",", ":"))
        for case_id in ids:
            if sqlite:
                cur.execute("BEGIN IMMEDIATE")
            cur.execute(read_head, (case_id,))
            seq, head = cur.fetchone()
            at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
            digest = hashlib.sha256(f"{head}|{case_id}|{seq + 1}|{trigger}|{at.isoformat()}|{body}".encode()).hexdigest()
            cur.execute(move, (dest, seq + 1, digest, at, case_id))
            cur.execute(append, (case_id, seq + 1, trigger, source, dest, actor, actor_id, at, body, None, head, digest))
            cur.execute("COMMIT") if sqlite else conn.commit()
    finish_checkpoint(conn, "sqlite" if sqlite else "postgresql")
    elapsed = time.perf_counter() - started
    conn.close()
    return len(STEPS) * len(ids) / elapsed

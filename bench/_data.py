"""Build benchmark databases quickly: migrated schema, then bulk inserts through SQLAlchemy Core."""
from __future__ import annotations

import datetime as dt
import os
import random
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, insert, text

from caseflow import create_app
from caseflow.config import normalize_database_url
from caseflow.extensions import db
from caseflow.models import Case, HistoryRecord, Organisation, User
from caseflow.workflow.chain import record_hash
from caseflow.workflow.step_data import canonical_json

DATA = Path(__file__).parent / "data"
POSTGRES_URL = normalize_database_url(
    os.environ.get("CASEFLOW_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/caseflow_bench"))
START = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.timezone.utc)
#: The hash format the built records use (CASEFLOW_BENCH_HASH_FORMAT=1 builds a database as older caseflows did).
HASH_FORMAT = int(os.environ.get("CASEFLOW_BENCH_HASH_FORMAT", "2"))
#: The columns each step of the built cases sets.
STEP_COLUMNS = {
    "propose": ("title", "partner_id", "objectives", "results_for_children", "cooperation_form", "resources", "amount",
                "currency", "office", "owner_id", "proposed_by_id", "proposed_start", "proposed_end"),
    "vet": ("reviewer_id",),
    "agree": ("agreement_type", "agreement_reference", "agreement_signed_on", "agreement_recorded_by_id",
              "exit_deadline", "review_interval_months", "exit_conditions"),
    "activate": ("actual_start", "next_review_due"),
}


def bench_app(url: str):
    """An app on the benchmark database, without the reachability check's noise."""
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "CASEFLOW_ENV": "bench",
                       "RATELIMIT_ENABLED": False})


def postgres_available() -> str | None:
    """Create the benchmark database if missing; return None with a reason printed when PostgreSQL is absent."""
    admin_url = POSTGRES_URL.rsplit("/", 1)[0] + "/postgres"
    name = POSTGRES_URL.rsplit("/", 1)[1]
    try:
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            if not conn.execute(text("select 1 from pg_database where datname = :n"), {"n": name}).first():
                conn.execute(text(f'create database "{name}"'))
        engine.dispose()
        return POSTGRES_URL
    except Exception as exc:  # noqa: BLE001 - any failure means: no PostgreSQL here
        print(f"PostgreSQL part skipped: {str(exc).splitlines()[0]}")
        return None


def rebuild(url: str) -> None:
    """Drop everything and build the schema by the migrations."""
    from flask_migrate import upgrade

    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url[len("sqlite:///"):] + suffix).unlink(missing_ok=True)
    else:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    app = bench_app(url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


def populate_active_cases(url: str, n_cases: int, chunk: int = 10_000) -> None:
    """Fill the database with users, partners and `n_cases` active cases, each with a valid 4-record chain."""
    rng = random.Random(42)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(insert(User.__table__), [
            {"id": i, "email": f"{role}{i}@bench.test", "name": f"{role} {i}", "role": role, "office": "Geneva",
             "password_hash": "x", "is_active_user": True, "created_at": START.replace(tzinfo=None)}
            for i, role in enumerate(["officer", "reviewer", "reviewer", "auditor", "admin"], start=1)])
        conn.execute(insert(Organisation.__table__), [
            {"id": i, "name": f"Partner {i}", "type": "national_ngo", "country": "Kenya", "level": "country",
             "sanctions_flag": False, "reputational_flag": False, "created_at": START.replace(tzinfo=None)}
            for i in range(1, 1001)])
    steps = [("propose", None, "proposed", "officer1@bench.test", 1), ("vet", "proposed", "vetted", "reviewer2@bench.test", 2),
             ("agree", "vetted", "agreed", "officer1@bench.test", 1), ("activate", "agreed", "active", "system:activation", None)]
    for first in range(1, n_cases + 1, chunk):
        cases, records = [], []
        for case_id in range(first, min(first + chunk, n_cases + 1)):
            start = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(300))
            case = {
                "id": case_id, "title": f"Partnership {case_id}", "partner_id": rng.randrange(1, 1001),
                "objectives": "Objectives", "results_for_children": "Results", "cooperation_form": "formal_partnership",
                "resources": "cash", "amount": Decimal("5000.00"), "currency": "USD",
                "office": rng.choice(["Geneva", "Nairobi", "Dakar"]), "owner_id": 1, "proposed_by_id": 1,
                "reviewer_id": 2, "state": "active", "version": 4, "proposed_start": start,
                "proposed_end": start + dt.timedelta(days=730), "actual_start": start,
                "next_review_due": start + dt.timedelta(days=90), "exit_deadline": start + dt.timedelta(days=730),
                "review_interval_months": 3, "agreement_type": "pca", "agreement_reference": f"PCA/{case_id}",
                "agreement_signed_on": start - dt.timedelta(days=10), "exit_conditions": "Targets missed twice.",
                "agreement_recorded_by_id": 1, "history_seq": 4}
            # Each step's record carries the columns it set, as the engine writes them: verify rebuilds the
            # case from them.
            set_by = [STEP_COLUMNS[trigger] for trigger, *_ in steps]
            prev = None
            for seq, ((trigger, source, dest, actor, actor_id), columns) in enumerate(zip(steps, set_by), start=1):
                at = START + dt.timedelta(days=seq, seconds=case_id)
                data = canonical_json({"fields": {}, "changes": {c: [None, case[c]] for c in columns}})
                digest = record_hash(case_id=case_id, seq=seq, trigger=trigger, from_state=source, to_state=dest,
                                     actor=actor, actor_user_id=actor_id, at=at, data=data, comment=None,
                                     prev_hash=prev, fmt=HASH_FORMAT)
                records.append({"case_id": case_id, "seq": seq, "trigger": trigger, "from_state": source,
                                "to_state": dest, "actor": actor, "actor_user_id": actor_id,
                                "at": at.replace(tzinfo=None), "data": data, "comment": None, "prev_hash": prev,
                                "hash": digest})
                prev = digest
                case["created_at"] = case.get("created_at") or at.replace(tzinfo=None)
                case["updated_at"] = at.replace(tzinfo=None)
            case["history_head"] = prev
            cases.append(case)
        with engine.begin() as conn:
            conn.execute(insert(Case.__table__), cases)
            conn.execute(insert(HistoryRecord.__table__), records)
    engine.dispose()

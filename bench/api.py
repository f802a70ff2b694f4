"""How fast the API lists, filters and reads cases over a large SQLite database.

python -m bench.api [--cases N] [--rounds R]: builds bench/data/api-<N>.db once (bulk inserts through
the raw driver), then times the real endpoints through the Flask test client and prints medians.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import statistics
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
STATES = ("proposed", "vetted", "agreed", "active", "under_review", "exiting", "discontinued")
QUERIES = {
    "list, newest first": "/api/v1/cases",
    "list, state=active, sort=next_review_due": "/api/v1/cases?state=active&sort=next_review_due",
    "list, q=water (title or partner)": "/api/v1/cases?q=water",
    "list, partner_type + due_before": "/api/v1/cases?partner_type=company&due_before=2027-01-01",
    "list, page 200 (offset 5000)": "/api/v1/cases?offset=5000",
    "queue": "/api/v1/queue",
    "one case with allowed triggers": "/api/v1/cases/{case_id}",
    "partners, q=foundation": "/api/v1/partners?q=foundation",
}


def _build(path: Path, cases: int) -> None:
    """Create the schema with the migrations, then bulk-insert partners, users and cases."""
    from flask_migrate import upgrade

    from caseflow import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
    rng, now = random.Random(7), dt.datetime(2026, 6, 1)
    conn = sqlite3.connect(path)
    words = ("water", "schools", "birth registration", "nutrition", "media", "vaccines", "sanitation")
    conn.executemany("INSERT INTO organisations (name, name_key, type, country, level, sanctions_flag, reputational_flag,"
                     " created_at) VALUES (?1, lower(?1), ?2, 'Liberia', 'country', 0, 0, ?3)",
                     [(f"{rng.choice(['Foundation', 'Company', 'Network'])} {i}",
                       rng.choice(["foundation", "company", "national_ngo"]), now) for i in range(cases // 10)])
    conn.execute("INSERT INTO users (email, name, role, office, password_hash, is_active_user, created_at)"
                 " VALUES ('auditor@bench.test', 'Auditor', 'auditor', 'Monrovia', 'x', 1, ?)", (now,))
    rows = []
    for i in range(cases):
        state = rng.choice(STATES)
        due = (now.date() + dt.timedelta(days=rng.randint(-200, 400))) if state in ("active", "under_review") else None
        created = now - dt.timedelta(minutes=i)
        rows.append((f"{rng.choice(words).capitalize()} programme {i}", rng.randint(1, cases // 10),
                     "formal_partnership", "none", "Monrovia", 1, state, 3, due, created, created))
    conn.executemany("INSERT INTO cases (title, partner_id, cooperation_form, resources, office, owner_id, state,"
                     " version, history_seq, next_review_due, created_at, updated_at)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)", rows)
    conn.commit()
    conn.close()


def main(argv: list[str]) -> None:
    """Build or reuse the database and print the median time of each request."""
    options = argparse.ArgumentParser(prog="python -m bench.api")
    options.add_argument("--cases", type=int, default=50_000)
    options.add_argument("--rounds", type=int, default=15)
    args = options.parse_args(argv)
    DATA.mkdir(exist_ok=True)
    path = DATA / f"api-{args.cases}.db"
    if not path.exists():
        started = time.perf_counter()
        _build(path, args.cases)
        print(f"built {path.name} with {args.cases} cases in {time.perf_counter() - started:.1f} s")

    from caseflow import create_app
    from caseflow.api import tokens
    from caseflow.extensions import db
    from caseflow.models import User

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        secret = tokens.issue(db.session.get(User, 1), "bench")[1]
    client, headers = app.test_client(), {"Authorization": f"Bearer {secret}"}
    for label, url in QUERIES.items():
        url = url.format(case_id=args.cases // 2)
        timings = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True))
        total = response.json.get("total", "")
        print(f"{label:44} median {statistics.median(timings):7.1f} ms  (total {total})")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])

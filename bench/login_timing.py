"""Whether the sign-in's answer time tells who has an account.

python -m bench.login_timing [--rounds N]: signs in N times with a known e-mail and a wrong password and
N times with an unknown e-mail, alternating, through the real /login view on a fresh SQLite database;
prints the two medians and their ratio (about 1.0 when both pay for one password check).
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def _app(path: Path):
    from caseflow import create_app

    # Failures never hold this account back here: the bench measures the password check, not the wait.
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench", "TESTING": True,
                       "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "CASEFLOW_ENV": "testing",
                       "CASEFLOW_SIGN_IN_FREE_FAILURES": 10**9})


def _time_post(client, email: str) -> float:
    began = time.perf_counter()
    response = client.post("/login", data={"email": email, "password": "not the password"})
    elapsed = (time.perf_counter() - began) * 1000
    assert response.status_code == 401, response.status_code
    return elapsed


def main(argv: list[str]) -> None:
    """Time failed sign-ins for a known and an unknown e-mail; print the medians and their ratio."""
    parser = argparse.ArgumentParser(prog="python -m bench.login_timing")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)
    from flask import g
    from flask_migrate import upgrade

    from caseflow.admin.service import create_user
    from caseflow.extensions import db

    with tempfile.TemporaryDirectory() as folder:
        app = _app(Path(folder) / "timing.db")
        with app.app_context():
            upgrade()
            create_user("known@bench.test", "officer", "the right password")
            client = app.test_client()
            _time_post(client, "warm-up@bench.test")  # the stand-in hash is made on first use
            known, unknown = [], []
            for _ in range(args.rounds):
                g.pop("_login_user", None)
                known.append(_time_post(client, "known@bench.test"))
                unknown.append(_time_post(client, "nobody@bench.test"))
            db.session.remove()
            db.engine.dispose()
    known_ms, unknown_ms = statistics.median(known), statistics.median(unknown)
    print(f"{known_ms:8.1f} ms  median  known e-mail, wrong password ({args.rounds} sign-ins)")
    print(f"{unknown_ms:8.1f} ms  median  unknown e-mail ({args.rounds} sign-ins)")
    print(f"{unknown_ms / known_ms:8.2f}     ratio unknown / known (1.00 = the clock tells nothing)")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])

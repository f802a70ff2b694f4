"""A web worker in a process of its own, for the limiter storage tests (spawned, so it must be importable)."""
from __future__ import annotations


def failed_sign_ins_in_process(url: str, storage_uri: str, key_prefix: str, attempts: int, results) -> None:
    """Build an app as one gunicorn worker would, fail to sign in `attempts` times, and report the status codes."""
    from caseflow import create_app
    from caseflow.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test", "CASEFLOW_ENV": "testing",
                      "TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True,
                      "RATELIMIT_STORAGE_URI": storage_uri, "RATELIMIT_KEY_PREFIX": key_prefix,
                      "CASEFLOW_LOGIN_LIMIT": "3 per minute"})
    with app.app_context():
        client = app.test_client()
        try:
            results.put([client.post("/login", data={"email": "nobody@example.org", "password": "x"},
                                     environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code
                         for _ in range(attempts)])
        finally:
            db.session.remove()
            db.engine.dispose()

"""A writer in a process of its own, for the concurrency tests (spawned, so it must be importable)."""
from __future__ import annotations


def outcome_of_firing(case_id: int, trigger: str, actor, data: dict, version: int | None) -> str:
    """Fire once in the current app context; return 'won', 'conflict' or the unexpected error's repr."""
    from caseflow.workflow import Conflict, current_workflow

    try:
        current_workflow().fire(case_id, trigger, actor, data, expected_version=version)
        return "won"
    except Conflict:
        return "conflict"
    except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
        return repr(exc)


def fire_in_process(url: str, case_id: int, trigger: str, email: str, data: dict, version: int | None,
                    barrier, results) -> None:
    """Build an app on `url`, wait for the others, fire once, and report 'won', 'conflict' or the error."""
    from caseflow import create_app
    from caseflow.extensions import db
    from caseflow.models import User
    from caseflow.workflow import Actor

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test", "CASEFLOW_ENV": "testing"})
    with app.app_context():
        actor = Actor.of(db.session.query(User).filter_by(email=email).one())
        db.session.commit()
        barrier.wait(timeout=60)
        try:
            results.put(outcome_of_firing(case_id, trigger, actor, data, version))
        finally:
            db.session.remove()
            db.engine.dispose()

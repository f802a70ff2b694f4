"""A writer in a process of its own, for the concurrency tests (spawned, so it must be importable)."""
from __future__ import annotations


def fire_in_process(url: str, case_id: int, trigger: str, email: str, data: dict, version: int | None,
                    barrier, results) -> None:
    """Build an app on `url`, wait for the others, fire once, and report 'won', 'conflict' or the error."""
    from caseflow import create_app
    from caseflow.extensions import db
    from caseflow.models import User
    from caseflow.workflow import Actor, Conflict, current_workflow

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test", "CASEFLOW_ENV": "testing"})
    with app.app_context():
        actor = Actor.of(db.session.query(User).filter_by(email=email).one())
        db.session.commit()
        barrier.wait(timeout=60)
        try:
            current_workflow().fire(case_id, trigger, actor, data, expected_version=version)
            results.put("won")
        except Conflict:
            results.put("conflict")
        except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
            results.put(repr(exc))
        finally:
            db.session.remove()
            db.engine.dispose()

"""A case the engine refuses is logged and skipped; the sweep goes on with the others."""
from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import select

from caseflow.extensions import db
from caseflow.models import Case, Organisation, SweepRun
from caseflow.workflow import load_workflow
from tests.scheduler.conftest import at, history


def _workflow_guarding_reviews(app, tmp_path) -> Path:
    """The partnership workflow with one more invariant: no case is under review while its partner is flagged."""
    text = Path(app.config["CASEFLOW_WORKFLOW"]).read_text()
    old = "    label: Under review\n    invariants: ["
    assert old in text
    path = tmp_path / "guarded.yaml"
    path.write_text(text.replace(old, old + "partner_not_flagged, "))
    return path


def test_a_refused_case_is_skipped_and_the_others_fire(app, cases, sweep, monkeypatch, tmp_path, caplog):
    # Alembic's logging set-up (run by the test database's migration) disables loggers made before it.
    monkeypatch.setattr(logging.getLogger("caseflow.jobs"), "disabled", False)
    monkeypatch.setitem(app.extensions, "caseflow.workflow", load_workflow(_workflow_guarding_reviews(app, tmp_path)))
    partners = [Organisation(name=f"Partner {n}", type="national_ngo", country="Liberia", level="country")
                for n in range(3)]
    db.session.add_all(partners)
    db.session.commit()
    due = [cases.in_state("active", at=at(2027, 1, 1), partner=partner) for partner in partners]
    partners[1].sanctions_flag = True  # found on a sanctions list after the partnership began
    db.session.commit()

    result = sweep(at(2027, 4, 5), "reviews_due")["reviews_due"]

    assert (result.fired, result.failed) == (2, 1)
    assert [db.session.get(Case, c.id).state for c in due] == ["under_review", "active", "under_review"]
    assert history(due[1].id)[-1][0] == "activate"
    run = db.session.scalar(select(SweepRun).where(SweepRun.sweep == "reviews_due"))
    assert (run.fired, run.failed) == (2, 1) and run.finished_at is not None
    assert f"{due[1].reference}: The partner carries a blocking flag" in run.summary
    assert f"start_review on {due[1].reference} refused" in caplog.text

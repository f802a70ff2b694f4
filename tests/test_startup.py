"""serve, scheduler, sweep and gunicorn refuse a definition that lacks the stored cases' states or the code's names."""
from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from caseflow import ROOT, create_app
from caseflow.cli import serve as serve_module
from caseflow.extensions import db
from caseflow.workflow.definition_loader import load_definition
from caseflow.workflow.effects import EFFECTS
from caseflow.workflow.guards import GUARDS
from caseflow.workflow.startup import CODE_STATES, CODE_TRIGGERS, code_problems
from tests.conftest import _test_config

DEFINITION = ROOT / "workflows" / "partnership.yaml"


def renamed_copy(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the partnership definition with the state (or trigger) `old` called `new` everywhere."""
    path = tmp_path / "renamed.yaml"
    path.write_text(re.sub(rf"\b{old}\b", new, DEFINITION.read_text()))
    return path


def put_in_stale_state(case_id: int, state: str) -> None:
    """Leave a case in a state from an older definition, as a changed definition would find it."""
    db.session.execute(text("UPDATE cases SET state = :state WHERE id = :id"), {"state": state, "id": case_id})
    db.session.commit()


@pytest.fixture
def no_serving(monkeypatch):
    """Record instead of serving, so that a `serve` which wrongly starts returns instead of running forever."""
    served = []
    monkeypatch.setattr(serve_module, "run_simple", lambda *args, **kwargs: served.append(args))
    return served


class _Runner:
    """A CLI runner for an app of its own (commands otherwise use the app whose context is active)."""

    def __init__(self, app):
        self.app = app

    def invoke(self, args):
        with self.app.app_context():
            try:
                return self.app.test_cli_runner().invoke(args=args)
            finally:
                db.session.remove()
                db.engine.dispose()


def runner_with(database_url, tmp_path, definition: Path, **config) -> _Runner:
    return _Runner(create_app(_test_config(database_url, UPLOAD_FOLDER=str(tmp_path / "uploads"),
                                           CASEFLOW_WORKFLOW=str(definition), **config)))


def one_error_line(result) -> str:
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


def test_serve_refuses_a_definition_with_a_state_renamed_under_stored_cases(app, database_url, tmp_path, cases,
                                                                           no_serving):
    cases.in_state("exiting")
    cases.in_state("exiting")
    cases.in_state("active")
    renamed = renamed_copy(tmp_path, "exiting", "winding_down")
    result = runner_with(database_url, tmp_path, renamed).invoke(args=["serve", "--no-scheduler"])
    assert result.exit_code == 1 and not no_serving
    line = one_error_line(result)
    assert "2 cases in exiting" in line and "lacks the states exiting" in line and str(renamed) in line
    assert "active" not in line.split(":", 2)[-1].replace("--allow-unknown-states", "")


@pytest.mark.parametrize("command", [["serve", "--no-scheduler"], ["scheduler", "--interval", "1"], ["sweep"]])
def test_each_long_running_command_refuses_cases_in_unknown_states_unless_allowed(app, database_url, tmp_path, cases,
                                                                                 no_serving, monkeypatch, command):
    monkeypatch.setattr("caseflow.jobs.scheduler.run_scheduler", lambda *args: None)
    put_in_stale_state(cases.in_state("active").id, "paused")
    put_in_stale_state(cases.in_state("active").id, "paused")
    put_in_stale_state(cases.in_state("proposed").id, "on_hold")
    runner = runner_with(database_url, tmp_path, DEFINITION)
    refused = runner.invoke(args=command)
    assert refused.exit_code == 1
    line = one_error_line(refused)
    assert "1 case in on_hold, 2 cases in paused" in line and "--allow-unknown-states" in line

    allowed = runner.invoke(args=[*command, "--allow-unknown-states"])
    assert allowed.exit_code == 0, allowed.output
    assert "starting as asked although 1 case in on_hold, 2 cases in paused" in allowed.output
    by_setting = runner_with(database_url, tmp_path, DEFINITION, CASEFLOW_ALLOW_UNKNOWN_STATES=True).invoke(args=command)
    assert by_setting.exit_code == 0, by_setting.output


def test_serve_starts_when_every_stored_state_is_in_the_definition(app, runner, cases, no_serving):
    cases.in_state("active")
    result = runner.invoke(args=["serve", "--no-scheduler"])
    assert result.exit_code == 0, result.output
    assert len(no_serving) == 1


def test_the_real_serve_process_exits_non_zero_with_one_line(app, database_url, tmp_path, cases):
    if not database_url.startswith("sqlite"):
        pytest.skip("one process test is enough; the command's check runs on PostgreSQL above")
    cases.in_state("under_review")
    renamed = renamed_copy(tmp_path, "under_review", "in_review")
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
           "CASEFLOW_INSTANCE_PATH": str(tmp_path), "CASEFLOW_WORKFLOW": str(renamed)}
    done = subprocess.run([sys.executable, "-m", "caseflow.cli", "serve", "--port", "0"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout == "" and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "1 case in under_review" in done.stderr


def test_a_definition_without_a_trigger_the_code_fires_is_refused(app, database_url, tmp_path, no_serving):
    renamed = renamed_copy(tmp_path, "start_review", "open_a_review")
    definition = load_definition(renamed, set(GUARDS), set(EFFECTS))
    assert code_problems(definition) == ["it lacks the triggers start_review that caseflow's code fires"]
    result = runner_with(database_url, tmp_path, renamed).invoke(args=["sweep"])
    assert result.exit_code == 1 and "start_review" in one_error_line(result)


def _named_literals(names: set[str]) -> dict[str, set[str]]:
    """Every string literal in caseflow/ and templates/ that is exactly one of `names` -> the files naming it."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / "caseflow").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and node.value in names:
                found.setdefault(node.value, set()).add(str(path.relative_to(ROOT)))
    for path in (ROOT / "templates").rglob("*.html"):
        for name in re.findall(r"""["']([a-z_]+)["']""", path.read_text()):
            if name in names:
                found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def test_the_states_and_triggers_the_code_names_are_the_ones_checked_at_start_up():
    definition = load_definition(DEFINITION, set(GUARDS), set(EFFECTS))
    states = _named_literals(set(definition.states))
    triggers = _named_literals(set(definition.transitions))
    # What the code names is checked at start-up; what it no longer names is not demanded of a definition.
    assert set(states) == CODE_STATES, states
    assert set(triggers) == CODE_TRIGGERS, triggers
    assert code_problems(definition) == []


def test_gunicorn_refuses_too_with_one_line(app, database_url, tmp_path, cases):
    if not database_url.startswith("sqlite"):
        pytest.skip("one process test is enough; the check itself runs on PostgreSQL above")
    cases.in_state("vetted")
    renamed = renamed_copy(tmp_path, "vetted", "cleared")
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
           "CASEFLOW_INSTANCE_PATH": str(tmp_path), "CASEFLOW_WORKFLOW": str(renamed)}
    done = subprocess.run([sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("caseflow: refusing to start") and "1 case in vetted" in last
    assert "Traceback" not in done.stderr

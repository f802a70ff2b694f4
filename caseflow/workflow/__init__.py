"""The workflow: its definition as data, its one machine, and the engine that fires triggers."""
from __future__ import annotations

from pathlib import Path

from flask import current_app

from caseflow.config import ConfigError
from caseflow.workflow import integrity  # noqa: F401 - refuses ORM writes around the engine
from caseflow.workflow.actor import Actor
from caseflow.workflow.definition import DefinitionError
from caseflow.workflow.definition_loader import load_definition
from caseflow.workflow.effects import EFFECTS
from caseflow.workflow.engine import ImportRow, Workflow
from caseflow.workflow.writing import Outcome
from caseflow.workflow.errors import CaseNotFound, Conflict, GuardFailed, InvalidData, NotAllowed, WorkflowError
from caseflow.workflow.guards import GUARDS
from caseflow.workflow.invariants import INVARIANTS

__all__ = ["Actor", "CaseNotFound", "Conflict", "GuardFailed", "ImportRow", "InvalidData", "NotAllowed", "Outcome",
           "Workflow", "WorkflowError", "current_workflow", "init_app", "load_workflow"]

_loaded: dict[tuple[str, float], Workflow] = {}


def load_workflow(path: str | Path) -> Workflow:
    """Load and validate the definition at `path` once per process, with its one machine."""
    path = Path(path).resolve()
    key = (str(path), path.stat().st_mtime if path.exists() else 0.0)
    if key not in _loaded:
        _loaded[key] = Workflow(load_definition(path, set(GUARDS), set(EFFECTS), set(INVARIANTS)))
    return _loaded[key]


def init_app(app) -> None:
    """Load the app's workflow at start-up; a broken definition stops the app with one line."""
    try:
        app.extensions["caseflow.workflow"] = load_workflow(app.config["CASEFLOW_WORKFLOW"])
    except DefinitionError as exc:
        raise ConfigError(str(exc)) from None


def current_workflow() -> Workflow:
    """The workflow of the current app."""
    return current_app.extensions["caseflow.workflow"]

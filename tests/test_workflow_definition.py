"""The workflow definition loads, validates, and refuses broken variants naming the line."""
from __future__ import annotations

from pathlib import Path

import pytest

from caseflow import create_app
from caseflow.config import ConfigError
from caseflow.models import Case
from caseflow.workflow import load_workflow
from caseflow.workflow.definition import TIMER_DEFAULTS, DefinitionError
from caseflow.workflow.definition_loader import load_definition
from caseflow.workflow.effects import EFFECTS
from caseflow.workflow.guards import GUARDS

DEFINITION = Path(__file__).resolve().parent.parent / "workflows" / "partnership.yaml"


def _broken(tmp_path, old: str, new: str) -> Path:
    text = DEFINITION.read_text()
    assert old in text, old
    path = tmp_path / "broken.yaml"
    path.write_text(text.replace(old, new, 1))
    return path


def _load(path):
    return load_definition(path, set(GUARDS), set(EFFECTS))


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if needle in line)


def test_the_partnership_definition_loads_with_every_state_and_trigger():
    definition = _load(DEFINITION)
    assert list(definition.states) == ["proposed", "vetted", "agreed", "active", "under_review", "exiting", "discontinued"]
    assert set(definition.transitions) == {"propose", "vet", "reject", "agree", "activate", "amend", "start_review",
                                           "complete_review", "begin_exit", "discontinue", "reassign",
                                           "request_release", "approve_release", "reject_release"}
    assert definition.creating_trigger.trigger == "propose"
    assert {t.trigger for t in definition.transitions.values() if t.system} == {"activate", "start_review", "begin_exit"}
    assert definition.terminal == {"discontinued"}


def test_no_trigger_is_named_like_a_case_column_or_relationship():
    reserved = set(Case.__table__.columns.keys()) | set(Case.__mapper__.relationships.keys())
    assert not reserved & set(_load(DEFINITION).transitions)


@pytest.mark.parametrize("old, new, message", [
    ("    source: [proposed]\n    dest: vetted", "    source: [proposd]\n    dest: vetted", "unknown source state 'proposd'"),
    ("    dest: exiting\n", "    dest: leaving\n", "unknown destination state 'leaving'"),
    ("    guards: [amendment_changes_something]", "    guards: [amendment_is_nice]", "guard 'amendment_is_nice' does not exist"),
    ("    effects: [open_review]", "    effects: [ring_a_bell]", "effect 'ring_a_bell' does not exist"),
    ("    form: reject\n", "", "trigger 'reject' has no form"),
    ("    form: amend\n", "    form: amendment\n", "form 'amendment' is not defined"),
    ("  - trigger: amend", "  - trigger: title", "has the name of a case column"),
    ("    roles: [officer]\n    form: amend", "    roles: [auditor]\n    form: amend", "forbidden roles"),
    # The repeating-rows field type (the agreement's budget): bounded, flat, and from known choices.
    ("        max_rows: 40\n", "        max_rows: 400\n", "max_rows of 'budget' must be a whole number from 1 to 50"),
    ("        max_rows: 24\n", "        max_rows: 0\n", "max_rows of 'instalments' must be a whole number"),
    ("          - {name: party, type: choice,", "          - {name: party, type: rows,", "unknown field type 'rows' in a row"),
    ("choices: contribution_kinds}", "choices: contribution_kind}", "unknown choice list 'contribution_kind'"),
])
def test_a_broken_definition_is_refused_naming_the_line(tmp_path, old, new, message):
    path = _broken(tmp_path, old, new)
    with pytest.raises(DefinitionError, match=message) as refused:
        _load(path)
    assert str(refused.value).startswith(f"{path} line ")


def test_an_unreachable_state_is_named_with_its_line(tmp_path):
    path = _broken(tmp_path, "  - name: discontinued\n", "  - {name: limbo}\n  - name: discontinued\n")
    with pytest.raises(DefinitionError) as refused:
        _load(path)
    assert str(refused.value) == f"{path} line {_line_of(path, 'name: limbo')}: state 'limbo' cannot be reached by any transition"


def test_a_broken_definition_stops_the_app_with_one_line(tmp_path):
    path = _broken(tmp_path, "    dest: exiting\n", "    dest: leaving\n")
    with pytest.raises(ConfigError) as stopped:
        create_app({"CASEFLOW_WORKFLOW": str(path), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
                    "SECRET_KEY": "x", "CHECK_DATABASE_ON_START": False})
    assert "unknown destination state 'leaving'" in str(stopped.value.code)
    assert "\n" not in str(stopped.value.code)


def test_the_loader_refuses_python_tags(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("name: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(DefinitionError, match="cannot read"):
        _load(path)


def test_one_machine_per_definition_shared_by_every_app(tmp_path):
    first = load_workflow(DEFINITION)
    assert load_workflow(DEFINITION) is first
    assert first.machine.models == []  # cases are never attached to the machine


def test_timers_a_definition_leaves_out_take_the_one_default(tmp_path):
    definition = _load(_broken(tmp_path, "  review_grace_days: 14\n", ""))
    assert definition.timers["review_grace_days"] == TIMER_DEFAULTS["review_grace_days"] == 14
    assert set(definition.timers) == set(TIMER_DEFAULTS)
    assert _load(_broken(tmp_path, "  review_grace_days: 14\n", "  review_grace_days: 7\n")).timers["review_grace_days"] == 7

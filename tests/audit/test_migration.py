"""The audit log's state indexes come and go with their migration."""
from __future__ import annotations

from sqlalchemy import inspect

from caseflow.extensions import db

STATE_INDEXES = {"ix_history_records_to_state_at", "ix_history_records_from_state_at"}


def _indexes() -> set[str]:
    return {i["name"] for i in inspect(db.engine).get_indexes("history_records")}


def test_state_indexes_upgrade_and_downgrade(app):
    from flask_migrate import downgrade, upgrade

    assert STATE_INDEXES <= _indexes()
    downgrade(revision="459c2724fd1b")
    assert not STATE_INDEXES & _indexes() and "ix_history_records_actor_at" in _indexes()
    upgrade()
    assert STATE_INDEXES <= _indexes()

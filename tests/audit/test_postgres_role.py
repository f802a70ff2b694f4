"""On PostgreSQL the application can run under a role that may only read and append history (the GRANTs of
docs/integrity.md): a normal step works, and UPDATE, DELETE and TRUNCATE of history are refused. The
database owner is refused a TRUNCATE too, by the append-only trigger."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError

from caseflow import create_app
from caseflow.extensions import db
from caseflow.models import Case, HistoryRecord
from caseflow.workflow import Actor, current_workflow
from tests.conftest import _test_config

#: The GRANTs docs/integrity.md gives, for a role named {role}.
GRANTS = """
GRANT USAGE ON SCHEMA public TO {role};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
REVOKE UPDATE, DELETE, TRUNCATE ON history_records FROM {role};
"""


@pytest.fixture
def app_role(app):
    """A role with the documented rights, named after the test database (roles are shared by the cluster)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("roles and GRANTs are PostgreSQL's; SQLite has no users: keep its file out of reach instead")
    role = f"caseflow_app_{db.engine.url.database}"
    with db.engine.begin() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
            conn.execute(text(f"CREATE ROLE {role} NOLOGIN"))
        conn.execute(text(GRANTS.format(role=role)))
    yield role
    with db.engine.begin() as conn:
        conn.execute(text(f"DROP OWNED BY {role}"))


def test_the_application_role_fires_a_step_but_may_not_rewrite_history(app, cases, users, app_role):
    case_id, reviewer = cases.in_state("proposed").id, Actor.of(users["reviewer"])
    db.session.rollback()  # the owner's session is done: inside the other app it would borrow that app's engine
    url = db.engine.url.render_as_string(hide_password=False)
    # Every connection of this app runs as the role (the owner's connection merely switches to it).
    as_role = create_app(_test_config(url, SQLALCHEMY_ENGINE_OPTIONS={
        "connect_args": {"options": f"-c role={app_role}"}}))
    with as_role.app_context():
        assert db.session.scalar(text("SELECT current_user")) == app_role
        outcome = current_workflow().fire(case_id, "vet", reviewer, {
            "commitment_to_values": "yes", "good_governance": "yes", "no_breach_of_norms": "yes",
            "reputational_risk": "low", "capacity_assessment": "Strong.", "notes": ""})
        assert outcome.to_state == "vetted"
        db.session.rollback()
        for statement in ("UPDATE history_records SET comment = 'x'", "DELETE FROM history_records",
                          "TRUNCATE history_records CASCADE"):
            with pytest.raises(DBAPIError, match="permission denied"):
                with db.engine.begin() as conn:
                    conn.execute(text(statement))
        db.session.remove()
        db.engine.dispose()
    assert db.session.scalar(select(Case.state).where(Case.id == case_id)) == "vetted"


def test_postgresql_refuses_to_truncate_history_even_for_its_owner(app, cases):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the database-level guard is PostgreSQL's; SQLite relies on the application and verification")
    cases.in_state("vetted")
    with pytest.raises(DBAPIError, match="history_records is append-only: TRUNCATE refused"):
        with db.engine.begin() as conn:
            conn.execute(text("TRUNCATE history_records CASCADE"))
    assert db.session.scalar(select(HistoryRecord.id).limit(1)) is not None

"""A partner's flags and corrections are kept in a chain that `caseflow verify` walks and replays, as a case's
history is: an auditor learns when a flag was set, cleared or rewritten outside caseflow."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from caseflow.extensions import db
from caseflow.partners.chain import verify_partners
from caseflow.partners.corrections import correct_partner
from caseflow.partners.flagging import set_flags
from tests.partners.test_migration import _upgrade, old_database  # noqa: F401  (a fixture)


def _flag_and_correct(tostan, users):
    set_flags(tostan.id, {"sanctions_flag": True}, "On the consolidated list since 3 March.", users["reviewer"])
    set_flags(tostan.id, {}, "Taken off the list on 9 May.", users["reviewer2"])
    correct_partner(tostan.id, {"name": "Tostan", "type": "national_ngo", "country": "Sénégal", "level": "country"},
                    "The country was written without its accent.", users["admin"])


def _raw(sql: str) -> None:
    """Change the database as someone with its password would, outside caseflow."""
    db.session.rollback()
    with db.engine.begin() as conn:
        conn.execute(text(sql))


def test_flags_and_corrections_are_chained_and_verify(app, users, tostan, runner):
    _flag_and_correct(tostan, users)
    verdict = verify_partners(db.session)
    assert verdict.ok and verdict.changes == 3
    result = runner.invoke(args=["verify"])
    assert result.exit_code == 0 and "3 changes: intact" in result.output


def test_a_flag_cleared_by_hand_in_the_database_is_named(app, users, tostan, runner):
    set_flags(tostan.id, {"sanctions_flag": True}, "On the consolidated list since 3 March.", users["reviewer"])
    _raw(f"UPDATE organisations SET sanctions_flag = false WHERE id = {tostan.id}")
    result = runner.invoke(args=["verify"])
    assert result.exit_code != 0
    assert f"partner {tostan.id} (Tostan): sanctions_flag is False, but its kept changes leave it True" in result.output


def test_a_flag_set_by_hand_without_any_record_is_named(app, users, tostan):
    _raw(f"UPDATE organisations SET reputational_flag = true WHERE id = {tostan.id}")
    assert "changed without a record" in verify_partners(db.session).broken


def test_a_kept_change_rewritten_is_refused_or_named(app, users, tostan):
    _flag_and_correct(tostan, users)
    try:
        _raw("UPDATE partner_changes SET reason = 'Never on any list.' WHERE kind = 'flags' AND reason LIKE 'On the%'")
    except DBAPIError as refused:  # PostgreSQL refuses it outright
        assert db.engine.dialect.name == "postgresql" and "append-only" in str(refused)
        return
    assert db.engine.dialect.name == "sqlite"
    assert "was altered after it was kept" in verify_partners(db.session).broken


def test_a_kept_change_removed_breaks_the_chain(app, users, tostan):
    _flag_and_correct(tostan, users)
    if db.engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"):
            _raw("DELETE FROM partner_changes WHERE reason LIKE 'Taken off%'")
        return
    _raw("DELETE FROM partner_changes WHERE reason LIKE 'Taken off%'")
    assert "does not follow the change before it" in verify_partners(db.session).broken


def test_the_migration_chains_the_changes_already_kept(old_database):
    _upgrade(old_database, "d5f1b7c3a9e2")
    engine = create_engine(old_database)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO organisations (name, name_key, type, level, sanctions_flag, reputational_flag, "
                          "created_at) VALUES ('Tostan', 'tostan', 'national_ngo', 'country', false, false, "
                          "CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO users (email, name, role, password_hash, is_active_user, created_at, "
                          "session_token, failed_sign_ins) VALUES ('r@example.org', 'R', 'reviewer', 'x', true, "
                          "CURRENT_TIMESTAMP, 'tok', 0)"))
        conn.execute(text("UPDATE organisations SET sanctions_flag = true"))
        conn.execute(text("INSERT INTO partner_changes (partner_id, kind, changes, reason, by_user_id, at) VALUES "
                          "(1, 'flags', '{\"sanctions_flag\": [false, true]}', 'Listed.', 1, '2026-03-03 10:00:00')"))
    engine.dispose()
    _upgrade(old_database)
    from caseflow import create_app
    from tests.conftest import _test_config
    app = create_app(_test_config(old_database))
    with app.app_context():
        verdict = verify_partners(db.session)
        db.session.rollback()
        db.engine.dispose()
    assert verdict.ok and verdict.changes == 1

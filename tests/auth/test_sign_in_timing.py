"""An unknown e-mail costs the same password check as a known one, so the answer's time does not tell
who has an account (bench/login_timing.py measures it; no test here times anything)."""
from __future__ import annotations

import pytest

import caseflow.models.user as user_module
from caseflow.extensions import db


@pytest.fixture
def password_checks(monkeypatch):
    """Count the password hashes checked (the one costly step of a sign-in)."""
    calls = []
    real = user_module.check_password_hash

    def counted(stored_hash, password):
        calls.append(stored_hash)
        return real(stored_hash, password)

    monkeypatch.setattr(user_module, "check_password_hash", counted)
    return calls


@pytest.mark.parametrize("email, password", [
    ("nobody@example.org", "wrong"),          # no such account
    ("officer@example.org", "wrong"),         # a known account, wrong password
    ("reviewer@example.org", "correct horse battery"),  # a deactivated account, right password
])
def test_every_failed_sign_in_checks_exactly_one_password_hash_known_e_mail_or_not(
        users, log_in, password_checks, email, password):
    users["reviewer"].is_active_user = False
    db.session.commit()
    assert log_in(email, password).status_code == 401
    assert len(password_checks) == 1


def test_the_stand_in_hash_for_unknown_e_mails_has_the_method_and_cost_of_real_ones(users):
    from caseflow.models.user import _dummy_password_hash

    method = users["officer"].password_hash.split("$", 1)[0]  # e.g. scrypt:32768:8:1
    assert _dummy_password_hash().split("$", 1)[0] == method

"""Sessions end when they should: sign-out, a new password and deactivation end every session and
remember-me cookie of the user, wherever it was copied to; cookies carry the right flags; sign-in
renews the CSRF token."""
from __future__ import annotations

import re

from caseflow import create_app
from caseflow.extensions import db
from caseflow.models import User
from tests.auth.conftest import copy_cookie, forget_cached_user, signed_in
from tests.factories import PASSWORD


def test_a_remember_me_cookie_copied_before_sign_out_no_longer_signs_in(app, client, users, log_in):
    log_in("officer@example.org", remember=True)
    thief = app.test_client()
    copy_cookie(client, thief, "remember_token")
    assert signed_in(thief)  # the cookie alone signs in while the session lasts
    client.post("/logout")
    assert not signed_in(app.test_client()) and not signed_in(_with_cookie(app, "remember_token", thief))


def test_a_session_cookie_copied_before_sign_out_no_longer_signs_in(app, client, users, log_in):
    log_in("officer@example.org")
    thief = app.test_client()
    copy_cookie(client, thief, "session")
    assert signed_in(thief)
    client.post("/logout")
    assert not signed_in(thief)


def test_signing_out_on_one_device_ends_the_users_sessions_on_every_device(app, client, users, log_in):
    laptop, phone = client, app.test_client()
    log_in("reviewer@example.org", other=laptop)
    log_in("reviewer@example.org", other=phone, remember=True)
    laptop.post("/logout")
    assert not signed_in(phone)
    log_in("reviewer@example.org", other=phone)
    assert signed_in(phone)


def test_the_remember_me_cookie_changes_after_signing_out_and_in_again(client, users, log_in):
    log_in("officer@example.org", remember=True)
    first = client.get_cookie("remember_token").value
    client.post("/logout")
    log_in("officer@example.org", remember=True)
    assert client.get_cookie("remember_token").value != first


def test_a_new_password_ends_every_session_of_the_user(app, client, users, log_in, runner):
    log_in("officer@example.org", remember=True)
    stolen = _with_cookie(app, "remember_token", client)
    result = runner.invoke(args=["user", "set-password", "officer@example.org", "--password", "a new long secret"])
    assert result.exit_code == 0, result.output
    assert not signed_in(client) and not signed_in(stolen)
    assert log_in("officer@example.org", PASSWORD).status_code == 401
    assert log_in("officer@example.org", "a new long secret").status_code == 302


def test_deactivation_ends_every_session_for_good_even_after_reactivation(app, client, users, log_in, sign_in):
    log_in("officer@example.org", remember=True)
    officer_session, officer_remember = _with_cookie(app, "session", client), _with_cookie(app, "remember_token", client)
    admin = sign_in(users["admin"], app.test_client())
    user_id = users["officer"].id
    assert admin.post(f"/admin/users/{user_id}/active").status_code == 302  # deactivate
    assert admin.post(f"/admin/users/{user_id}/active").status_code == 302  # and reactivate
    assert db.session.get(User, user_id).is_active_user
    assert not signed_in(officer_session) and not signed_in(officer_remember)


def test_a_session_made_before_the_session_token_existed_is_refused(client, users):
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = str(users["officer"].id), True
    assert not signed_in(client)


def test_the_remember_me_cookie_is_http_only_same_site_and_secure_in_production(database_url, tmp_path):
    app = create_app({"CASEFLOW_ENV": "production", "SECRET_KEY": "s", "SQLALCHEMY_DATABASE_URI": database_url,
                      "CASEFLOW_CHECKPOINT_KEY": str(tmp_path / "checkpoint.pem"), "RATELIMIT_ENABLED": False, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
                      "WTF_CSRF_ENABLED": False, "TESTING": True})
    with app.app_context():
        from tests.factories import make_users

        make_users()
        forget_cached_user()
        response = app.test_client().post("/login", data={"email": "officer@example.org", "password": PASSWORD,
                                                          "remember": "y"})
        cookies = {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}
        for name in ("session", "remember_token"):
            flags = {flag.strip().lower() for flag in cookies[name].split(";")}
            assert {"httponly", "secure", "samesite=lax"} <= flags, cookies[name]
        db.session.remove()
        db.engine.dispose()


def test_sign_in_renews_the_csrf_token(database_url, tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "s",
                      "RATELIMIT_ENABLED": False, "CASEFLOW_ENV": "testing", "WTF_CSRF_ENABLED": True})
    with app.app_context():
        from tests.factories import make_users

        make_users()
        client = app.test_client()
        before = _csrf_token(client.get("/login").text)
        response = client.post("/login", data={"email": "officer@example.org", "password": PASSWORD,
                                               "csrf_token": before})
        assert response.status_code == 302
        forget_cached_user()
        assert client.post("/logout", data={"csrf_token": before}).status_code == 400  # the visitor's token is void
        assert signed_in(client)
        after = _csrf_token(client.get("/cases").text)
        assert after != before and client.post("/logout", data={"csrf_token": after}).location == "/login"
        db.session.remove()
        db.engine.dispose()


def _csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _with_cookie(app, name, source):
    """A new client holding only the cookie `name` of `source`, as a thief who copied it would."""
    other = app.test_client()
    copy_cookie(source, other, name)
    return other

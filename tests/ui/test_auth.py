"""Signing in and out, the failed sign-in limit, security headers and error pages."""
from __future__ import annotations

import pytest
from flask import g

from caseflow import create_app
from caseflow.extensions import db
from caseflow.models import User
from tests.factories import PASSWORD, make_users
from tests.ui.conftest import text_of


def test_an_officer_signs_in_lands_on_the_dashboard_and_is_remembered(client, users):
    assert client.get("/").status_code == 302
    response = client.post("/login", data={"email": "Officer@Example.org", "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/"
    page = text_of(client.get("/"))
    assert "Olu Officer" in page and "Officer" in page and "Sign out" in page
    assert db.session.get(User, users["officer"].id).last_login_at is not None


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, users):
    response = client.post("/login", data={"email": "officer@example.org", "password": "nope"})
    assert response.status_code == 401
    assert "The e-mail or password is wrong" in text_of(response)
    assert client.get("/cases").status_code == 302


def test_a_deactivated_user_cannot_sign_in(client, users):
    users["officer"].is_active_user = False
    db.session.commit()
    response = client.post("/login", data={"email": "officer@example.org", "password": PASSWORD})
    assert response.status_code == 401


@pytest.mark.parametrize("target, lands", [
    ("/cases?state=active", "/cases?state=active"),
    ("https://evil.example/", "/"), ("//evil.example/", "/"), ("/\\evil.example", "/"), ("javascript:alert(1)", "/"),
])
def test_after_sign_in_only_local_next_paths_are_followed(client, users, target, lands):
    response = client.post("/login", data={"email": "officer@example.org", "password": PASSWORD, "next": target})
    assert response.location == lands


def test_anonymous_visitors_are_sent_to_sign_in_with_next(client):
    response = client.get("/cases?state=active")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


def test_signing_out_takes_a_post(client, users):
    client.post("/login", data={"email": "officer@example.org", "password": PASSWORD})
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").location == "/login"
    g.pop("_login_user", None)
    assert client.get("/cases").status_code == 302


def test_failed_sign_ins_are_limited_but_successes_do_not_count(database_url, tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "t",
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True, "CASEFLOW_LOGIN_LIMIT": "3 per minute",
                      "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        make_users()
        client = app.test_client()
        for _ in range(5):
            assert client.post("/login", data={"email": "admin@example.org", "password": PASSWORD}).status_code == 302
            client.post("/logout")
            g.pop("_login_user", None)
        codes = [client.post("/login", data={"email": "admin@example.org", "password": "x"}).status_code for _ in range(4)]
        assert codes == [401, 401, 401, 429]
        assert "Too many attempts" in text_of(client.post("/login", data={"email": "admin@example.org", "password": PASSWORD}))
        db.session.remove()
        db.engine.dispose()


def test_pages_carry_security_headers_with_a_self_only_policy(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    page = text_of(response)
    assert "<script>" not in page and " style=" not in page
    assert "cdn." not in page and "/bootstrap/static/" in page


def test_session_cookie_is_http_only_and_same_site(client, users):
    response = client.post("/login", data={"email": "officer@example.org", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_errors_are_friendly_pages_and_json_under_the_api(client, users, sign_in):
    sign_in(users["officer"])
    missing = client.get("/cases/999999")
    assert missing.status_code == 404 and "Not found" in text_of(missing) and "<html" in text_of(missing)
    forbidden = client.get("/admin/users")
    assert forbidden.status_code == 403 and "Your role does not allow" in text_of(forbidden)
    api = client.get("/api/v1/nothing-here")
    assert api.status_code == 404 and api.is_json and set(api.get_json()) >= {"error", "message"}


def test_an_unexpected_error_outside_tests_is_a_500_page(database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "t", "CASEFLOW_ENV": "testing"})

    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500 and "Something went wrong" in text_of(response)
    with app.app_context():
        db.engine.dispose()



def test_a_user_deactivated_while_signed_in_is_signed_out(client, users, sign_in):
    sign_in(users["officer"])
    assert client.get("/cases").status_code == 200
    users["officer"].is_active_user = False
    db.session.commit()
    g.pop("_login_user", None)
    assert client.get("/cases").status_code == 302

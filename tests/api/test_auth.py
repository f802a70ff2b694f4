"""Who may call the API: a bearer of a valid token, acting with its user's role."""
from __future__ import annotations

import datetime as dt

import pytest

from caseflow.api import tokens
from caseflow.clock import set_clock
from caseflow.extensions import db
from caseflow.models import ApiToken


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer ", "Basic b2ZmaWNlcjpwdw==", "Bearer cf_not-a-token"])
def test_a_request_without_a_valid_token_is_refused_with_json(api, client, header):
    response = client.get("/api/v1/cases", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.json["error"] == "Unauthorized" and response.json["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused(api, secrets, users):
    assert api("officer").get("/api/v1/cases").status_code == 200
    tokens.revoke(tokens.tokens_of(users["officer"])[0])
    response = api("officer").get("/api/v1/cases")
    assert response.status_code == 401 and "revoked" in response.json["message"]


def test_a_deactivated_users_tokens_are_refused(api, users):
    users["reviewer"].is_active_user = False
    db.session.commit()
    response = api("reviewer").get("/api/v1/cases")
    assert response.status_code == 401 and "deactivated" in response.json["message"]


def test_a_signed_in_session_does_not_open_the_api(client, users):
    with client.session_transaction() as s:
        s["_user_id"] = users["admin"].get_id()
        s["_fresh"] = True
    assert client.get("/api/v1/cases").status_code == 401


def test_tokens_are_stored_hashed_and_last_use_is_recorded_cheaply(api, secrets, users):
    token = tokens.tokens_of(users["auditor"])[0]
    assert secrets["auditor"] not in (token.token_hash, token.prefix) and token.last_used_at is None
    set_clock(dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.timezone.utc))
    api("auditor").get("/api/v1/cases")
    assert db.session.get(ApiToken, token.id).last_used_at == dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.timezone.utc)
    set_clock(dt.datetime(2026, 3, 1, 8, 0, 30, tzinfo=dt.timezone.utc))
    api("auditor").get("/api/v1/cases")  # within a minute: no write
    assert db.session.get(ApiToken, token.id).last_used_at == dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.timezone.utc)
    set_clock(dt.datetime(2026, 3, 1, 8, 5, tzinfo=dt.timezone.utc))
    api("auditor").get("/api/v1/cases")
    assert db.session.get(ApiToken, token.id).last_used_at == dt.datetime(2026, 3, 1, 8, 5, tzinfo=dt.timezone.utc)


def test_api_endpoints_declare_their_roles(app):
    for endpoint, view in app.view_functions.items():
        if endpoint.startswith("api.") and endpoint not in {"api.openapi", "api.unknown"}:
            assert view.allowed_roles, endpoint


def test_the_openapi_document_needs_no_token_and_unknown_paths_answer_json(client):
    assert client.get("/api/v1/openapi.json").json["openapi"].startswith("3.")
    for path in ("/api/v1", "/api/v1/", "/api/v1/nothing-here", "/api/v1/cases/abc", "/api/v1/partners/%0A1"):
        missing = client.get(path)
        assert missing.status_code == 404 and missing.json["error"] == "NotFound"
    wrong = client.delete("/api/v1/cases")
    assert wrong.status_code == 405 and wrong.headers["Allow"] == "GET, POST" and wrong.is_json

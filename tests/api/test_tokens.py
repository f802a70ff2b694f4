"""Issuing and revoking API tokens: by an admin on /admin/tokens, and on the command line."""
from __future__ import annotations

import re

import pytest

from caseflow.api import tokens
from caseflow.extensions import db
from caseflow.models import ApiToken


def sign_in(client, user):
    with client.session_transaction() as s:
        s["_user_id"] = user.get_id()
        s["_fresh"] = True


def test_an_admin_issues_a_token_and_sees_its_secret_once(client, users):
    sign_in(client, users["admin"])
    page = client.post("/admin/tokens", data={"issue-user_id": users["reviewer"].id, "issue-name": "reporting"})
    assert page.status_code == 200
    secret = re.search(r"<code class=\"user-select-all\">(cf_[^<]+)</code>", page.text).group(1)
    token = db.session.query(ApiToken).one()
    assert token.user == users["reviewer"] and token.name == "reporting" and token.token_hash != secret
    assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    listing = client.get("/admin/tokens").text
    assert token.prefix in listing and secret not in listing


def test_an_admin_revokes_a_token(client, users, secrets):
    sign_in(client, users["admin"])
    token = tokens.tokens_of(users["officer"])[0]
    response = client.post(f"/admin/tokens/{token.id}/revoke", data={"revoke-token_id": str(token.id)})
    assert response.status_code == 302
    assert db.session.get(ApiToken, token.id).revoked_at is not None
    refused = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {secrets['officer']}"})
    assert refused.status_code == 401


def test_a_token_needs_a_name(client, users):
    sign_in(client, users["admin"])
    page = client.post("/admin/tokens", data={"issue-user_id": users["reviewer"].id, "issue-name": ""})
    assert page.status_code == 400 and "This field is required" in page.text
    assert db.session.query(ApiToken).count() == 0


@pytest.mark.parametrize("role", ["officer", "reviewer", "auditor"])
def test_only_admins_manage_tokens(client, users, role):
    sign_in(client, users[role])
    assert client.get("/admin/tokens").status_code == 403
    assert client.post("/admin/tokens", data={"issue-user_id": users[role].id, "issue-name": "mine"}).status_code == 403
    assert db.session.query(ApiToken).count() == 0


def test_the_admin_forms_need_a_csrf_token(app, client, users, secrets):
    app.config["WTF_CSRF_ENABLED"] = True
    sign_in(client, users["admin"])
    token = tokens.tokens_of(users["officer"])[0]
    assert client.post(f"/admin/tokens/{token.id}/revoke", data={"revoke-token_id": str(token.id)}).status_code == 400
    assert client.post("/admin/tokens", data={"issue-user_id": users["admin"].id, "issue-name": "x"}).status_code == 400
    assert db.session.get(ApiToken, token.id).revoked_at is None
    page = client.get("/admin/tokens").text
    csrf = re.search(r'name="revoke-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(f"/admin/tokens/{token.id}/revoke",
                       data={"revoke-token_id": str(token.id), "revoke-csrf_token": csrf}).status_code == 302


def test_the_api_itself_needs_no_csrf_token(app, api, cases):
    app.config["WTF_CSRF_ENABLED"] = True
    case = cases.in_state("active")
    response = api("officer").post(f"/api/v1/cases/{case.id}/transitions",
                                   json={"trigger": "start_review", "data": {"reason": "Ad hoc."}})
    assert response.status_code == 200


def test_the_cli_issues_lists_and_revokes_tokens(runner, client, users):
    issued = runner.invoke(args=["user", "token", "reviewer@example.org", "--name", "etl"])
    assert issued.exit_code == 0
    secret = issued.output.strip()
    assert client.get("/api/v1/queue", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    listed = runner.invoke(args=["user", "tokens", "reviewer@example.org"])
    token = db.session.query(ApiToken).one()
    assert listed.exit_code == 0 and token.prefix in listed.output and "etl" in listed.output
    assert "never" not in listed.output and "1 token(s)" in listed.output
    revoked = runner.invoke(args=["user", "revoke-token", token.prefix])
    assert revoked.exit_code == 0 and "Revoked" in revoked.output
    assert client.get("/api/v1/queue", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    again = runner.invoke(args=["user", "revoke-token", str(token.id)])
    assert again.exit_code == 1 and "revoked already" in again.output
    assert "revoked" in runner.invoke(args=["user", "tokens", "reviewer@example.org"]).output


@pytest.mark.parametrize("args, message", [
    (["user", "revoke-token", "cf_nothing"], "no token cf_nothing"),
    (["user", "tokens", "nobody@example.org"], "no user nobody@example.org"),
    (["user", "token", "nobody@example.org"], "no user nobody@example.org"),
])
def test_the_cli_refuses_unknown_tokens_and_users_in_one_line(runner, users, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code == 1 and message in result.output and result.output.count("\n") == 1


def test_no_token_is_issued_for_a_deactivated_user(runner, users):
    users["officer2"].is_active_user = False
    db.session.commit()
    result = runner.invoke(args=["user", "token", "officer2@example.org"])
    assert result.exit_code == 1 and "deactivated" in result.output

"""Every route of the app, for every role and ownership: allowed roles get their page, others 403, anonymous
visitors the sign-in page; an officer who does not own the case gets 403 on its step pages. A route without
`allowed_roles` (set by roles_required) fails unless it is public."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import select

from caseflow.extensions import db
from caseflow.models import ApiToken, Document, HistoryRecord, Notification
from tests.conftest import sign_in_as

PUBLIC = {"auth.login", "auth.logout", "static", "bootstrap.static"}
ROLES = ["anonymous", "officer", "reviewer", "auditor", "admin"]
#: A role under test: each of ROLES, and an officer who does not own the case ("officer2" in the fixtures).
NOT_OWNER = "officer, not the owner"
USER_OF = {NOT_OWNER: "officer2"}
#: The pages that act on one case (its steps, attaching a document): an officer who does not own it is refused them.
STEP_ROUTES = {"cases.fire", "documents.upload"}


@pytest.fixture
def url_values(app, users, cases):
    """A value for every URL parameter name the features use, per signed-in role."""
    case = cases.in_state("active")  # officers and reviewers may both start its review
    record = db.session.scalar(select(HistoryRecord).where(HistoryRecord.case_id == case.id).limit(1))
    token, _ = ApiToken.issue(users["admin"], "route test")
    db.session.add(token)
    stored = "route-test.txt"
    folder = Path(app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stored).write_bytes(b"agreement")
    document = Document(case_id=case.id, kind="other", filename="agreement.txt", stored_name=stored,
                        content_type="text/plain", size=9, sha256=hashlib.sha256(b"agreement").hexdigest(),
                        uploaded_by_id=users["officer"].id)
    notes = {role: Notification(user_id=users[USER_OF.get(role, role)].id, kind="test", message="Hello",
                                dedup_key=f"route-{role}") for role in [*ROLES[1:], NOT_OWNER]}
    db.session.add_all([document, *notes.values()])
    db.session.commit()
    shared = {"case_id": case.id, "partner_id": case.partner_id, "user_id": users["officer2"].id,
              "document_id": document.id, "token_id": token.id, "record_id": record.id, "trigger": "start_review"}
    # Officers and reviewers may both start the case's review; an admin's one step is reassign.
    return lambda role: {**shared, "notification_id": notes.get(role, notes["officer"]).id,
                         "trigger": "reassign" if role == "admin" else "start_review"}


def _routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.rule.startswith("/api/") or rule.endpoint in PUBLIC:
            continue
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        yield rule, method


def test_every_non_public_route_declares_its_roles(app):
    assert {"cases.index", "cases.fire", "cases.new", "admin.users", "notifications.mark_read"} <= {
        rule.endpoint for rule, _ in _routes(app)}
    unguarded = [rule.rule for rule, _ in _routes(app)
                 if getattr(app.view_functions[rule.endpoint], "allowed_roles", None) is None]
    assert unguarded == [], f"routes without roles_required and not in PUBLIC: {unguarded}"


@pytest.mark.parametrize("role", [*ROLES, NOT_OWNER])
def test_every_route_answers_each_role_as_its_allowed_roles_say(app, client, users, url_values, role):
    user = users.get(USER_OF.get(role, role))
    if role != "anonymous":
        sign_in_as(client, user)
    else:
        g.pop("_login_user", None)
    values, wrong = url_values(role), []
    for rule, method in _routes(app):
        allowed = getattr(app.view_functions[rule.endpoint], "allowed_roles", frozenset())
        unknown = set(rule.arguments) - set(values)
        assert not unknown, f"{rule.rule}: no test value for {unknown}; add it to url_values"
        url = rule.build(values, append_unknown=False)[1]
        response = client.open(url, method=method)
        status = response.status_code
        response.close()  # a download streams its file until closed
        if role == "anonymous":
            ok = status == 302
        elif role == NOT_OWNER and rule.endpoint in STEP_ROUTES:
            ok = status == 403
        elif user.role in allowed:
            # GET pages answer; a POST with an empty form is refused politely (never 403 or a crash).
            ok = status in (200, 302) if method == "GET" else status in (200, 302, 303, 400, 409, 422)
        else:
            ok = status == 403
        if not ok:
            wrong.append(f"{method} {url} -> {status} (allowed: {sorted(allowed)})")
    assert wrong == [], f"as {role}:\n" + "\n".join(wrong)


def test_anonymous_visitors_are_sent_to_sign_in(client, users, url_values):
    response = client.get(f"/cases/{url_values('officer')['case_id']}")
    assert response.status_code == 302 and response.location.startswith("/login?next=")

"""Auditors change nothing: every write route of the whole app refuses them, whoever added it."""
from __future__ import annotations

from flask import Blueprint
from werkzeug.routing import IntegerConverter

from caseflow.extensions import db
from caseflow.models import ApiToken

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Signing in and out, and marking one's own notifications read, change no case: auditors must be able to.
OWN_SESSION = ("auth.", "notifications.")
# The API's catch-all answers a JSON 404 for any method and path; it writes nothing.
NOT_A_WRITE = {"api.unknown"}
SAMPLE_VALUES = {"trigger": "vet", "kind": "other", "format": "csv"}


def _url(app, rule, method: str) -> str:
    values = {name: 1 if isinstance(rule._converters.get(name), IntegerConverter) else SAMPLE_VALUES.get(name, "x")
              for name in rule.arguments}
    return app.url_map.bind("localhost").build(rule.endpoint, values, method=method)


def write_routes_open_to(app, client, headers: dict) -> tuple[list[str], int]:
    """Try every write route of the app; return those that did not answer 403, and how many were tried."""
    open_routes, tried = [], 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(OWN_SESSION) or rule.endpoint in NOT_A_WRITE:
            continue
        for method in sorted(rule.methods & WRITE_METHODS):
            tried += 1
            response = client.open(_url(app, rule, method), method=method, headers=headers, data={})
            if response.status_code != 403:
                open_routes.append(f"{method} {rule.rule} -> {response.status_code}")
            response.close()
    return open_routes, tried


def _auditor_token(users) -> dict:
    row, secret = ApiToken.issue(users["auditor"], "audit")
    db.session.add(row)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_every_write_route_refuses_the_auditor(app, users, cases, sign_in):
    cases.in_state("active")  # so routes find a case 1 to act on, and refuse on the role alone
    open_routes, tried = write_routes_open_to(app, sign_in("auditor"), _auditor_token(users))
    assert open_routes == [], open_routes


def test_the_check_catches_a_write_route_that_forgets_the_role(app, users, sign_in):
    # The app under test may have no write route yet; prove the check itself would catch one.
    unguarded = Blueprint("unguarded_test", __name__)
    unguarded.add_url_rule("/cases/<int:case_id>/scribble", "scribble", lambda case_id: "changed", methods=["POST"])
    app.register_blueprint(unguarded)
    open_routes, tried = write_routes_open_to(app, sign_in("auditor"), {})
    assert "POST /cases/<int:case_id>/scribble -> 200" in open_routes and tried >= 1

"""No input gives a server error, and a refused request changes nothing: every route of the app (read from its
URL map, so a new route is fuzzed too), as every role and as nobody, with the session's real CSRF token.

CI runs a short, reproducible run; `make fuzz` (CASEFLOW_FUZZ_EXAMPLES) runs a long, random one.
"""
from __future__ import annotations

import os
import traceback

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseflow.extensions import db
from tests.robustness import fuzzing
from tests.robustness.conftest import ROLES, RUNS

EXAMPLES = int(os.environ.get("CASEFLOW_FUZZ_EXAMPLES") or 400)
LONG = "CASEFLOW_FUZZ_EXAMPLES" in os.environ
LOG = os.environ.get("CASEFLOW_FUZZ_LOG")  # a file to append every request and its status to


def log(*parts) -> None:
    with open(LOG, "a") as out:
        print(*parts, file=out)


CSRF_CHOICES = ("real", "real", "real", "real", "missing", "forged")


def send(world, route, role, path_values, query, body, csrf):
    """Make one request; return (status, what went wrong or None)."""
    client = world.client(role)
    headers, kwargs = {}, {"query_string": query}
    if route.api:
        if role is not None:
            headers["Authorization"] = f"Bearer {world.api_secrets[role]}"
        if route.method in ("POST", "PUT", "PATCH"):
            if route.endpoint == "api.upload_document" and isinstance(body, dict):
                kwargs.update(data=body, content_type="multipart/form-data")
            else:
                kwargs["json"] = body
    elif route.method != "GET":
        form = dict(body)
        if csrf != "missing":
            form["csrf_token"] = world.csrf_token(role) if csrf == "real" else "forged-token"
        multipart = any(isinstance(v, tuple) for v in form.values())
        kwargs.update(data=form, content_type="multipart/form-data" if multipart else None)
    path = fuzzing.build_path(route.rule, path_values)
    before = fuzzing.fingerprint()
    try:
        response = client.open(path, method=route.method, headers=headers, **kwargs)
    except Exception:  # noqa: BLE001 - under TESTING a view's exception reaches the client: it is the 500
        db.session.rollback()
        return 500, f"{route} as {role}: {path}?{query} {body!r}\n{traceback.format_exc(limit=-6)}"
    status = response.status_code
    if LOG and status == 400:
        log("   ", response.get_data(as_text=True)[:300].replace("\n", " "))
    response.close()
    if status >= 500:
        return status, f"{route} as {role}: {path} answered {status}"
    if status >= 400 and fuzzing.fingerprint() != before:
        return status, f"{route} as {role}: {path}?{query} {body!r} was refused ({status}) but changed the database"
    return status, None


def record(world, status, problem):
    world.stats.statuses[status] += 1
    if problem:
        world.stats.failures.append(problem)


def test_every_route_answers_every_role_without_a_server_error(app, world, request):
    routes = fuzzing.routes(app)
    assert {r.endpoint for r in routes} >= {"cases.detail", "documents.upload", "api.propose_case", "imports.confirm"}
    for route in routes:
        for role in ROLES:
            values = {name: "1" if kind == "int" else "vet" for name, kind in route.arguments.items()}
            record(world, *send(world, route, role, values, {}, {}, "real"))
    RUNS.append((request.node.name, world.stats.statuses))
    assert world.stats.failures == []


def test_a_post_without_the_csrf_token_is_refused(app, world):
    status, problem = send(world, next(r for r in fuzzing.routes(app) if r.endpoint == "comments.add"), "officer",
                           {"case_id": "1"}, {}, {"body": "A comment"}, "missing")
    assert status == 400 and problem is None


def test_no_input_gives_a_server_error_and_a_refusal_changes_nothing(app, world, request):
    routes = fuzzing.routes(app)

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=not LONG, database=None, print_blob=True,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def one_request(data):
        route = data.draw(st.sampled_from(routes), label="route")
        role = data.draw(st.sampled_from(ROLES), label="role")
        values = {name: data.draw(fuzzing.path_value(kind, world.ids), label=name)
                  for name, kind in route.arguments.items()}
        query = data.draw(fuzzing.query(route), label="query")
        if route.method == "GET":
            body = {}
        elif route.api:
            body = data.draw(fuzzing.form_body(route) if route.endpoint == "api.upload_document"
                             else fuzzing.json_body(route), label="body")
        else:
            body = data.draw(fuzzing.form_body(route), label="body")
        csrf = data.draw(st.sampled_from(CSRF_CHOICES), label="csrf")
        status, problem = send(world, route, role, values, query, body, csrf)
        record(world, status, problem)
        if LOG:
            log(status, route, role, values, query, repr(body), csrf)
        assert problem is None, problem

    try:
        one_request()
    finally:
        RUNS.append((request.node.name, world.stats.statuses))

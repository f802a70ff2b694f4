"""The OpenAPI document matches the real API: schemathesis generates requests from it, in process,
and checks each response's status, content type, headers and body against it."""
from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from caseflow.clock import set_clock

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
EXAMPLES = 30


@pytest.fixture
def seeded(app, cases):
    """Cases in every state, made through the engine, so reads return real data."""
    set_clock(dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc))
    first = cases.in_state("proposed")
    return [first] + [cases.in_state(state, partner=first.partner)
                      for state in ("vetted", "agreed", "active", "under_review", "exiting", "discontinued")]


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_the_document_covers_every_api_route_and_method(app, client):
    document = client.get("/api/v1/openapi.json").json
    documented = {(method.upper(), "/api/v1" + path) for path, item in document["paths"].items()
                  for method in item if method in {"get", "post", "put", "patch", "delete"}}
    routes = {(method, rule.rule.replace("<int:", "{").replace(">", "}"))
              for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.") and rule.endpoint != "api.unknown"
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == documented
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": document["components"]["securitySchemes"]["bearer"]["description"]}
    assert len(_operations(app)) >= len(documented) - 1  # schemathesis loads it (it leaves out the document itself)


def _strategy(operation, mode: GenerationMode, seeded, headers: dict):
    """Generated requests, half of them aimed at the seeded cases and their partner so reads find data."""
    aimed = []
    for name, ids in (("case_id", [c.id for c in seeded]), ("partner_id", [seeded[0].partner_id])):
        if any(p.name == name for p in operation.path_parameters):
            aimed = [operation.as_strategy(generation_mode=mode, headers=headers, path_parameters={name: i})
                     for i in ids]
    return st.one_of(operation.as_strategy(generation_mode=mode, headers=headers), *aimed)


def _run(app, seeded, secret: str, mode: GenerationMode, checks) -> None:
    headers = {"Authorization": f"Bearer {secret}"}
    for operation in _operations(app):
        @given(case=_strategy(operation, mode, seeded, headers))
        @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(checks=checks)

        check()


@pytest.mark.parametrize("role", ["officer", "reviewer", "auditor"])
def test_every_operation_answers_as_documented(app, seeded, secrets, role):
    _run(app, seeded, secrets[role], GenerationMode.POSITIVE, CHECKS)


def test_invalid_requests_are_refused_with_a_documented_json_error(app, seeded, secrets):
    _run(app, seeded, secrets["officer"], GenerationMode.NEGATIVE, CHECKS + [negative_data_rejection])


def test_a_whole_partnership_walked_through_the_api_matches_the_document(app, api):
    """Propose, vet, agree, activate, review: every answer, success or refusal, conforms to the document."""
    from tests.factories import REVIEW, VETTING, agreement, proposal

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # Unfunded, so the walk needs no signed-agreement document (the API does not upload documents).
    created = api("officer").post("/api/v1/cases", json={"data": proposal(
        cooperation_form="collaborative_relationship", resources="none", amount=None, currency=None)})
    schema["/cases"]["POST"].validate_response(created)
    case_id = created.json["case"]["id"]
    steps = [("reviewer2", "vet", VETTING), ("officer", "agree", agreement(agreement_type="informal", agreement_reference=None,
                                                           agreement_signed_on=None)),
             ("officer", "activate", {"actual_start": created.json["case"]["facts"]["proposed_start"]}),
             ("reviewer", "start_review", {"reason": "Ad hoc."}), ("reviewer", "complete_review", REVIEW)]
    fire = schema["/cases/{case_id}/transitions"]["POST"]
    for who, trigger, data in steps:
        version = api(who).get(f"/api/v1/cases/{case_id}").json["version"]
        stale = api(who).post(f"/api/v1/cases/{case_id}/transitions",
                              json={"trigger": trigger, "data": data, "expected_version": version - 1})
        assert stale.status_code == 409
        fire.validate_response(stale)
        moved = api(who).post(f"/api/v1/cases/{case_id}/transitions",
                              json={"trigger": trigger, "data": data, "expected_version": version})
        assert moved.status_code == 200, moved.json
        fire.validate_response(moved)
    refused = api("reviewer").post(f"/api/v1/cases/{case_id}/transitions",
                                   json={"trigger": "begin_exit", "data": {"handover": "x"}})
    assert refused.status_code == 422
    fire.validate_response(refused)
    history = api("auditor").get(f"/api/v1/cases/{case_id}/history")
    schema["/cases/{case_id}/history"]["GET"].validate_response(history)
    assert [r["trigger"] for r in history.json["items"]] == ["propose"] + [s[1] for s in steps]
    queue = api("reviewer").get("/api/v1/queue")
    schema["/queue"]["GET"].validate_response(queue)

"""The OpenAPI document matches the real API: schemathesis generates requests from it, in process,
and checks each response's status, content type, headers and body against it."""
from __future__ import annotations

import datetime as dt
import io

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
from sqlalchemy import select

from caseflow.clock import set_clock
from caseflow.documents.minipdf import text_pdf
from caseflow.extensions import db
from caseflow.models import Document

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


def _targets(names: set[str], seeded) -> list[dict]:
    """Path parameters that name seeded data: a case's document, a case, or the cases' partner."""
    if "document_id" in names:
        documents = db.session.scalars(select(Document).where(Document.case_id.in_([c.id for c in seeded])))
        return [{"case_id": d.case_id, "document_id": d.id} for d in documents]
    if "case_id" in names:
        return [{"case_id": c.id} for c in seeded]
    if "partner_id" in names:
        return [{"partner_id": seeded[0].partner_id}]
    return []


def _strategy(operation, mode: GenerationMode, seeded, headers: dict):
    """Generated requests, half of them aimed at the seeded cases, their documents and their partner so reads
    find data."""
    targets = _targets({p.name for p in operation.path_parameters}, seeded)
    aimed = [operation.as_strategy(generation_mode=mode, headers=headers, path_parameters=t) for t in targets]
    return st.one_of(operation.as_strategy(generation_mode=mode, headers=headers), *aimed)


def _closing(wsgi_app):
    """Read each response whole and close it, as a WSGI server does: schemathesis reads a response but never closes
    it, which would leave a downloaded document's file open."""
    def app(environ, start_response):
        body = wsgi_app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()
    return app


def _run(app, seeded, secret: str, mode: GenerationMode, checks) -> None:
    headers = {"Authorization": f"Bearer {secret}"}
    app.wsgi_app = _closing(app.wsgi_app)
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
    """Propose, vet, upload the signed agreement, agree, activate, review: every answer, success or refusal,
    conforms to the document."""
    from tests.factories import REVIEW, VETTING, agreement, proposal

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    created = api("officer").post("/api/v1/cases", json={"data": proposal()})  # funded: resources are cash
    schema["/cases"]["POST"].validate_response(created)
    case_id = created.json["case"]["id"]
    fire = schema["/cases/{case_id}/transitions"]["POST"]

    def step(who, trigger, data):
        version = api(who).get(f"/api/v1/cases/{case_id}").json["version"]
        stale = api(who).post(f"/api/v1/cases/{case_id}/transitions",
                              json={"trigger": trigger, "data": data, "expected_version": version - 1})
        assert stale.status_code == 409
        fire.validate_response(stale)
        moved = api(who).post(f"/api/v1/cases/{case_id}/transitions",
                              json={"trigger": trigger, "data": data, "expected_version": version})
        assert moved.status_code == 200, moved.json
        fire.validate_response(moved)

    step("reviewer2", "vet", VETTING)
    unsigned = api("officer").post(f"/api/v1/cases/{case_id}/transitions",
                                   json={"trigger": "agree", "data": agreement()})
    assert unsigned.status_code == 422
    assert [g["guard"] for g in unsigned.json["guards"]] == ["signed_agreement_attached"]
    fire.validate_response(unsigned)
    signed = text_pdf(["Programme cooperation agreement PCA/2026/001", "Signed by both parties."])
    uploaded = api("officer").post(f"/api/v1/cases/{case_id}/documents", content_type="multipart/form-data",
                                   data={"kind": "signed_agreement", "file": (io.BytesIO(signed), "PCA-2026-001.pdf")})
    assert uploaded.status_code == 201, uploaded.json
    schema["/cases/{case_id}/documents"]["POST"].validate_response(uploaded)
    listed = api("auditor").get(f"/api/v1/cases/{case_id}/documents")
    schema["/cases/{case_id}/documents"]["GET"].validate_response(listed)
    assert [d["kind"] for d in listed.json["items"]] == ["signed_agreement"]
    with api("auditor").get(uploaded.headers["Location"]) as downloaded:
        schema["/cases/{case_id}/documents/{document_id}"]["GET"].validate_response(downloaded)
        assert downloaded.data == signed
    steps = [("officer", "agree", agreement()),
             ("officer", "activate", {"actual_start": created.json["case"]["facts"]["proposed_start"]}),
             ("reviewer", "start_review", {"reason": "Ad hoc."}), ("reviewer", "complete_review", REVIEW)]
    for who, trigger, data in steps:
        step(who, trigger, data)
    refused = api("reviewer").post(f"/api/v1/cases/{case_id}/transitions",
                                   json={"trigger": "begin_exit", "data": {"handover": "x"}})
    assert refused.status_code == 422
    fire.validate_response(refused)
    history = api("auditor").get(f"/api/v1/cases/{case_id}/history")
    schema["/cases/{case_id}/history"]["GET"].validate_response(history)
    assert [r["trigger"] for r in history.json["items"]] == ["propose", "vet"] + [s[1] for s in steps]
    assert history.json["items"][2]["data"]["fields"]["agreement_type"] == "pca"
    queue = api("reviewer").get("/api/v1/queue")
    schema["/queue"]["GET"].validate_response(queue)

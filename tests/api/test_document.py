"""The OpenAPI document is generated from the code and the workflow definition, printed by a command and read on an
interactive page the app serves itself."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from caseflow import ROOT, create_app
from caseflow.extensions import db
from tests.api.conftest import ApiClient
from tests.conftest import _test_config
from tests.factories import VETTING, CaseFactory, make_users

SITE_VISIT = "      - {name: site_visit, type: date, label: Date of the site visit, required: true}\n"


def test_the_command_prints_and_writes_the_document_the_app_serves(client, runner, tmp_path):
    served = client.get("/api/v1/openapi.json").json
    printed = runner.invoke(args=["openapi", "print"])
    assert printed.exit_code == 0 and json.loads(printed.output) == served
    target = tmp_path / "openapi.json"
    written = runner.invoke(args=["openapi", "write", str(target)])
    assert written.exit_code == 0 and json.loads(target.read_text()) == served


def test_each_step_body_is_the_steps_form(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    vet = schemas["VetData"]
    assert vet["additionalProperties"] is False and vet["required"] == ["reputational_risk", "capacity_assessment"]
    assert vet["properties"]["reputational_risk"]["enum"] == ["low", "medium", "high"]
    assert vet["properties"]["capacity_assessment"]["maxLength"] == 10000
    assert schemas["VetStep"]["properties"]["trigger"] == {"const": "vet"}
    assert {"$ref": "#/components/schemas/VetStep"} in schemas["TransitionRequest"]["oneOf"]
    assert "propose" not in schemas["TransitionRequest"]["discriminator"]["mapping"]
    assert schemas["ProposeData"]["properties"]["proposed_start"]["format"] == "date"


@pytest.fixture
def extended(database_url, tmp_path):
    """An app whose workflow asks the vet step for one more field, a required date, with a proposed case."""
    definition = (ROOT / "workflows" / "partnership.yaml").read_text()
    at = definition.index("      - {name: capacity_assessment,")  # in the vet form
    path = tmp_path / "extended.yaml"
    path.write_text(definition[:at] + SITE_VISIT + definition[at:])
    app = create_app(_test_config(database_url, CASEFLOW_WORKFLOW=str(path), UPLOAD_FOLDER=str(tmp_path / "uploads")))
    with app.app_context():
        from caseflow.api import tokens

        users = make_users()
        case = CaseFactory(users).in_state("proposed")
        yield app, ApiClient(app.test_client(), tokens.issue(users["reviewer"], "tests")[1]), case
        db.session.remove()
        db.engine.dispose()


def test_a_field_added_to_the_definition_is_documented_and_checked_like_the_form(extended):
    app, reviewer, case = extended
    vet = app.test_client().get("/api/v1/openapi.json").json["components"]["schemas"]["VetData"]
    assert vet["properties"]["site_visit"]["format"] == "date" and "site_visit" in vet["required"]
    url = f"/api/v1/cases/{case.id}/transitions"
    missing = reviewer.post(url, json={"trigger": "vet", "data": VETTING})
    assert missing.status_code == 422 and missing.json["fields"] == {"site_visit": "is required"}
    wrong = reviewer.post(url, json={"trigger": "vet", "data": {**VETTING, "site_visit": "soon"}})
    assert wrong.status_code == 422
    assert wrong.json["fields"] == {"site_visit": "'soon' is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31"}
    done = reviewer.post(url, json={"trigger": "vet", "data": {**VETTING, "site_visit": "2026-02-01"}})
    assert done.status_code == 200, done.json
    assert done.json["case"]["state"] == "vetted"


def test_the_interactive_page_is_served_from_the_app_with_no_inline_script(client):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "https://" not in html and "http://" not in html  # no CDN: every file comes from this app
    assert 'data-openapi-url="/api/v1/openapi.json"' in html
    assert "<script>" not in html  # the CSP allows scripts from this origin only, none inline
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    for asset in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        with client.get(f"/api/v1/docs/assets/{asset}") as response:
            assert response.status_code == 200, asset
    with client.get("/static/api-docs.js") as script:
        assert script.status_code == 200
    assert client.get("/api/v1/docs/assets/swagger-editor.js").status_code == 404


def test_the_page_is_listed_nowhere_in_the_document(client):
    document = client.get("/api/v1/openapi.json").json
    assert not [path for path in document["paths"] if path.startswith("/docs")]
    assert document["servers"] == [{"url": "/api/v1"}]
    assert Path(ROOT / "caseflow" / "api" / "openapi.yaml").exists() is False


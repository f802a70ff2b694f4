"""Auditors read everything and change nothing: every write route of documents, comments and imports says 403."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from caseflow.extensions import db
from caseflow.models import Case, Comment, Document, Organisation

FEATURES = ("documents.", "comments.", "imports.")


def write_routes(app) -> list:
    return [rule for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith(FEATURES) and rule.methods & {"POST", "PUT", "PATCH", "DELETE"}]


def test_every_write_route_refuses_an_auditor(app, users, cases, sign_in):
    case = cases.in_state("agreed")
    before = [db.session.scalar(select(func.count()).select_from(m)) for m in (Case, Comment, Document, Organisation)]
    routes = write_routes(app)
    assert {r.endpoint for r in routes} == {"documents.upload", "comments.add", "imports.check", "imports.confirm"}
    client = sign_in(users["auditor"])
    for rule in routes:
        url = rule.build({"case_id": case.id})[1]
        data = {"kind": "other", "file": (io.BytesIO(b"a,b\n1,2\n"), "x.csv"), "body": "Hello", "token": "x"}
        response = client.post(url, data=data, content_type="multipart/form-data")
        assert response.status_code == 403, rule.endpoint
        assert getattr(app.view_functions[rule.endpoint], "allowed_roles", None), rule.endpoint
        assert "auditor" not in app.view_functions[rule.endpoint].allowed_roles
    after = [db.session.scalar(select(func.count()).select_from(m)) for m in (Case, Comment, Document, Organisation)]
    assert after == before


def test_every_page_of_these_features_declares_its_roles(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(FEATURES):
            assert app.view_functions[rule.endpoint].allowed_roles, rule.endpoint

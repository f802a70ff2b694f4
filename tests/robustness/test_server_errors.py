"""Inputs that once answered 500, one test per class of input: each now gets a 4xx or a safe answer."""
from __future__ import annotations

import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseflow.extensions import db
from caseflow.models import Case
from tests.factories import PASSWORD
from tests.imports.conftest import CASE_HEADER, PARTNER_HEADER, case_row, files, partner_row  # noqa: F401 - fixture

TOO_BIG = 2**63  # one more than SQLite's driver can bind
ID_PAGES = [
    ("get", "/cases/{id}"), ("get", "/cases/{id}/vet"), ("get", "/cases/{id}/documents"),
    ("get", "/cases/1/documents/{id}"), ("get", "/cases/{id}/comments"), ("get", "/audit/cases/{id}"),
    ("get", "/audit/cases/{id}/print"), ("get", "/audit/cases/{id}/as-of"), ("get", "/audit/cases/{id}/export"),
    ("get", "/partners/{id}"), ("post", "/partners/{id}/flags"), ("post", "/admin/users/{id}/role"),
    ("post", "/admin/users/{id}/active"), ("post", "/notifications/{id}/read"), ("post", "/admin/tokens/{id}/revoke"),
    ("get", "/api/v1/cases/{id}"), ("get", "/api/v1/partners/{id}"), ("get", "/api/v1/cases/1/documents/{id}"),
]


@pytest.mark.parametrize("role", ["officer", "reviewer", "auditor", "admin"])
@pytest.mark.parametrize("number", [2**31, TOO_BIG, 10**30])  # 2**31: PostgreSQL's integer ends below
def test_an_id_too_large_for_the_database_is_not_found_on_every_route(client, sign_in, cases, role, number):
    cases.propose()
    sign_in(role)
    for method, path in ID_PAGES:
        response = getattr(client, method)(path.format(id=number))
        assert response.status_code == 404, (method, path, response.status_code)


def test_every_integer_in_a_route_is_bounded(app):
    from werkzeug.routing import IntegerConverter

    from caseflow.routing import IdConverter

    integers = [conv for rule in app.url_map.iter_rules() for conv in rule._converters.values()
                if isinstance(conv, IntegerConverter)]
    assert len(integers) > 20 and all(isinstance(conv, IdConverter) for conv in integers)


@pytest.mark.parametrize("target", ["/cases\r\nSet-Cookie: a=b", "/cases\n", "/cases\rx", "/ca\x00ses", "/cases\x7f",
                                    "/cases\u0085x"])
def test_a_control_character_in_next_lands_on_the_dashboard(client, users, target):
    response = client.post("/login", data={"email": "officer@example.org", "password": PASSWORD, "next": target})
    assert response.status_code == 302 and response.location == "/"
    assert "Set-Cookie: a" not in str(response.headers)


@pytest.mark.parametrize("token", ["é" * 40, "\u2603", "０" * 40, "\x00"])
def test_a_non_ascii_import_token_imports_nothing(app, client, sign_in, tmp_path, files, token):
    app.config["IMPORT_FOLDER"] = str(tmp_path / "pending-imports")
    sign_in("admin")
    path = files.xlsx("d.xlsx", {"Partners": (PARTNER_HEADER, [partner_row()]),
                                 "Partnerships": (CASE_HEADER, [case_row()])})
    client.post("/admin/import", data={"file": (io.BytesIO(path.read_bytes()), path.name)},
                content_type="multipart/form-data")
    response = client.post("/admin/import/confirm", data={"token": token}, follow_redirects=True)
    assert response.status_code == 200
    assert "There is no checked file to import: upload it again." in response.get_data(as_text=True)
    assert db.session.query(Case).count() == 0


@given(st.integers(0, 10**12))
def test_a_route_id_matches_exactly_when_an_id_column_can_hold_it(number):
    from caseflow.routing import MAX_ID, IdConverter

    assert bool(re.fullmatch(IdConverter.regex, str(number))) == (number <= MAX_ID)


@pytest.mark.parametrize("path", ["/api/v1/cases/2147483648", "/api/v1/cases/2147483648/documents",
                                  "/api/v1/cases/1/documents/9223372036854775808"])
def test_an_api_id_too_large_is_the_apis_own_json_404(client, sign_in, path):
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        assert response.status_code == 404 and response.json["error"] == "NotFound", (method, path)


@pytest.mark.parametrize("path", ["/api/v1/cases", "/api/v1/cases/1", "/cases", "/login"])
def test_a_method_no_route_has_is_405_with_the_allowed_methods(client, path):
    response = client.open(path, method="TRACE")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert "PATCH" not in response.headers["Allow"]  # the API's catch-all for unknown paths is no method of theirs


@pytest.mark.parametrize("path", ["/api/v1/cases", "/api/v1/partners"])
def test_the_document_refuses_the_nul_the_api_refuses(client, path):
    document = client.get("/api/v1/openapi.json").json
    [q] = [p for p in document["paths"][path.removeprefix("/api/v1")]["get"]["parameters"] if p.get("name") == "q"]
    assert re.fullmatch(q["schema"]["pattern"], "Plan") and not re.fullmatch(q["schema"]["pattern"], "Pl\x00an")


def test_an_api_options_answer_lists_only_the_resources_methods(client):
    assert set(client.options("/api/v1/cases").headers["Allow"].split(", ")) == {"GET", "POST", "HEAD", "OPTIONS"}
    assert set(client.options("/api/v1/cases/1").headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}

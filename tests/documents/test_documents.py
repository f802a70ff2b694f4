"""Officers and reviewers attach documents to a case; everyone who signs in reads them; nothing deletes them."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseflow.extensions import db
from caseflow.models import Document
from tests.documents.conftest import DOCX, PDF, PNG


def upload(client, case, content: bytes, filename: str, kind: str = "signed_agreement", **extra):
    return client.post(f"/cases/{case.id}/documents", data={"kind": kind, "file": (io.BytesIO(content), filename), **extra},
                       content_type="multipart/form-data")


def stored_documents() -> int:
    return db.session.scalar(select(func.count()).select_from(Document))


def uploaded_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return [p for p in folder.iterdir() if p.is_file()] if folder.exists() else []


@pytest.mark.parametrize("who", ["officer", "reviewer"])
def test_the_owner_and_reviewers_attach_a_document_stored_under_a_random_name(app, users, cases, sign_in, who):
    case = cases.propose()
    response = upload(sign_in(users[who]), case, PDF, "PCA 2026-001 signed.pdf")
    assert response.status_code == 303
    document = db.session.scalar(select(Document))
    assert (document.case_id, document.kind, document.filename) == (case.id, "signed_agreement", "PCA 2026-001 signed.pdf")
    assert document.content_type == "application/pdf" and document.size == len(PDF)
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert document.uploaded_by_id == users[who].id
    [stored] = uploaded_files(app)
    assert stored.name == document.stored_name and "PCA" not in stored.name and len(stored.name) == 40
    assert stored.read_bytes() == PDF


def test_an_officer_attaches_nothing_to_a_case_someone_else_owns_until_it_is_reassigned(app, users, cases, sign_in, client):
    case = cases.propose()  # owned by officer
    colleague = sign_in(users["officer2"])
    page = colleague.get(f"/cases/{case.id}/documents").get_data(as_text=True)
    assert 'name="file"' not in page  # no form offered...
    refused = upload(colleague, case, PDF, "PCA 2026-001 signed.pdf")  # ...and the route refuses on its own
    assert refused.status_code == 403
    assert "is not yours" in refused.get_data(as_text=True)
    assert stored_documents() == 0 and uploaded_files(app) == []

    cases.workflow.fire(case.id, "reassign", cases.actor("reviewer"), {"owner": users["officer2"].id, "reason": "Leave."})
    assert upload(sign_in(users["officer2"]), case, PDF, "PCA 2026-001 signed.pdf").status_code == 303
    assert stored_documents() == 1


def test_the_case_page_lists_documents_and_offers_the_form_to_those_who_may_upload(app, users, cases, sign_in, client):
    case = cases.propose()
    upload(sign_in(users["officer"]), case, DOCX, "review.docx", kind="review_report")
    page = client.get(f"/cases/{case.id}/documents").get_data(as_text=True)
    assert "review.docx" in page and "Review report" in page and 'name="file"' in page
    auditor_page = sign_in(users["auditor"]).get(f"/cases/{case.id}/documents").get_data(as_text=True)
    assert "review.docx" in auditor_page and 'name="file"' not in auditor_page


@pytest.mark.parametrize("content, filename, message", [
    (b"MZ\x90\x00binary", "setup.exe", "Files of type &#39;.exe&#39; are not accepted"),
    (PNG, "agreement.pdf", "named like a PDF but its content is a PNG image"),
    (b"", "empty.pdf", "The file is empty."),
    (b"<html><script>x</script></html>", "agreement.html", "Files of type &#39;.html&#39; are not accepted"),
])
def test_a_file_of_the_wrong_type_is_refused_with_the_reason_and_nothing_is_stored(app, users, cases, sign_in, content, filename, message):
    case = cases.propose()
    response = upload(sign_in(users["officer"]), case, content, filename)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored_documents() == 0 and uploaded_files(app) == []


def test_a_file_over_the_size_limit_gets_a_clear_message_not_a_bare_413(app, users, cases, sign_in):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    case = cases.propose()
    response = upload(sign_in(users["officer"]), case, b"%PDF-1.4\n" + b"x" * 4096, "big.pdf")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "The file is larger than the upload limit of 2 KB; nothing was stored." in page
    assert 'name="file"' in page
    assert stored_documents() == 0


def test_the_size_limit_page_is_not_shown_to_those_who_may_not_upload(app, users, cases, sign_in):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    case = cases.propose()
    response = upload(sign_in(users["auditor"]), case, b"x" * 4096, "big.txt")
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["auditor", "admin"])
def test_auditors_and_admins_read_documents_but_may_not_attach_them(app, users, cases, sign_in, who):
    case = cases.propose()
    response = upload(sign_in(users[who]), case, PDF, "agreement.pdf")
    assert response.status_code == 403
    assert stored_documents() == 0


def test_signing_in_is_needed_to_list_upload_or_download(app, users, cases, client):
    case = cases.in_state("agreed")  # its signed agreement was attached on the way
    document = db.session.scalar(select(Document))
    for response in (client.get(f"/cases/{case.id}/documents"), upload(client, case, PDF, "a.pdf"),
                     client.get(f"/cases/{case.id}/documents/{document.id}")):
        assert response.status_code in (302, 401)
    assert stored_documents() == 1


@pytest.mark.parametrize("who", ["officer", "reviewer", "auditor", "admin"])
def test_every_role_downloads_a_document_as_an_attachment_under_its_name(app, users, cases, sign_in, who):
    case = cases.propose()
    upload(sign_in(users["officer"]), case, PDF, "Accord signé.pdf")
    document = db.session.scalar(select(Document))
    with sign_in(users[who]).get(f"/cases/{case.id}/documents/{document.id}") as response:
        assert response.status_code == 200 and response.data == PDF
        assert response.headers["Content-Type"] == "application/pdf"
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment;") and "filename*=UTF-8''Accord%20sign%C3%A9.pdf" in disposition
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_document_is_only_found_under_its_own_case(app, users, cases, sign_in):
    case = cases.propose()
    other = cases.propose(partner=case.partner, title="Another partnership")
    upload(sign_in(users["officer"]), case, PDF, "agreement.pdf")
    document = db.session.scalar(select(Document))
    assert sign_in(users["auditor"]).get(f"/cases/{other.id}/documents/{document.id}").status_code == 404
    assert sign_in(users["auditor"]).get(f"/cases/{case.id}/documents/{document.id + 1}").status_code == 404


def test_uploads_are_refused_without_a_csrf_token(app, users, cases, sign_in):
    app.config["WTF_CSRF_ENABLED"] = True
    case = cases.propose()
    response = upload(sign_in(users["officer"]), case, PDF, "agreement.pdf")
    assert response.status_code == 400
    assert stored_documents() == 0


def test_with_csrf_on_the_panels_token_is_accepted(app, users, cases, sign_in, client):
    app.config["WTF_CSRF_ENABLED"] = True
    case = cases.propose()
    page = sign_in(users["officer"]).get(f"/cases/{case.id}/documents").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert upload(client, case, PDF, "agreement.pdf", csrf_token=token).status_code == 303
    assert stored_documents() == 1


def test_nothing_deletes_or_replaces_a_document(app):
    methods = {m for rule in app.url_map.iter_rules() if rule.endpoint.startswith(("documents.", "comments."))
               for m in rule.methods}
    assert methods <= {"GET", "HEAD", "OPTIONS", "POST"}

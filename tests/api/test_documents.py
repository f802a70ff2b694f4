"""Documents through the API: officers and reviewers upload with multipart/form-data, every role lists and
downloads, and each refusal is a JSON error naming the field, with nothing stored."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseflow.extensions import db
from caseflow.models import DOCUMENT_KINDS, Document
from tests.documents.conftest import DOCX, PDF, PNG


def upload(client, case_id: int, content: bytes | None = PDF, filename: str = "PCA-2026-001.pdf",
           kind: str | None = "signed_agreement", **extra):
    """POST a multipart upload; None leaves the kind or the file out."""
    data = {**({"kind": kind} if kind is not None else {}), **extra}
    if content is not None:
        data["file"] = (io.BytesIO(content), filename)
    return client.post(f"/api/v1/cases/{case_id}/documents", data=data, content_type="multipart/form-data")


def stored_documents() -> int:
    return db.session.scalar(select(func.count()).select_from(Document))


def stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return [p for p in folder.iterdir() if p.is_file()] if folder.exists() else []


@pytest.mark.parametrize("who", ["officer", "reviewer"])
def test_an_upload_is_listed_and_downloaded(app, api, users, cases, who):
    case = cases.propose()
    created = upload(api(who), case.id, PDF, "Accord signé.pdf")
    assert created.status_code == 201, created.json
    document = created.json
    assert created.headers["Location"] == document["download_url"] == \
        f"/api/v1/cases/{case.id}/documents/{document['id']}"
    facts = ("case_id", "kind", "kind_label", "filename", "content_type", "size", "sha256")
    assert {k: document[k] for k in facts} == {
        "case_id": case.id, "kind": "signed_agreement", "kind_label": "Signed agreement",
        "filename": "Accord signé.pdf", "content_type": "application/pdf", "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest()}
    assert document["uploaded_by"] == {"id": users[who].id, "email": users[who].email, "name": users[who].name}
    assert document["uploaded_at"]

    listed = api("auditor").get(f"/api/v1/cases/{case.id}/documents")
    assert listed.status_code == 200
    assert listed.json["items"] == [document]
    assert (listed.json["case_id"], listed.json["total"], listed.json["next"]) == (case.id, 1, None)

    with api("auditor").get(document["download_url"]) as downloaded:
        assert downloaded.status_code == 200 and downloaded.data == PDF
        assert downloaded.headers["Content-Type"] == "application/pdf"
        disposition = downloaded.headers["Content-Disposition"]
        assert disposition.startswith("attachment;") and "filename*=UTF-8''Accord%20sign%C3%A9.pdf" in disposition
        assert downloaded.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("who", ["officer", "reviewer", "auditor", "admin"])
def test_every_role_lists_and_downloads(app, api, cases, who):
    case = cases.in_state("agreed")  # its signed agreement was attached on the way
    listed = api(who).get(f"/api/v1/cases/{case.id}/documents")
    assert listed.status_code == 200
    [document] = listed.json["items"]
    with api(who).get(document["download_url"]) as downloaded:
        assert downloaded.status_code == 200 and downloaded.data.startswith(b"%PDF-")


def test_the_list_is_newest_first_and_paged(app, api, cases):
    case = cases.propose()
    for name in ("first.pdf", "second.docx", "third.png"):
        content = {".pdf": PDF, ".docx": DOCX, ".png": PNG}[Path(name).suffix]
        assert upload(api("officer"), case.id, content, name, kind="other").status_code == 201
    page = api("reviewer").get(f"/api/v1/cases/{case.id}/documents?limit=2")
    assert [d["filename"] for d in page.json["items"]] == ["third.png", "second.docx"]
    assert page.json["total"] == 3 and page.json["next"] == f"/api/v1/cases/{case.id}/documents?limit=2&offset=2"
    rest = api("reviewer").get(page.json["next"])
    assert [d["filename"] for d in rest.json["items"]] == ["first.pdf"] and rest.json["next"] is None
    bad = api("reviewer").get(f"/api/v1/cases/{case.id}/documents?limit=0&colour=red")
    assert bad.status_code == 400 and set(bad.json["fields"]) == {"limit", "colour"}


@pytest.mark.parametrize("who", ["auditor", "admin"])
def test_auditors_and_admins_may_not_upload(app, api, cases, who):
    case = cases.propose()
    response = upload(api(who), case.id)
    assert response.status_code == 403
    assert response.json["error"] == "NotAllowed"
    assert stored_documents() == 0


def test_an_officer_uploads_only_to_the_cases_they_own(app, api, cases):
    case = cases.propose()  # owned by officer
    response = upload(api("officer2"), case.id)
    assert response.status_code == 403
    assert response.json["error"] == "NotAllowed" and "is not yours" in response.json["message"]
    assert stored_documents() == 0 and stored_files(app) == []


@pytest.mark.parametrize("change, field, message", [
    ({"kind": "contract"}, "kind",
     "must be one of signed_agreement, review_report, exit_plan, termination_note, other"),
    ({"kind": None}, "kind", "must be one of signed_agreement"),
    ({"content": None}, "file", "is required"),
    ({"content": b"MZ\x90\x00binary", "filename": "setup.exe"}, "file", "Files of type '.exe' are not accepted"),
    ({"content": PNG, "filename": "agreement.pdf"}, "file", "named like a PDF but its content is a PNG image"),
    ({"content": b"<html><script>x</script></html>", "filename": "agreement.html"}, "file", "'.html' are not accepted"),
    ({"content": b"", "filename": "empty.pdf"}, "file", "The file is empty."),
    ({"content": PDF, "filename": ""}, "file", "Choose a file to upload."),
    ({"note": "hello"}, "note", "is not a field of this request"),
])
def test_a_bad_upload_is_refused_with_the_field_named_and_nothing_stored(app, api, cases, change, field, message):
    case = cases.propose()
    arguments = {"content": PDF, "filename": "agreement.pdf", "kind": "signed_agreement"}
    extra = {k: v for k, v in change.items() if k not in arguments}
    arguments.update({k: v for k, v in change.items() if k in arguments})
    response = upload(api("officer"), case.id, **arguments, **extra)
    assert response.status_code == 422, response.json
    assert response.json["error"] == "InvalidData"
    assert message in response.json["fields"][field]
    assert stored_documents() == 0 and stored_files(app) == []


def test_one_kind_and_one_file_are_expected(app, api, cases):
    case = cases.propose()
    response = api("officer").post(f"/api/v1/cases/{case.id}/documents", content_type="multipart/form-data", data={
        "kind": ["signed_agreement", "other"], "file": [(io.BytesIO(PDF), "a.pdf"), (io.BytesIO(PDF), "b.pdf")]})
    assert response.status_code == 422
    assert response.json["fields"] == {"kind": "is given more than once", "file": "is given more than once"}
    assert stored_documents() == 0


def test_a_file_sent_as_a_text_field_is_not_taken_for_a_file(app, api, cases):
    case = cases.propose()
    response = upload(api("officer"), case.id, content=None, file="%PDF-1.4 but no file name")
    assert response.status_code == 422
    assert "sent as a file part with its name" in response.json["fields"]["file"]
    assert stored_documents() == 0


@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary=xyz"])
def test_a_malformed_multipart_body_is_refused_not_a_crash(app, api, cases, content_type):
    case = cases.propose()
    response = api("officer").post(f"/api/v1/cases/{case.id}/documents", data=b"--abc\r\nnot a part",
                                   headers={"Content-Type": content_type})
    assert response.status_code == 422
    assert "file" in response.json["fields"]


def test_a_file_over_the_limit_is_a_json_413_and_nothing_is_stored(app, api, cases):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    case = cases.propose()
    response = upload(api("officer"), case.id, b"%PDF-1.4\n" + b"x" * 4096, "big.pdf")
    assert response.status_code == 413
    assert response.json == {"error": "RequestEntityTooLarge",
                             "message": "The file is larger than the upload limit of 2 KB; nothing was stored."}
    assert stored_documents() == 0 and stored_files(app) == []


def test_the_role_is_checked_before_a_large_body_is_read(app, api, cases):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    case = cases.propose()
    assert upload(api("auditor"), case.id, b"x" * 4096, "big.txt").status_code == 403


def test_a_body_that_is_not_multipart_is_a_415(app, api, cases):
    case = cases.propose()
    response = api("officer").post(f"/api/v1/cases/{case.id}/documents", json={"kind": "signed_agreement"})
    assert response.status_code == 415
    assert response.json["error"] == "UnsupportedMediaType"


def test_unknown_cases_and_documents_are_404(app, api, cases):
    case = cases.propose()
    other = cases.propose(title="Another partnership")
    document_id = upload(api("officer"), case.id).json["id"]
    for response in (api("officer").get("/api/v1/cases/999999/documents"), upload(api("officer"), 999999),
                     api("auditor").get(f"/api/v1/cases/999999/documents/{document_id}"),
                     api("auditor").get(f"/api/v1/cases/{other.id}/documents/{document_id}"),
                     api("auditor").get(f"/api/v1/cases/{case.id}/documents/{document_id + 1}"),
                     api("auditor").get(f"/api/v1/cases/{case.id}/documents/99999999999")):
        assert response.status_code == 404
        assert response.json["error"] in ("CaseNotFound", "NotFound")
    assert stored_documents() == 1


def test_a_token_is_needed_to_list_upload_or_download(app, api, cases):
    case = cases.in_state("agreed")
    document = db.session.scalar(select(Document))
    for response in (api().get(f"/api/v1/cases/{case.id}/documents"), upload(api(), case.id),
                     api().get(f"/api/v1/cases/{case.id}/documents/{document.id}")):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert stored_documents() == 1


def test_an_agreement_uploaded_through_the_api_lets_a_funded_partnership_be_agreed(app, api, cases):
    from tests.factories import agreement

    case = cases.in_state("vetted")
    body = {"trigger": "agree", "data": agreement()}
    refused = api("officer").post(f"/api/v1/cases/{case.id}/transitions", json=body)
    assert refused.status_code == 422 and refused.json["guards"][0]["guard"] == "signed_agreement_attached"
    assert upload(api("reviewer"), case.id, kind="review_report").status_code == 201  # another kind does not count
    assert api("officer").post(f"/api/v1/cases/{case.id}/transitions", json=body).status_code == 422
    assert upload(api("officer"), case.id).status_code == 201
    agreed = api("officer").post(f"/api/v1/cases/{case.id}/transitions", json=body)
    assert agreed.status_code == 200 and agreed.json["case"]["state"] == "agreed"


def test_the_document_lists_the_kinds_and_download_types_the_app_has(client):
    from caseflow.api.documents import download_media_types

    document = client.get("/api/v1/openapi.json").json
    upload = document["paths"]["/cases/{case_id}/documents"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert upload["schema"]["properties"]["kind"]["enum"] == list(DOCUMENT_KINDS)
    download = document["paths"]["/cases/{case_id}/documents/{document_id}"]["get"]["responses"]["200"]
    assert sorted(download["content"]) == sorted(download_media_types())

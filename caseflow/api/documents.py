"""The documents endpoints: list a case's documents, upload one (multipart), download one.

Uploads go through caseflow.documents.store.attach_document, the web form's service: the same roles,
kinds, file types, content sniffing and size limit, one set of checks for both.
"""
from __future__ import annotations

from flask import request, url_for
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import RequestEntityTooLarge

from caseflow.api import bp, schemas
from caseflow.api.auth import api_roles, api_user
from caseflow.api.cases import load_case
from caseflow.api.errors import ApiError
from caseflow.api.fields import PageQuery
from caseflow.api.idempotent import idempotent
from caseflow.api.paging import page
from caseflow.api.refusals import IDEMPOTENCY_KEY, REPLAYED, refuses
from caseflow.auth.access import ANY_ROLE
from caseflow.documents.sniff import ALLOWED
from caseflow.documents.store import (UPLOAD_ROLES, DocumentRejected, attach_document, documents_query,
                                      max_upload_bytes, may_upload, stored_document, too_large_message,
                                      upload_refusal)
from caseflow.documents.views import send_document
from caseflow.models import DOCUMENT_KINDS, Document

UPLOAD_FIELDS = ("kind", "file")
UPLOAD_BODY = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": list(UPLOAD_FIELDS), "additionalProperties": False,
    "properties": {"kind": {"type": "string", "enum": list(DOCUMENT_KINDS)},
                   "file": {"type": "string", "format": "binary",
                            "description": "The file, sent as a file part with its name; the name's extension "
                                           "says what type it must be."}}}}}}


def download_media_types() -> list[str]:
    """The content types a download can have: those of the accepted upload types, without parameters."""
    return list(dict.fromkeys(content_type.split(";")[0] for content_type, _ in ALLOWED.values()))


DOWNLOAD = {"description": "The file's bytes with its content type, as an attachment under its original name.",
            "headers": {"Content-Disposition": {"required": True, "description": "attachment; filename=...",
                                                "schema": {"type": "string"}}},
            "content": {media_type: {"schema": {"type": "string", "format": "binary"}}
                        for media_type in download_media_types()}}


@bp.get("/cases/<int:case_id>/documents")
@refuses(400, 401, 404)
@api_roles(*ANY_ROLE)
@bp.arguments(PageQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.DocumentPage)
def list_documents(case_id: int, **args):
    """List a case's documents, newest first, a page at a time."""
    case = load_case(case_id)
    query = documents_query(case.id).options(joinedload(Document.uploaded_by))
    rows, meta = page(query, args, "api.list_documents", case_id=case.id)
    return {"case_id": case.id, "items": rows, **meta}


def _upload_parts() -> tuple[str, str, bytes, dict[str, str]]:
    """Read the multipart body: the kind, the file's name and bytes, and what is wrong with the parts."""
    if request.mimetype != "multipart/form-data":
        raise ApiError(415, "UnsupportedMediaType",
                       "Send the document as multipart/form-data with the fields 'kind' and 'file'.")
    try:
        form, files = request.form, request.files
    except RequestEntityTooLarge:
        raise ApiError(413, "RequestEntityTooLarge", too_large_message()) from None
    errors = {name: "is not a field of this request" for name in {*form, *files} if name not in UPLOAD_FIELDS}
    for name in UPLOAD_FIELDS:
        if len(form.getlist(name)) + len(files.getlist(name)) > 1:
            errors[name] = "is given more than once"
    kind, upload = form.get("kind", ""), files.get("file")
    if upload is None:
        errors.setdefault("file", "is required: the file itself, sent as a file part with its name "
                                  "(curl -F file=@agreement.pdf)")
        return kind, "", b"", errors
    return kind, upload.filename or "", upload.read(), errors


@bp.post("/cases/<int:case_id>/documents")
@refuses(401, 403, 404, 409, 413, 415, 422)
@api_roles(*UPLOAD_ROLES)
@idempotent
@bp.doc(requestBody=UPLOAD_BODY, parameters=[IDEMPOTENCY_KEY])
@bp.response(201, schemas.Document, description="The document was stored and recorded on the case.",
             headers={"Location": {"description": "Where to download the file.", "schema": {"type": "string"}},
                      "Idempotent-Replayed": REPLAYED})
def upload_document(case_id: int):
    """Attach a document to a case (officers and reviewers): multipart/form-data with `kind` and `file`, as
    `curl -F kind=signed_agreement -F file=@agreement.pdf`. The checks are the upload form's: the name's extension
    must be an accepted one and the bytes must really be that type; the file must not be empty or over the upload
    limit. Documents are never replaced or deleted."""
    case = load_case(case_id)
    if not may_upload(api_user(), case):
        raise ApiError(403, "NotAllowed", upload_refusal(api_user(), case))
    kind, filename, content, errors = _upload_parts()
    if errors:
        raise ApiError(422, "InvalidData", "The upload is not valid; nothing was stored.", fields=errors)
    try:
        document = attach_document(case, kind, filename, content, api_user())
    except DocumentRejected as exc:
        if len(content) > max_upload_bytes():  # only when MAX_CONTENT_LENGTH is unset: the service's own limit
            raise ApiError(413, "RequestEntityTooLarge", exc.message) from None
        # An API client is told the values, as every choice parameter does; a person gets the form's sentence.
        message = "must be one of " + ", ".join(DOCUMENT_KINDS) if exc.field == "kind" else exc.message
        raise ApiError(422, "InvalidData", "The upload is not valid; nothing was stored.",
                       fields={exc.field: message}) from None
    location = url_for("api.download_document", case_id=document.case_id, document_id=document.id)
    return document, 201, {"Location": location}


@bp.get("/cases/<int:case_id>/documents/<int:document_id>")
@refuses(401, 404)
@api_roles(*ANY_ROLE)
@bp.doc(responses={"200": DOWNLOAD})
def download_document(case_id: int, document_id: int):
    """Download a document's file as an attachment under its original name."""
    load_case(case_id)
    document = stored_document(case_id, document_id)  # the route's converter bounds the ids
    if document is None:
        raise ApiError(404, "NotFound", f"Case {case_id} has no document {document_id}.")
    return send_document(document)

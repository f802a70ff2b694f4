"""The documents endpoints: list a case's documents, upload one (multipart), download one.

Uploads go through caseflow.documents.store.attach_document, the web form's service: the same roles,
kinds, file types, content sniffing and size limit, one set of checks for both.
"""
from __future__ import annotations

from flask import jsonify, request
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import RequestEntityTooLarge

from caseflow.api import bp
from caseflow.api.auth import api_roles, api_user
from caseflow.api.cases import load_case
from caseflow.api.errors import ApiError
from caseflow.api.idempotent import idempotent
from caseflow.api.inputs import PAGING, query_args
from caseflow.api.paging import page
from caseflow.api.serialize import document_dict
from caseflow.auth.access import ANY_ROLE
from caseflow.documents.store import (UPLOAD_ROLES, DocumentRejected, attach_document, documents_query,
                                      max_upload_bytes, may_upload, stored_document, too_large_message,
                                      upload_refusal)
from caseflow.documents.views import send_document
from caseflow.models import DOCUMENT_KINDS, Document

UPLOAD_FIELDS = ("kind", "file")


@bp.get("/cases/<int:case_id>/documents")
@api_roles(*ANY_ROLE)
def list_documents(case_id: int):
    """List a case's documents, newest first, a page at a time."""
    case = load_case(case_id)
    args = query_args(dict(PAGING))
    query = documents_query(case.id).options(joinedload(Document.uploaded_by))
    rows, meta = page(query, args, "api.list_documents", case_id=case.id)
    return jsonify(case_id=case.id, items=[document_dict(d) for d in rows], **meta)


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
@api_roles(*UPLOAD_ROLES)
@idempotent
def upload_document(case_id: int):
    """Attach a file to a case: multipart/form-data with `kind` and `file`."""
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
    body = document_dict(document)
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = body["download_url"]
    return response


@bp.get("/cases/<int:case_id>/documents/<int:document_id>")
@api_roles(*ANY_ROLE)
def download_document(case_id: int, document_id: int):
    """Download a document's file as an attachment under its original name."""
    load_case(case_id)
    document = stored_document(case_id, document_id)  # the route's converter bounds the ids
    if document is None:
        raise ApiError(404, "NotFound", f"Case {case_id} has no document {document_id}.")
    return send_document(document)

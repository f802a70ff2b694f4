"""Pages to list, upload and download a case's documents."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.exceptions import Forbidden, RequestEntityTooLarge

from caseflow.auth.access import ANY_ROLE, roles_required
from caseflow.documents import bp
from caseflow.documents.forms import DocumentForm
from caseflow.documents.sniff import ALLOWED
from caseflow.documents.store import (UPLOAD_ROLES, DocumentRejected, attach_document, documents_of, max_upload_bytes,
                                      may_upload, path_of, size_label, stored_document, too_large_message,
                                      upload_refusal)
from caseflow.extensions import db
from caseflow.models import DOCUMENT_KINDS, Case, Document


@bp.app_context_processor
def panel_helpers() -> dict:
    """What templates/documents/_panel.html needs besides `case`."""
    return {"case_documents": documents_of, "may_upload_documents": may_upload, "document_kinds": DOCUMENT_KINDS,
            "document_extensions": ",".join(sorted(ALLOWED)), "document_size_label": size_label,
            "upload_limit_label": lambda: size_label(max_upload_bytes()), "case_page": case_page}


def case_page(case: Case) -> str:
    """The case's own page when the case pages are installed, else its documents page."""
    if "cases.detail" in current_app.view_functions:
        return url_for("cases.detail", case_id=case.id)
    return url_for("documents.index", case_id=case.id)


@bp.get("/cases/<int:case_id>/documents")
@roles_required(*ANY_ROLE)
def index(case_id: int):
    """List a case's documents, with the upload form for those who may upload."""
    case = db.get_or_404(Case, case_id)
    return render_template("documents/index.html", case=case, document_form=DocumentForm(formdata=None))


@bp.post("/cases/<int:case_id>/documents")
@roles_required(*UPLOAD_ROLES)
def upload(case_id: int):
    """Attach an uploaded file to a case."""
    case = db.get_or_404(Case, case_id)
    if not may_upload(current_user, case):
        abort(403, description=upload_refusal(current_user, case))
    form = DocumentForm()
    if form.validate_on_submit():
        upload_file = form.file.data
        try:
            document = attach_document(case, form.kind.data, upload_file.filename, upload_file.read(), current_user)
        except DocumentRejected as exc:
            form[exc.field].errors = [*form[exc.field].errors, exc.message]
        else:
            flash(f"{DOCUMENT_KINDS[document.kind]} '{document.filename}' attached to {case.reference}.", "success")
            return redirect(case_page(case), code=303)
    return render_template("documents/index.html", case=case, document_form=form), 422


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """Answer an upload over the size limit with the upload form and a clear message, not a bare 413."""
    if not may_upload(current_user):
        return Forbidden()  # the body was refused before the role check ran
    case_id = (request.view_args or {}).get("case_id")
    case = db.session.get(Case, case_id) if case_id else None
    if case is None:
        return too_large_message(), 413
    if not may_upload(current_user, case):
        return Forbidden(upload_refusal(current_user, case))
    form = DocumentForm(formdata=None)
    form.file.errors = [too_large_message()]
    return render_template("documents/index.html", case=case, document_form=form), 413


@bp.get("/cases/<int:case_id>/documents/<int:document_id>")
@roles_required(*ANY_ROLE)
def download(case_id: int, document_id: int):
    """Send a document as an attachment under its original name."""
    document = stored_document(case_id, document_id) or abort(404)
    return send_document(document)


def send_document(document: Document):
    """The response sending `document` as an attachment that no browser renders or sniffs (the API's too)."""
    response = send_file(path_of(document), mimetype=document.content_type, as_attachment=True,
                         download_name=document.filename, max_age=0, etag=document.sha256)
    response.content_type = document.content_type  # as stored: send_file would add a second charset to text types
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

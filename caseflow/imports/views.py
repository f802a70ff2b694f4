"""The admin's import page: upload a spreadsheet, read the dry run, confirm the import."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.exceptions import Forbidden, RequestEntityTooLarge

from caseflow.auth.access import roles_required
from caseflow.documents.store import too_large_message
from caseflow.imports import bp, pending
from caseflow.imports.forms import ConfirmForm, UploadForm
from caseflow.imports.layout import PARTNER_COLUMNS, PARTNERSHIP_COLUMNS
from caseflow.imports.reader import UnreadableFile
from caseflow.imports.service import dry_run, import_file, load_file


def _page(form=None, report=None, status=200):
    return render_template("imports/upload.html", form=form or UploadForm(formdata=None), report=report,
                           confirm=ConfirmForm(formdata=None, token=pending.token()), partner_columns=PARTNER_COLUMNS,
                           partnership_columns=PARTNERSHIP_COLUMNS), status


@bp.get("/admin/import")
@roles_required("admin")
def upload():
    """The upload form and the column layout."""
    return _page()


@bp.post("/admin/import")
@roles_required("admin")
def check():
    """Keep the uploaded file and show its dry run: every problem by row and column, or what would be imported."""
    form = UploadForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    pending.discard()
    path = pending.keep(form.file.data.filename or "", form.file.data.read())
    try:
        report = dry_run(load_file(path, form.file.data.filename))
    except UnreadableFile as exc:
        pending.discard()
        form.file.errors = [str(exc)]
        return _page(form, status=422)
    if report.problems:
        pending.discard()
    return _page(report=report, status=422 if report.problems else 200)


@bp.post("/admin/import/confirm")
@roles_required("admin")
def confirm():
    """Import the file that was checked, in one transaction; show the problems if it is no longer valid."""
    form = ConfirmForm()
    found = pending.find(form.token.data) if form.validate_on_submit() else None
    if found is None:
        flash("There is no checked file to import: upload it again.", "error")
        return redirect(url_for("imports.upload"), code=303)
    path, filename = found
    report = import_file(load_file(path, filename), current_user)
    pending.discard()
    if report.problems:
        return _page(report=report, status=422)
    flash(report.summary(), "success")
    return redirect(url_for("imports.upload"), code=303)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """An upload over the size limit gets the form and a clear message, not a bare 413."""
    if not (current_user.is_authenticated and current_user.role == "admin"):
        return Forbidden()  # the body was refused before the role check ran
    form = UploadForm(formdata=None)
    form.file.errors = [too_large_message()]
    return _page(form, status=413)

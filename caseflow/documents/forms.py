"""The upload form; the kind and the file itself are checked by caseflow.documents.store."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField


class DocumentForm(FlaskForm):
    """Upload one file of a given kind to a case."""

    # A plain field: the panel renders the kinds (DOCUMENT_KINDS) and store.check_upload refuses others.
    kind = StringField("Kind of document")
    file = FileField("File", validators=[FileRequired("Choose a file to upload.")])

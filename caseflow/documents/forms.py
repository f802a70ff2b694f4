"""The upload form; what a file must be is checked by caseflow.documents.store."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField

from caseflow.models import DOCUMENT_KINDS


class DocumentForm(FlaskForm):
    kind = SelectField("Kind of document", choices=list(DOCUMENT_KINDS.items()))
    file = FileField("File", validators=[FileRequired("Choose a file to upload.")])

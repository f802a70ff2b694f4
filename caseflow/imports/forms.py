"""The import page's forms: upload a file, then confirm the import of the file checked."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import DataRequired


class UploadForm(FlaskForm):
    """Upload a spreadsheet for its dry run."""

    file = FileField("Spreadsheet (.csv or .xlsx)", validators=[FileRequired("Choose a file to check.")])


class ConfirmForm(FlaskForm):
    """Confirm the import of the file just checked, named by its pending token."""

    token = HiddenField(validators=[DataRequired()])

"""The import page's forms: upload a file, then confirm the import of the file checked."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import DataRequired


class UploadForm(FlaskForm):
    file = FileField("Spreadsheet (.csv or .xlsx)", validators=[FileRequired("Choose a file to check.")])


class ConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])

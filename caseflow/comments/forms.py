"""The comment form; the rules on its content are in caseflow.comments.service."""
from flask_wtf import FlaskForm
from wtforms import TextAreaField


class CommentForm(FlaskForm):
    """Add one plain-text comment to a case."""

    body = TextAreaField("Comment")

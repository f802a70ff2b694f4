"""The comment form; the rules on its content are in caseflow.comments.service."""
from flask_wtf import FlaskForm
from wtforms import TextAreaField


class CommentForm(FlaskForm):
    body = TextAreaField("Comment")

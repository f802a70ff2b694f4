"""Comments on a case: plain text notes that join the case's timeline; never edited or deleted."""
from flask import Blueprint

bp = Blueprint("comments", __name__)

from caseflow.comments import views  # noqa: E402,F401 - registers the routes on bp

"""The reviewers' queue: reviews open and reviews fallen due."""
from flask import Blueprint

bp = Blueprint("reviews", __name__)

from caseflow.reviews import views  # noqa: E402,F401

"""The partner directory: organisations, their partnerships and their flags."""
from flask import Blueprint

bp = Blueprint("partners", __name__)

from caseflow.partners import views  # noqa: E402,F401

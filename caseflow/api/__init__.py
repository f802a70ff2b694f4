"""The JSON API under /api/v1: bearer tokens, the same role checks as the pages, every change through the engine."""
from flask import Blueprint

from caseflow.api import errors
from caseflow.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Clients authenticate with bearer tokens, never session cookies, so there is no CSRF to forge.
csrf.exempt(bp)
errors.register(bp)

from caseflow.api import cases, docs, documents, reading  # noqa: E402,F401 - attach the endpoints to bp

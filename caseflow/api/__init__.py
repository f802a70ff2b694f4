"""The JSON API under /api/v1: bearer tokens, the same role checks as the pages, every change through the engine.

The endpoints live on a flask-smorest blueprint, so their schemas are the OpenAPI document (caseflow.api.spec).
"""
from flask import Flask
from flask_smorest import Blueprint

from caseflow.api import errors
from caseflow.api.parsing import parser
from caseflow.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1", description="Partnership cases, their steps and documents.")
bp.ARGUMENTS_PARSER = parser
# Clients authenticate with bearer tokens, never session cookies, so there is no CSRF to forge.
csrf.exempt(bp)
errors.register(bp)

from caseflow.api import cases, docs, documents, reading  # noqa: E402,F401 - attach the endpoints to bp


def register(app: Flask) -> None:
    """Attach the API and its interactive documentation page to `app`, and build its OpenAPI document."""
    from caseflow.api.spec import init_spec

    init_spec(app, bp)
    app.register_blueprint(docs.page)

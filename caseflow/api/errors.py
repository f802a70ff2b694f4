"""JSON errors for the API: every refusal is {"error": ..., "message": ...} with its status."""
from __future__ import annotations

from decimal import InvalidOperation

from flask import jsonify
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from caseflow.workflow import WorkflowError


class ApiError(Exception):
    """A refusal the API answers with `status` and a JSON body; `fields` names bad inputs."""

    def __init__(self, status: int, error: str, message: str, fields: dict[str, str] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.error, self.message = status, error, message
        self.fields, self.headers = fields, headers or {}

    def to_dict(self) -> dict:
        body = {"error": self.error, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return body


def error_response(body: dict, status: int, headers: dict | None = None):
    """Return the JSON error response."""
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def register(bp) -> None:
    """Answer every error raised under the blueprint as JSON, never as an HTML page."""

    @bp.errorhandler(ApiError)
    def api_error(exc: ApiError):
        return error_response(exc.to_dict(), exc.status, exc.headers)

    @bp.errorhandler(WorkflowError)
    def workflow_error(exc: WorkflowError):
        return error_response(exc.to_dict(), exc.status)

    # A number beyond what a decimal or a column holds is bad input, not a server fault.
    @bp.errorhandler(InvalidOperation)
    @bp.errorhandler(DataError)
    def out_of_range(exc):
        return error_response({"error": "InvalidData", "message": "A value is too large or too long for its field."}, 422)

    @bp.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        name = type(exc).__name__ if exc.code != 500 else "ServerError"
        headers = {"Allow": ", ".join(exc.valid_methods)} if getattr(exc, "valid_methods", None) else None
        return error_response({"error": name, "message": exc.description or name}, exc.code or 500, headers)

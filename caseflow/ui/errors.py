"""Friendly error pages for people, JSON errors for API clients."""
from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

MESSAGES = {
    400: ("Bad request", "The page could not understand what was sent. If you submitted a form, its security token "
          "may have expired: go back, reload the page and try again."),
    403: ("Not allowed", "Your role does not allow this page or action. Ask an administrator if you think it should."),
    404: ("Not found", "There is nothing at this address. It may have been mistyped, or the case or partner does not exist."),
    405: ("Not allowed", "This address does not accept that kind of request."),
    409: ("Conflict", "Someone else changed this first. Reload and try again."),
    429: ("Too many attempts", "Too many attempts in a short time. Wait a minute and try again."),
    500: ("Something went wrong", "The server failed to answer. The error was logged; try again in a moment."),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _allowed_methods(error: HTTPException) -> list[str]:
    """The methods of a 405, less those only the API's catch-all for unknown paths answers."""
    methods = list(getattr(error, "valid_methods", None) or [])
    return served_methods(methods) if methods and _wants_json() else methods


def served_methods(methods) -> list[str]:
    """Those of `methods` a real endpoint answers at this request's path (not the API's catch-all)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    served = []
    for method in methods:
        try:
            endpoint, _ = adapter.match(method=method)
        except HTTPException:
            continue
        if endpoint != "api.unknown":
            served.append(method)
    return served


def render_error(error: HTTPException):
    """Answer an HTTP error as a page, or as JSON under /api/."""
    code = error.code or 500
    title, explanation = MESSAGES.get(code, (error.name, error.description))
    if code != 400 and error.description and error.description != type(error).description:
        explanation = error.description  # a view's own words, e.g. which state the case moved to
    # A 405 names the methods the address accepts (RFC 9110), whoever answers it.
    allowed = _allowed_methods(error)
    headers = {"Allow": ", ".join(allowed)} if allowed else {}
    if _wants_json():
        return jsonify(error=error.name, message=error.description, status=code), code, headers
    return render_template("errors/error.html", code=code, title=title, explanation=explanation), code, headers


def render_unexpected(error: Exception):
    """Answer an unexpected exception with a 500 page (the traceback goes to the log)."""
    if isinstance(error, HTTPException):
        return render_error(error)
    # A handler for Exception takes the error away from Flask, which then logs nothing: log it here.
    current_app.log_exception((type(error), error, error.__traceback__))
    return render_error(InternalServerError())


def _exact_allow(response):
    """An automatic OPTIONS answer under /api/ lists only the methods the resource has."""
    if request.method == "OPTIONS" and _wants_json() and "Allow" in response.headers:
        response.headers["Allow"] = ", ".join(served_methods(response.headers["Allow"].split(", ")))
    return response


def register(app: Flask) -> None:
    """Attach the handlers for every HTTP error and for unexpected exceptions."""
    app.register_error_handler(HTTPException, render_error)
    app.after_request(_exact_allow)
    if not app.config.get("TESTING"):
        # Under tests, let exceptions propagate so a failing test shows the traceback.
        app.register_error_handler(Exception, render_unexpected)

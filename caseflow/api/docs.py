"""The OpenAPI document, its interactive page (Swagger UI, served from the app), and JSON answers for paths and
methods the API does not have."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request, send_from_directory
from swagger_ui.utils import SWAGGER_UI_PY_ROOT
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import PathConverter

from caseflow.api import bp
from caseflow.api.errors import ApiError
from caseflow.api.spec import openapi_document

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
#: Swagger UI's own files, from the swagger-ui-py package: no CDN.
SWAGGER_UI = SWAGGER_UI_PY_ROOT / "static"
SWAGGER_FILES = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png"}

page = Blueprint("api_docs", __name__, url_prefix="/api/v1/docs")


@bp.get("/openapi.json")
@bp.doc(security=[], responses={"200": {"description": "The OpenAPI document.",
                                        "content": {"application/json": {"schema": {"type": "object"}}}}})
def openapi():
    """Serve the OpenAPI document (no token needed: it describes, it does not reveal)."""
    return jsonify(openapi_document())


@page.get("/")
def swagger_page():
    """The interactive page: read the document, sign in with a token, try each endpoint."""
    return render_template("api/docs.html")


@page.get("/assets/<name>")
def swagger_asset(name: str):
    """One of Swagger UI's own files."""
    if name not in SWAGGER_FILES:
        raise NotFound()
    return send_from_directory(SWAGGER_UI, name, max_age=3600)


class AnyPathConverter(PathConverter):
    """Like `path`, but also matching control characters such as a newline, so no API path escapes to HTML."""

    regex = r"[\s\S]*?"
    part_isolating = False


bp.record_once(lambda state: state.app.url_map.converters.setdefault("anypath", AnyPathConverter))


def unknown(rest: str):
    """Answer an unknown path with a JSON 404, or a known path with the wrong method with a JSON 405."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in METHODS:
        try:
            endpoint, _ = adapter.match(method=method)
        except (NotFound, MethodNotAllowed):
            continue
        if endpoint != "api.unknown":
            allowed.append(method)
    if allowed:
        raise ApiError(405, "MethodNotAllowed", f"{request.path} accepts {', '.join(allowed)}.",
                       headers={"Allow": ", ".join(allowed)})
    raise ApiError(404, "NotFound", f"There is no API endpoint {request.path}.")


# Added as plain Flask rules, so flask-smorest leaves them out of the document: they are what the API does not have.
Blueprint.add_url_rule(bp, "/", "unknown", unknown, defaults={"rest": ""}, methods=METHODS, strict_slashes=False)
Blueprint.add_url_rule(bp, "/<anypath:rest>", "unknown", unknown, methods=METHODS)

"""The OpenAPI document, and JSON answers for paths and methods the API does not have."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from flask import current_app, jsonify, request
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import PathConverter

from caseflow.api import bp
from caseflow.api.errors import ApiError
from caseflow.documents.sniff import ALLOWED
from caseflow.models import DOCUMENT_KINDS, PARTNER_TYPES
from caseflow.workflow import current_workflow

SPEC = Path(__file__).with_name("openapi.yaml")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@cache
def _spec_text() -> str:
    return SPEC.read_text()


def openapi_document() -> dict:
    """The API's OpenAPI 3.1 document from openapi.yaml, its lists (states, kinds, types) taken from the app."""
    document = yaml.safe_load(_spec_text())
    schemas = document["components"]["schemas"]
    # The workflow is data too (CASEFLOW_WORKFLOW): the document names the states it really has.
    schemas["State"]["enum"] = list(current_workflow().definition.states)
    schemas["PartnerType"]["enum"] = list(PARTNER_TYPES)
    schemas["DocumentKind"]["enum"] = list(DOCUMENT_KINDS)
    download = document["paths"]["/cases/{case_id}/documents/{document_id}"]["get"]["responses"]["200"]
    download["content"] = {media_type: {"schema": {"$ref": "#/components/schemas/File"}}
                           for media_type in download_media_types()}
    return document


def download_media_types() -> list[str]:
    """The content types a download can have: those of the accepted upload types, without parameters."""
    return list(dict.fromkeys(content_type.split(";")[0] for content_type, _ in ALLOWED.values()))


@bp.get("/openapi.json")
def openapi():
    """Serve the OpenAPI document (no token needed: it describes, it does not reveal)."""
    return jsonify(openapi_document())


class AnyPathConverter(PathConverter):
    """Like `path`, but also matching control characters such as a newline, so no API path escapes to HTML."""

    regex = r"[\s\S]*?"
    part_isolating = False


bp.record_once(lambda state: state.app.url_map.converters.setdefault("anypath", AnyPathConverter))


@bp.route("/", defaults={"rest": ""}, methods=METHODS, strict_slashes=False)
@bp.route("/<anypath:rest>", methods=METHODS)
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

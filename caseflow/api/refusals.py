"""The refusals each endpoint documents: one description per status, the error envelope for all of them."""
from __future__ import annotations

from caseflow.api import bp
from caseflow.api.fields import Error

IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "description": "A key the client chooses per write (a UUID, say), 1 to 255 printable ASCII characters. A repeat "
                   "with the same key, by the same user, to the same route with the same body, within 24 hours, changes "
                   "nothing and is answered with the first request's status, body and Location (header "
                   "Idempotent-Replayed: true). The same key with another body or route is refused with 422 "
                   "IdempotencyKeyReused; while the first request is still running, a repeat gets 409 "
                   "IdempotencyKeyInFlight with Retry-After. Only successful answers are kept."}
REPLAYED = {"description": "true when this is the stored answer to an earlier request with the same Idempotency-Key.",
            "schema": {"type": "string", "enum": ["true"]}}
DESCRIPTIONS = {
    400: "Malformed JSON, a body that is not an object, or bad query parameters (each named in fields).",
    401: "No token, or an unknown or revoked one, or the token's user is deactivated.",
    403: "The caller's role may not do this, or an officer does not own the case (error NotAllowed).",
    404: "No such case, partner or document.",
    409: "The case moved on: expected_version is stale, another change came first, or the trigger cannot be fired "
         "from the case's state now (error Conflict); or the first request with this Idempotency-Key is still "
         "running (error IdempotencyKeyInFlight, with Retry-After).",
    413: "The body is over the upload limit (error RequestEntityTooLarge). Nothing was stored.",
    415: "The body is not sent as application/json (multipart/form-data for an upload).",
    422: "Refused, nothing changed: InvalidData with `fields` (each bad member or field and why), GuardFailed with "
         "`guards` (each rule that failed and why), or IdempotencyKeyReused (`fields` names the header).",
}
HEADERS = {401: {"WWW-Authenticate": {"schema": {"type": "string"}}},
           409: {"Retry-After": {"schema": {"type": "string"}}}}


def refuses(*statuses: int):
    """Document that an endpoint answers each of `statuses` with the error envelope."""
    def decorate(view):
        for status in statuses:
            view = bp.alt_response(status, schema=Error, description=DESCRIPTIONS[status],
                                   headers=HEADERS.get(status))(view)
        return view
    return decorate

"""The Idempotency-Key header on API writes: a repeat of a write is answered with the first answer.

A key names one request of one user (method, path and body) for caseflow.idempotency.KEY_LIFETIME.
Only a successful answer (2xx) is kept: a refused request changed nothing, so its key stays free.
"""
from __future__ import annotations

import hashlib
import json
from functools import wraps

from flask import Response, request
from werkzeug.exceptions import RequestEntityTooLarge

from caseflow import idempotency
from caseflow.api.auth import api_user
from caseflow.api.errors import ApiError

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"


def _payload() -> bytes:
    """The request's body in a form that does not depend on how the client encoded it."""
    if request.mimetype == "multipart/form-data":
        # A client picks a new multipart boundary per send; the parts are what the request says.
        parts = sorted((name, value) for name, value in request.form.items(multi=True))
        files = []
        for name, upload in request.files.items(multi=True):
            files.append((name, upload.filename or "", hashlib.sha256(upload.read()).hexdigest()))
            upload.seek(0)
        return json.dumps([parts, sorted(files)]).encode()
    body = request.get_data(cache=True)
    try:
        return json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        return body


def _replay(row) -> Response:
    response = Response(row.body or "", status=row.status, mimetype="application/json")
    if row.location:
        response.headers["Location"] = row.location
    response.headers[REPLAYED] = "true"
    return response


def idempotent(view):
    """Let a write endpoint take an Idempotency-Key header (place it under api_roles)."""

    @wraps(view)
    def once(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        problem = idempotency.key_problem(key)
        if problem:
            raise ApiError(422, "InvalidData", f"The {HEADER} header is not valid.", fields={HEADER: problem})
        try:
            payload = _payload()
        except RequestEntityTooLarge:
            return view(*args, **kwargs)  # the view answers 413; nothing to remember
        user_id, path = api_user().id, request.full_path.rstrip("?")
        try:
            earlier = idempotency.claim(user_id, key, request.method, path,
                                        idempotency.fingerprint(request.method, path, payload))
        except idempotency.KeyMismatch as exc:
            raise ApiError(422, "IdempotencyKeyReused", f"The {HEADER} header names another request; "
                                                        "nothing was changed.", fields={HEADER: str(exc)}) from None
        except idempotency.KeyInFlight as exc:
            raise ApiError(409, "IdempotencyKeyInFlight", str(exc), headers={"Retry-After": "1"}) from None
        if earlier is not None:
            return _replay(earlier)
        return _answer(user_id, key, view, args, kwargs)

    return once


def _answer(user_id: int, key: str, view, args, kwargs):
    """Run the view for a claimed key; keep a successful answer, free the key otherwise."""
    try:
        response = view(*args, **kwargs)
    except BaseException:
        idempotency.release(user_id, key)
        raise
    if 200 <= response.status_code < 300:
        idempotency.answer(user_id, key, response.status_code, response.get_data(as_text=True),
                           response.headers.get("Location"))
    else:
        idempotency.release(user_id, key)
    return response

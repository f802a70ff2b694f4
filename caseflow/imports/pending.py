"""Keep an uploaded import file server-side, under a random name, between its dry run and its confirmation."""
from __future__ import annotations

import secrets
import time
from pathlib import Path

from flask import current_app, session

from caseflow.imports.reader import EXTENSIONS

SESSION_KEY = "caseflow.import"
KEEP_SECONDS = 24 * 3600


def _folder() -> Path:
    folder = Path(current_app.config.get("IMPORT_FOLDER") or Path(current_app.instance_path) / "imports")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep(filename: str, content: bytes) -> Path:
    """Store the upload under a random name, remembered in this user's session only; return its path."""
    _forget_stale()
    ext = Path(filename).suffix.lower()
    if ext not in EXTENSIONS:
        ext = ".bin"  # read_tables refuses it by the original name; never trust the name as a path
    token = secrets.token_hex(20)
    path = _folder() / f"{token}{ext}"
    path.write_bytes(content)
    session[SESSION_KEY] = {"token": token, "ext": ext, "filename": Path(filename).name[:255]}
    return path


def token() -> str | None:
    """The token of this session's pending import, if any."""
    return (session.get(SESSION_KEY) or {}).get("token")


def find(given_token: str) -> tuple[Path, str] | None:
    """The kept file and its original name, if `given_token` is this session's pending import."""
    pending = session.get(SESSION_KEY) or {}
    # compare_digest refuses non-ASCII text, so both sides are compared as bytes.
    if not given_token or not secrets.compare_digest(str(pending.get("token", "")).encode(), given_token.encode()):
        return None
    path = _folder() / f"{pending['token']}{pending['ext']}"
    return (path, pending["filename"]) if path.is_file() else None


def discard() -> None:
    """Delete this session's pending file and forget it."""
    pending = session.pop(SESSION_KEY, None) or {}
    if pending.get("token"):
        (_folder() / f"{pending['token']}{pending['ext']}").unlink(missing_ok=True)


def _forget_stale() -> None:
    cutoff = time.time() - KEEP_SECONDS
    for path in _folder().iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)

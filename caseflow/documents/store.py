"""Attach documents to cases: check them, store their bytes under a random name, record their digest."""
from __future__ import annotations

import hashlib
import os
import secrets
import unicodedata
from pathlib import Path, PurePath

from flask import current_app
from sqlalchemy import select

from caseflow.clock import utcnow
from caseflow.documents.sniff import ALLOWED, KIND_LABELS, sniff
from caseflow.extensions import db
from caseflow.models import DOCUMENT_KINDS, Case, Document, User, a_role
from caseflow.workflow import current_workflow
from caseflow.workflow.actor import Actor

PARTIAL_PREFIX, PARTIAL_SUFFIX = ".", ".part"

# Who may attach documents: the people who work the case. Auditors and admins read only.
UPLOAD_ROLES = ("officer", "reviewer")


class DocumentRejected(ValueError):
    """An upload that cannot be accepted; `field` names the form field the message belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def may_upload(user, case: Case | None = None) -> bool:
    """Whether `user` may attach documents to cases at all, or to `case` when one is given.

    Attaching a document is acting on the case (an agreement or an amendment document feeds its steps),
    so the definition's ownership applies as it does to steps: an officer attaches to the cases they own.
    """
    if not (user and getattr(user, "is_authenticated", False) and user.role in UPLOAD_ROLES):
        return False
    return case is None or current_workflow().owns(case, Actor.of(user))


def upload_refusal(user, case: Case) -> str:
    """Why `user` may not attach documents to `case`, in one sentence."""
    if not may_upload(user):
        return f"{a_role(user.role)} may not attach documents."
    return f"{case.reference} is not yours: an officer attaches documents only to the cases they own."


def allowed_extensions() -> list[str]:
    """The accepted file extensions, sorted."""
    return sorted(ALLOWED)


def max_upload_bytes() -> int:
    """The largest upload the app accepts (MAX_CONTENT_LENGTH)."""
    return current_app.config.get("MAX_CONTENT_LENGTH") or 10 * 1024 * 1024


def size_label(size: int) -> str:
    """A size for people: 1.5 MB, 12 KB, 300 bytes."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if size >= 1024:
        return f"{size // 1024} KB"
    return f"{size} bytes"


def clean_filename(filename: str) -> str:
    """The name shown and offered on download: no directories, no control characters, at most 255 characters."""
    name = PurePath(str(filename or "").replace("\\", "/")).name
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > 255:
        stem, ext = os.path.splitext(name)
        name = stem[: 255 - len(ext)] + ext
    return name


def check_upload(kind: str, filename: str, content: bytes) -> tuple[str, str]:
    """Return (clean filename, content type), or raise DocumentRejected saying what is wrong."""
    if kind not in DOCUMENT_KINDS:
        raise DocumentRejected("kind", "Choose what kind of document this is.")
    name = clean_filename(filename)
    if not name:
        raise DocumentRejected("file", "Choose a file to upload.")
    ext = os.path.splitext(name)[1].lower()
    if ext not in ALLOWED:
        raise DocumentRejected("file", f"Files of type '{ext or name}' are not accepted; "
                                       f"attach one of {', '.join(allowed_extensions())}.")
    if not content:
        raise DocumentRejected("file", "The file is empty.")
    if len(content) > max_upload_bytes():
        raise DocumentRejected("file", too_large_message())
    content_type, expected = ALLOWED[ext]
    found = sniff(content)
    if found != expected:
        what = KIND_LABELS[found] if found else "none of the accepted types"
        raise DocumentRejected("file", f"'{name}' is named like {KIND_LABELS[expected]} but its content is {what}; "
                                       "nothing was stored.")
    return name, content_type


def too_large_message() -> str:
    """What a person is told when a file is over the upload limit."""
    return f"The file is larger than the upload limit of {size_label(max_upload_bytes())}; nothing was stored."


def upload_folder() -> Path:
    """Where documents are stored (UPLOAD_FOLDER)."""
    return Path(current_app.config["UPLOAD_FOLDER"])


def path_of(document: Document) -> Path:
    """Where a document's bytes are stored."""
    return upload_folder() / document.stored_name


def attach_document(case: Case, kind: str, filename: str, content: bytes, user: User) -> Document:
    """Check and store a file, record it on `case` and commit; raise DocumentRejected when it is refused.

    The bytes go under a temporary name first and take their real name only after the row is committed, so a
    crash leaves at most a temporary file (or, after the commit, a row whose file `sweep_orphans` puts in place).
    """
    if not may_upload(user, case):
        raise PermissionError(upload_refusal(user, case))
    name, content_type = check_upload(kind, filename, content)
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(20)
    partial = partial_path(folder, stored_name)
    partial.write_bytes(content)
    document = Document(case_id=case.id, kind=kind, filename=name, stored_name=stored_name, content_type=content_type,
                        size=len(content), sha256=hashlib.sha256(content).hexdigest(), uploaded_by_id=user.id,
                        uploaded_at=utcnow())
    try:
        db.session.add(document)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, folder / stored_name)  # readers never see half a file, nor a file without its row
    return document


def partial_path(folder: Path, stored_name: str) -> Path:
    """Where a document's bytes wait until its row is committed."""
    return folder / f"{PARTIAL_PREFIX}{stored_name}{PARTIAL_SUFFIX}"


def documents_query(case_id: int):
    """The query for a case's documents, newest first."""
    return select(Document).where(Document.case_id == case_id).order_by(Document.uploaded_at.desc(), Document.id.desc())


def documents_of(case: Case) -> list[Document]:
    """A case's documents, newest first."""
    return list(db.session.scalars(documents_query(case.id)))


def stored_document(case_id: int, document_id: int) -> Document | None:
    """The document `document_id` of case `case_id` whose bytes are in storage, or None."""
    document = db.session.scalar(select(Document).where(Document.id == document_id, Document.case_id == case_id))
    return document if document is not None and path_of(document).is_file() else None

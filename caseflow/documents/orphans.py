"""Files in the upload folder that no document row names: what a crash mid-upload leaves behind."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from caseflow.clock import utcnow
from caseflow.documents.store import PARTIAL_PREFIX, PARTIAL_SUFFIX, upload_folder
from caseflow.extensions import db
from caseflow.models import Document

# An upload in flight writes its file before its row commits: only files older than this are orphans.
DEFAULT_GRACE = dt.timedelta(minutes=30)


@dataclass
class Sweep:
    """What a sweep found: files removed (or, in a dry run, to remove) and files put in place."""

    removed: list[Path] = field(default_factory=list)
    completed: list[Path] = field(default_factory=list)
    kept_young: int = 0


def _stored_name(path: Path) -> str:
    name = path.name
    if name.startswith(PARTIAL_PREFIX) and name.endswith(PARTIAL_SUFFIX):
        return name[len(PARTIAL_PREFIX):-len(PARTIAL_SUFFIX)]
    return name


def sweep_orphans(grace: dt.timedelta = DEFAULT_GRACE, dry_run: bool = False) -> Sweep:
    """Remove files no row names once older than `grace`; move a committed upload's waiting file into place."""
    folder, result = upload_folder(), Sweep()
    if not folder.is_dir():
        return result
    named = set(db.session.scalars(select(Document.stored_name)))
    cutoff = (utcnow() - grace).timestamp()
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        stored_name = _stored_name(path)
        final = folder / stored_name
        if stored_name in named and (path == final or not final.exists()):
            if path != final:  # the process died between the commit and the move
                result.completed.append(final)
                if not dry_run:
                    os.replace(path, final)
            continue
        if path.stat().st_mtime > cutoff:
            result.kept_young += 1
            continue
        result.removed.append(path)
        if not dry_run:
            path.unlink(missing_ok=True)
    return result

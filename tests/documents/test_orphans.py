"""A process killed during an upload leaves no file under a document's name; `caseflow documents sweep-orphans`
removes what no row names and finishes a move the crash interrupted."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseflow.clock import frozen_at, utcnow
from caseflow.documents import store
from caseflow.documents.store import attach_document, upload_folder
from caseflow.extensions import db
from caseflow.models import Document
from tests.documents.conftest import PDF


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def documents() -> int:
    return db.session.scalar(select(func.count()).select_from(Document))


def killed_during(monkeypatch, target, name, case, user) -> None:
    """Upload in a child process that dies (os._exit, no cleanup) when `target.name` is called."""
    pid = os.fork()
    if pid == 0:  # the child: its own connections, and death at the chosen moment
        try:
            db.engine.dispose(close=False)
            monkeypatch.setattr(target, name, lambda *a, **k: os._exit(0))
            attach_document(case, "other", "agreement.pdf", PDF, user)
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0, "the child did not die where the test meant it to"
    db.session.rollback()  # see what the child committed


def sweep(runner, *args):
    return runner.invoke(args=["documents", "sweep-orphans", *args])


def later(minutes: int):
    return frozen_at(utcnow() + dt.timedelta(minutes=minutes))


def test_an_upload_killed_before_its_commit_leaves_only_a_temporary_file_which_the_sweep_removes(
        app, runner, cases, users, monkeypatch):
    case = cases.propose()
    killed_during(monkeypatch, db.session, "commit", case, users["officer"])
    folder = upload_folder()
    [left] = files_in(folder)
    assert documents() == 0 and left.startswith(".") and left.endswith(".part")  # never under a document's name
    young = sweep(runner)
    assert young.exit_code == 0 and "left 1 younger than 30 minutes" in young.output and files_in(folder) == [left]
    with later(31):
        dry = sweep(runner, "--dry-run")
        assert "would remove " + left in dry.output and files_in(folder) == [left]
        result = sweep(runner)
    assert result.exit_code == 0 and f"removed {left}" in result.output and files_in(folder) == []


def test_an_upload_killed_after_its_commit_is_put_in_place_by_the_sweep(app, runner, client, sign_in, cases, users,
                                                                         monkeypatch):
    case = cases.propose()
    killed_during(monkeypatch, store.os, "replace", case, users["officer"])
    document = db.session.scalar(select(Document))
    url = f"/cases/{case.id}/documents/{document.id}"
    sign_in("auditor")
    assert client.get(url).status_code == 404  # the row is there, its file not yet in place
    result = sweep(runner)
    assert result.exit_code == 0 and f"put {document.stored_name} in place" in result.output
    response = client.get(url)
    assert response.status_code == 200 and response.data == PDF
    response.close()


def test_an_error_between_write_and_commit_leaves_no_file_and_no_row(app, cases, users, monkeypatch):
    case = cases.propose()

    def fail():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(db.session, "commit", fail)
    with pytest.raises(RuntimeError):
        attach_document(case, "other", "agreement.pdf", PDF, users["officer"])
    monkeypatch.undo()
    assert files_in(upload_folder()) == [] and documents() == 0


def test_the_sweep_keeps_every_file_a_row_names_and_removes_old_strays(app, runner, cases, users):
    case = cases.propose()
    kept = attach_document(case, "other", "agreement.pdf", PDF, users["officer"])
    stray = upload_folder() / ("ab" * 20)
    stray.write_bytes(b"left by a crash")
    with later(60):
        result = sweep(runner, "--older-than", "45")
    assert result.exit_code == 0 and "removed 1 orphaned file(s)" in result.output
    assert files_in(upload_folder()) == [kept.stored_name]


def test_the_sweep_refuses_a_window_of_no_minutes(app, runner):
    result = sweep(runner, "--older-than", "0")
    assert result.exit_code != 0 and "older-than" in result.output

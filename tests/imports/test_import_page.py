"""The admin's import page: upload, read the dry run, confirm; others are refused."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from caseflow.extensions import db
from caseflow.models import Case, HistoryRecord
from tests.imports.conftest import CASE_HEADER, PARTNER_HEADER, case_row, partner_row


@pytest.fixture
def admin_client(app, sign_in, tmp_path):
    app.config["IMPORT_FOLDER"] = str(tmp_path / "pending-imports")
    return sign_in("admin")


def send(client, path, **extra):
    return client.post("/admin/import", data={"file": (io.BytesIO(path.read_bytes()), path.name), **extra},
                       content_type="multipart/form-data")


def pending_files(app) -> list:
    from pathlib import Path

    folder = Path(app.config["IMPORT_FOLDER"])
    return list(folder.iterdir()) if folder.exists() else []


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_page_explains_the_column_layout(admin_client):
    page = admin_client.get("/admin/import").get_data(as_text=True)
    assert "results_for_children" in page and "contact_email" in page and "Check the file (dry run)" in page


def test_the_dry_run_is_a_table_of_problems_by_row_and_column_and_nothing_is_kept(app, admin_client, files):
    path = files.csv("partnerships.csv", CASE_HEADER, [case_row(partner="Nobody", proposed_start="soon")])
    response = send(admin_client, path)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<td>2</td><td>partner</td><td>no partner named &#39;Nobody&#39;" in page
    assert "<td>2</td><td>proposed_start</td><td>&#39;soon&#39; is not a date" in page
    assert "Import these" not in page
    assert pending_files(app) == [] and count(Case) == 0


def test_a_checked_file_is_kept_under_a_random_name_and_imported_on_confirmation(app, admin_client, files):
    path = files.xlsx("directory.xlsx", {"Partners": (PARTNER_HEADER, [partner_row()]),
                                         "Partnerships": (CASE_HEADER, [case_row(), case_row("Second")])})
    page = send(admin_client, path).get_data(as_text=True)
    assert "2 partnerships ready to import (dry run, nothing written)" in page and "Kisumu Youth Radio" in page
    [kept] = pending_files(app)
    assert "directory" not in kept.name and kept.read_bytes() == path.read_bytes()
    assert count(Case) == 0
    token = page.split('name="token" type="hidden" value="', 1)[1].split('"', 1)[0]
    response = admin_client.post("/admin/import/confirm", data={"token": token}, follow_redirects=True)
    assert "2 partnerships imported (2 Active)" in response.get_data(as_text=True)
    assert count(Case) == 2 and pending_files(app) == []
    comments = set(db.session.scalars(select(HistoryRecord.comment)))
    assert len(comments) == 1 and comments.pop().startswith("Imported by admin@example.org from directory.xlsx (sha256 ")


def test_a_confirmation_without_the_checked_files_token_imports_nothing(app, admin_client, files):
    path = files.csv("partnerships.csv", CASE_HEADER, [case_row(partner="Kisumu Youth Radio")])
    send(admin_client, files.xlsx("d.xlsx", {"Partners": (PARTNER_HEADER, [partner_row()]),
                                              "Partnerships": (CASE_HEADER, [case_row()])}))
    response = admin_client.post("/admin/import/confirm", data={"token": "0" * 40}, follow_redirects=True)
    assert "There is no checked file to import: upload it again." in response.get_data(as_text=True)
    assert count(Case) == 0 and path.exists()


def test_a_file_that_became_invalid_before_confirmation_shows_its_problems(app, admin_client, users, cases, files):
    path = files.csv("partnerships.csv", CASE_HEADER, [case_row(partner="Plan International")])
    plan = cases.propose(title="Something else").partner  # the partner Plan International
    page = send(admin_client, path).get_data(as_text=True)
    token = page.split('name="token" type="hidden" value="', 1)[1].split('"', 1)[0]
    cases.propose(partner=plan, title="Youth radio on child marriage")  # meanwhile, an officer proposes it
    response = admin_client.post("/admin/import/confirm", data={"token": token})
    assert response.status_code == 422
    assert "already has a partnership titled" in response.get_data(as_text=True)
    assert count(Case) == 2


def test_an_upload_over_the_limit_gets_a_clear_message(app, admin_client, tmp_path):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    big = tmp_path / "big.csv"
    big.write_text("title\n" + "x" * 4096)
    response = send(admin_client, big)
    assert response.status_code == 413
    assert "The file is larger than the upload limit of 1 KB; nothing was stored." in response.get_data(as_text=True)


def test_a_file_of_another_type_is_refused_beside_the_field(app, admin_client, tmp_path):
    notes = tmp_path / "notes.pdf"
    notes.write_bytes(b"%PDF-1.4")
    response = send(admin_client, notes)
    assert response.status_code == 422
    assert "cannot import &#39;.pdf&#39; files: give a .csv or .xlsx file" in response.get_data(as_text=True)
    assert pending_files(app) == []


@pytest.mark.parametrize("who", ["officer", "reviewer", "auditor"])
def test_only_admins_reach_the_import_page(app, sign_in, who, files):
    client = sign_in(who)
    assert client.get("/admin/import").status_code == 403
    path = files.csv("partnerships.csv", CASE_HEADER, [case_row()])
    assert send(client, path).status_code == 403
    assert client.post("/admin/import/confirm", data={"token": "x"}).status_code == 403


def test_the_upload_is_refused_without_a_csrf_token(app, admin_client, files):
    app.config["WTF_CSRF_ENABLED"] = True
    response = send(admin_client, files.csv("p.csv", CASE_HEADER, [case_row()]))
    assert response.status_code == 400
    assert pending_files(app) == []

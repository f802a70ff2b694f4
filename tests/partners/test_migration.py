"""The migration that makes partner names unique whatever their case and spacing, on a database that has data."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text

from caseflow import create_app
from caseflow.extensions import db
from tests.conftest import POSTGRES_URL, _test_config

BEFORE = "90215012efbb"
SCHEMA = "partner_names_migration"


@pytest.fixture(params=["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"])
def old_database(request, tmp_path):
    """An empty database migrated to the revision before partner name keys (PostgreSQL: in a schema of its own)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
        yield url
        return
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}"))
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{SCHEMA}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    admin.dispose()


def _upgrade(url: str, revision: str = "head") -> None:
    from flask_migrate import upgrade

    app = create_app(_test_config(url))
    with app.app_context():
        try:
            upgrade(revision=revision)
        finally:
            db.engine.dispose()


def _add_partners(url: str, *names: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        for name in names:
            conn.execute(text("INSERT INTO organisations (name, type, level, sanctions_flag, reputational_flag, created_at) "
                              "VALUES (:name, 'national_ngo', 'country', false, false, CURRENT_TIMESTAMP)"), {"name": name})
    engine.dispose()


def _columns(url: str) -> tuple[set[str], list]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            names = conn.execute(text("SELECT name FROM organisations ORDER BY id")).scalars().all()
        return {c["name"] for c in inspect(engine).get_columns("organisations")}, names
    finally:
        engine.dispose()


def test_existing_partners_that_differ_only_in_case_or_spacing_stop_the_upgrade(old_database, capsys):
    _upgrade(old_database, BEFORE)
    _add_partners(old_database, "Tostan", " tostan", "Plan International")
    with pytest.raises(SystemExit):  # `flask db upgrade` exits non-zero with one line
        _upgrade(old_database)
    assert ("1 group(s) of partners differ only in case or spacing: #1 'Tostan' = #2 ' tostan'. "
            "Partner names must be unique") in capsys.readouterr().err
    columns, names = _columns(old_database)
    assert "name_key" not in columns and names == ["Tostan", " tostan", "Plan International"]


def test_distinct_partners_get_their_keys_and_tidied_names(old_database):
    _upgrade(old_database, BEFORE)
    _add_partners(old_database, " Save  the Children ", "ÉCOLE des Parents")
    _upgrade(old_database)
    engine = create_engine(old_database)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT name, name_key FROM organisations ORDER BY id")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("Save the Children", "save the children"), ("ÉCOLE des Parents", "école des parents")]

"""The foundation: configuration, migrations, demo data, the command line."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, func, inspect, select

from caseflow import create_app
from caseflow.config import ConfigError
from caseflow.database import SQLITE_LOG_LIMIT_BYTES
from caseflow.extensions import db
from caseflow.models import Case, HistoryRecord, Organisation, User


def test_unreachable_database_stops_with_one_line(tmp_path):
    with pytest.raises(ConfigError) as stopped:
        create_app({"SQLALCHEMY_DATABASE_URI": "postgresql://nobody@127.0.0.1:1/nothing", "SECRET_KEY": "x"})
    message = str(stopped.value.code)
    assert message.startswith("caseflow: cannot reach the database at postgresql+psycopg://nobody@127.0.0.1:1/nothing")
    assert "\n" not in message


def test_production_refuses_to_start_without_a_secret(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        create_app({"CASEFLOW_ENV": "production", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


@pytest.mark.parametrize("name, value, message", [
    ("CASEFLOW_MAX_UPLOAD_BYTES", "ten", "caseflow: CASEFLOW_MAX_UPLOAD_BYTES must be a whole number, not 'ten'"),
    ("MAIL_PORT", "smtp", "caseflow: MAIL_PORT must be a whole number, not 'smtp'"),
    ("CASEFLOW_SQLITE_CHECKPOINT_SECONDS", "soon",
     "caseflow: CASEFLOW_SQLITE_CHECKPOINT_SECONDS must be a number of seconds, not 'soon'"),
    ("CASEFLOW_SQLITE_CHECKPOINT_SECONDS", "-1", "caseflow: CASEFLOW_SQLITE_CHECKPOINT_SECONDS must be 0 or more seconds, not -1"),
    ("CASEFLOW_SQLITE_WAL_CAP_PAGES", "0", "caseflow: CASEFLOW_SQLITE_WAL_CAP_PAGES must be at least 1, not 0"),
    ("CASEFLOW_TIMEZONE", "Mars/Base", "caseflow: CASEFLOW_TIMEZONE must be an IANA time zone such as Europe/Zurich, "
                                       "not 'Mars/Base'"),
])
def test_a_bad_setting_stops_with_one_line(monkeypatch, tmp_path, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as stopped:
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": "x"})
    assert str(stopped.value.code) == message


def test_development_keeps_a_generated_secret(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("CASEFLOW_INSTANCE_PATH", str(tmp_path))
    first = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"}).config["SECRET_KEY"]
    second = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"}).config["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_sqlite_is_durable_at_each_commit_but_power_loss_and_cuts_its_log_back(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_size_limit").scalar() == SQLITE_LOG_LIMIT_BYTES
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_an_existing_sqlite_database_gets_the_same_settings(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as old:
        old.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA journal_size_limit").scalar() == SQLITE_LOG_LIMIT_BYTES
    engine.dispose()


def test_migrations_build_every_table_of_the_model(app):
    tables = set(inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables


def test_migrations_upgrade_and_downgrade(app):
    from flask_migrate import downgrade, upgrade

    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert set(db.metadata.tables) <= set(inspect(db.engine).get_table_names())


def test_demo_data_covers_every_state_and_loads_once(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "officer@caseflow.test" in result.output
    states = set(db.session.scalars(select(Case.state).distinct()))
    assert states == {"proposed", "vetted", "agreed", "active", "under_review", "exiting", "discontinued"}
    counts = [db.session.scalar(select(func.count()).select_from(m)) for m in (Case, Organisation, User, HistoryRecord)]
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "0 cases added" in again.output
    assert [db.session.scalar(select(func.count()).select_from(m)) for m in (Case, Organisation, User, HistoryRecord)] == counts
    assert runner.invoke(args=["verify"]).exit_code == 0


def test_demo_history_is_backdated(app, runner):
    runner.invoke(args=["demo", "--quiet"])
    plan = db.session.scalar(select(Case).where(Case.title == "Birth registration in Liberia"))
    records = db.session.scalars(select(HistoryRecord).where(HistoryRecord.case_id == plan.id).order_by(HistoryRecord.seq)).all()
    assert [r.trigger for r in records[:4]] == ["propose", "vet", "agree", "activate"]
    assert records[0].at < records[-1].at
    assert records[3].actor == "system:activation"


def test_user_create_command(app, runner):
    ok = runner.invoke(args=["user", "create", "ana@example.org", "--role", "reviewer", "--password", "long enough pw"])
    assert ok.exit_code == 0, ok.output
    assert db.session.scalar(select(User).where(User.email == "ana@example.org")).check_password("long enough pw")
    twice = runner.invoke(args=["user", "create", "ana@example.org", "--role", "reviewer", "--password", "long enough pw"])
    assert twice.exit_code != 0 and "exists already" in twice.output
    bad = runner.invoke(args=["user", "create", "ana2@example.org", "--role", "boss", "--password", "long enough pw"])
    assert bad.exit_code != 0


@pytest.mark.parametrize("email, password, message", [
    ("ana@example", "long enough pw", "'ana@example' is not an e-mail address such as name@example.org"),
    ("ana@example.org", "8 chars!", "The password must have at least 10 characters."),
    ("Officer@Example.org", "long enough pw", "A user officer@example.org exists already."),
])
def test_user_create_command_keeps_the_admin_pages_rules(app, runner, users, email, password, message):
    before = db.session.scalar(select(func.count()).select_from(User))
    result = runner.invoke(args=["user", "create", email, "--role", "officer", "--password", password])
    assert result.exit_code == 1 and result.output.strip() == f"Error: {message}"
    assert db.session.scalar(select(func.count()).select_from(User)) == before


def test_gunicorn_stops_with_one_line_on_an_unreachable_database(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/nothing", "CASEFLOW_INSTANCE_PATH": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("caseflow: cannot reach the database at postgresql+psycopg://")
    assert "Traceback" not in done.stderr


def test_commands_on_a_database_without_tables_say_so_in_one_line(tmp_path):
    from click.testing import CliRunner

    from caseflow.cli import main

    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/empty.db", "CASEFLOW_INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"}
    result = CliRunner().invoke(main, ["verify"], env=env)
    assert result.exit_code == 1
    assert result.output.strip() == "Error: the database has no caseflow tables yet: run `caseflow db upgrade` first"

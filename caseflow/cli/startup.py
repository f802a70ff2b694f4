"""The start-up check of the long-running processes: refuse a definition that does not fit the code or the data."""
from __future__ import annotations

import click
from flask import current_app

from caseflow.extensions import db
from caseflow.workflow import current_workflow
from caseflow.workflow.startup import describe_unknown, start_refusal, unknown_states

allow_unknown_states_option = click.option(
    "--allow-unknown-states", is_flag=True,
    help="Start although stored cases sit in states the workflow definition lacks "
         "[default: CASEFLOW_ALLOW_UNKNOWN_STATES].")


def check_start(allow_unknown_states: bool = False) -> tuple[str | None, dict[str, int], bool]:
    """(why the current app must not start or None, the unknown states allowed, whether they were allowed)."""
    allow = bool(allow_unknown_states or current_app.config.get("CASEFLOW_ALLOW_UNKNOWN_STATES"))
    definition = current_workflow().definition
    # A connection of its own: the command's session, and what it holds, stay as they were.
    with db.engine.connect() as conn:
        why = start_refusal(conn, definition, current_app.config["CASEFLOW_WORKFLOW"], allow)
        unknown = unknown_states(conn, definition) if allow and why is None else {}
    return why, unknown, allow


def refuse_to_start_unless_fit(allow_unknown_states: bool) -> bool:
    """Stop with one line when the definition lacks what the code names or what stored cases sit in.

    Return whether unknown states were allowed, for the processes this one starts.
    """
    why, unknown, allow = check_start(allow_unknown_states)
    if why:
        raise click.ClickException(why)
    if unknown:
        click.echo(f"caseflow: starting as asked although {describe_unknown(unknown)} "
                   "sit in states the workflow definition lacks", err=True)
    return allow


def refuse_to_serve_unless_fit(app) -> None:
    """gunicorn's check before it forks its workers: the same as `serve`'s, allowed only by the setting."""
    from sqlalchemy.exc import DBAPIError

    from caseflow.cli import _missing_table
    from caseflow.config import ConfigError

    with app.app_context():
        try:
            why, _, _ = check_start()
        except DBAPIError as exc:
            if not _missing_table(exc):
                raise
            why = "the database has no caseflow tables yet: run `caseflow db upgrade` first"
        finally:
            db.engine.dispose()  # the workers must not inherit the master's connections
    if why:
        raise ConfigError(why)

"""The start-up check of the long-running commands: refuse a definition that does not fit the code or the data."""
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


def refuse_to_start_unless_fit(allow_unknown_states: bool) -> bool:
    """Stop with one line when the definition lacks what the code names or what stored cases sit in.

    Return whether unknown states were allowed, for the processes this one starts.
    """
    allow = bool(allow_unknown_states or current_app.config.get("CASEFLOW_ALLOW_UNKNOWN_STATES"))
    definition = current_workflow().definition
    # A connection of its own: the command's session, and what it holds, stay as they were.
    with db.engine.connect() as conn:
        why = start_refusal(conn, definition, current_app.config["CASEFLOW_WORKFLOW"], allow)
        unknown = unknown_states(conn, definition) if allow and why is None else {}
    if why:
        raise click.ClickException(why)
    if unknown:
        click.echo(f"caseflow: starting as asked although {describe_unknown(unknown)} "
                   "sit in states the workflow definition lacks", err=True)
    return allow

"""caseflow's commands, on `flask` and as the `caseflow` console script."""
from __future__ import annotations

import click
from flask.cli import FlaskGroup

COMMAND_MODULES = (
    "caseflow.cli.users",
    "caseflow.cli.workflow",
    "caseflow.cli.demo",
    "caseflow.cli.serve",
    "caseflow.cli.imports",
    "caseflow.cli.audit",
    "caseflow.cli.scheduler",
)


def register(app) -> None:
    """Add every caseflow command to the app's CLI."""
    import importlib

    for name in COMMAND_MODULES:
        for command in importlib.import_module(name).COMMANDS:
            app.cli.add_command(command)


def _create_app():
    from caseflow import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False, load_dotenv=False)
def main():
    """caseflow: partnerships as cases, moved through their workflow."""

"""caseflow's commands, on `flask` and as the `caseflow` console script."""
from __future__ import annotations

import click
from flask.cli import FlaskGroup
from sqlalchemy.exc import DBAPIError

def register(app) -> None:
    """Add every caseflow command to the app's CLI; a new command module is added here."""
    from caseflow.cli import audit, checkpoint, demo, documents, imports, openapi, scheduler, serve, users, workflow

    for module in (users, workflow, demo, serve, imports, audit, scheduler, checkpoint, documents, openapi):
        for command in module.COMMANDS:
            app.cli.add_command(command)


def _create_app():
    from caseflow import create_app

    return create_app()


def _missing_table(exc: DBAPIError) -> bool:
    """Tell whether the database refused a statement because a table does not exist (no migrations yet)."""
    return "no such table" in str(exc.orig) or getattr(exc.orig, "sqlstate", None) == "42P01"


class CaseflowGroup(FlaskGroup):
    """Flask's command group, which answers a database without caseflow's tables in one line."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DBAPIError as exc:
            if not _missing_table(exc):
                raise
            raise click.ClickException("the database has no caseflow tables yet: run `caseflow db upgrade` first") from None


@click.group(cls=CaseflowGroup, create_app=_create_app, add_version_option=False, load_dotenv=False)
def main():
    """caseflow: partnerships as cases, moved through their workflow."""

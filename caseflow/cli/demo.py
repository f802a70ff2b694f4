"""The command that loads the demo data."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from caseflow.cli.progress import progress

from caseflow.demo.data import CASES, DEMO_PASSWORD, USERS


@click.command("demo")
@click.option("--quiet", is_flag=True, help="Do not print the demo sign-ins.")
@with_appcontext
def demo_command(quiet):
    """Load the demo partners, cases and users (loading twice adds nothing)."""
    from caseflow.demo.loader import load_demo

    with progress(len(CASES), "Loading demo cases") as bar:
        counts = load_demo(progress=bar.update)
    click.echo(f"demo data: {counts['added']} cases added, {counts['skipped']} already there, "
               f"{counts['partners']} partners, {counts['users']} users")
    if not quiet:
        click.echo(f"Sign in at http://127.0.0.1:5000 with password '{DEMO_PASSWORD}' as:")
        for user in USERS:
            click.echo(f"  {user['role']:9} {user['email']}")


COMMANDS = [demo_command]

"""Check an audit export against itself and against the history in the database."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from caseflow.audit.checks import check_export, compare_with_database
from caseflow.checkpoints import CheckpointBroken, KeyUnavailable
from caseflow.extensions import db


@click.command("check-export")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def check_export_command(path):
    """Recompute the hashes of an audit export (CSV or JSON) and compare its final hashes with the database."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    try:
        check = check_export(text)
    except (ValueError, KeyError, TypeError) as exc:
        raise click.ClickException(f"{path} is not a caseflow audit export: {exc}") from None
    try:
        problems = check.problems + compare_with_database(db.session, check)
    except (CheckpointBroken, KeyUnavailable) as exc:
        raise click.ClickException(f"checkpoints broken: {exc}") from None
    if problems:
        raise click.ClickException(f"export does not check: {problems[0]}"
                                   + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    heads = ", ".join(f"case {c} #{s} {h}" for c, (s, h) in sorted(check.heads.items())[:3])
    more = f" and {len(check.heads) - 3} more" if len(check.heads) > 3 else ""
    click.echo(f"export intact: {check.records} records; final hashes match the database ({heads}{more})")


COMMANDS = [check_export_command]

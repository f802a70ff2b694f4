"""The command that imports partners and partnerships from a CSV or XLSX file."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from caseflow.cli.progress import progress
from caseflow.extensions import db
from caseflow.models import User


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and list the problems; write nothing.")
@click.option("--as", "email", required=True, help="The importing admin's e-mail.")
@with_appcontext
def import_command(file, dry_run, email):
    """Import partners and partnerships from FILE (.csv or .xlsx): all rows, or none if any is wrong."""
    from caseflow.imports.reader import UnreadableFile
    from caseflow.imports.service import dry_run as check_only, import_file, load_file

    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or user.role != "admin" or not user.is_active_user:
        raise click.ClickException(f"{email} is not an active admin; only admins import")
    try:
        loaded = load_file(file)
    except UnreadableFile as exc:
        raise click.ClickException(f"{file.name}: {exc}") from None
    steps = loaded.rows + (0 if dry_run else loaded.case_rows)  # checking every row, then writing every case
    with progress(steps, "Checking" if dry_run else "Importing") as bar:
        report = check_only(loaded, bar.update) if dry_run else import_file(loaded, user, bar.update)
    for problem in report.problems:
        click.echo(str(problem))
    if report.problems:
        raise click.ClickException(report.summary())
    click.echo(report.summary())


COMMANDS = [import_command]

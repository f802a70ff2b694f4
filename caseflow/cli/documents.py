"""Housekeeping of the stored documents' files."""
from __future__ import annotations

import datetime as dt

import click
from flask.cli import with_appcontext

from caseflow.documents.orphans import DEFAULT_GRACE, sweep_orphans


@click.group("documents")
def documents_group():
    """Stored documents' files."""


@documents_group.command("sweep-orphans")
@click.option("--dry-run", is_flag=True, help="List what would be removed or put in place; change nothing.")
@click.option("--older-than", "minutes", type=click.IntRange(min=1), default=int(DEFAULT_GRACE.total_seconds() // 60),
              show_default=True, help="Leave files younger than this many minutes (an upload may be in flight).")
@with_appcontext
def sweep_orphans_command(dry_run, minutes):
    """Remove upload files that no document names (left by a crash mid-upload); finish interrupted moves."""
    result = sweep_orphans(dt.timedelta(minutes=minutes), dry_run=dry_run)
    verb = "would remove" if dry_run else "removed"
    for path in result.removed:
        click.echo(f"{verb} {path.name}")
    for path in result.completed:
        click.echo(f"{'would put' if dry_run else 'put'} {path.name} in place")
    click.echo(f"{verb} {len(result.removed)} orphaned file(s); {'would put' if dry_run else 'put'} "
               f"{len(result.completed)} in place; left {result.kept_young} younger than {minutes} minutes")


COMMANDS = [documents_group]

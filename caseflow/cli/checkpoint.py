"""Signed checkpoints on demand, and the proof that one case is held by the latest."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from caseflow.checkpoints import CheckpointBroken, KeyUnavailable, latest_anchor, prove, write_checkpoint
from caseflow.extensions import db
from caseflow.workflow.chain_verify import verify_chains


@click.group("checkpoint", invoke_without_command=True)
@click.pass_context
@with_appcontext
def checkpoint_command(ctx):
    """Verify every chain, then sign a checkpoint of every case's head into the checkpoint log."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        result = verify_chains(db.session, anchor=latest_anchor())
        if not result.ok:
            raise click.ClickException(f"history broken at {result.broken}: no checkpoint written")
        db.session.rollback()
        line = write_checkpoint(db.session)
    except (CheckpointBroken, KeyUnavailable) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"checkpoint #{line['n']} at {line['at']}: {line['cases']} cases, {line['records']} records, "
               f"root {line['root']}")


@checkpoint_command.command("prove")
@click.argument("case_id", type=int)
@with_appcontext
def prove_command(case_id):
    """Show the Merkle path from CASE_ID's head to the latest checkpoint's signed root."""
    try:
        found = prove(case_id)
    except (LookupError, CheckpointBroken, KeyUnavailable) as exc:
        raise click.ClickException(str(exc).strip("'\"")) from None
    line, (_, seq, head) = found["checkpoint"], found["leaf"]
    click.echo(f"checkpoint #{line['n']} of {line['at']}, signed root {line['root']} (key {line['key']})")
    click.echo(f"leaf: case {case_id}, {seq} records, head {head}")
    for side, sibling in found["path"]:
        click.echo(f"  {side:5} {sibling}")
    if not found["holds"]:
        raise click.ClickException(f"the path leads to {found['root']}, not to the signed root")
    click.echo("the path leads to the signed root: the case's head is held by the checkpoint")


COMMANDS = [checkpoint_command]

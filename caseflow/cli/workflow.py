"""Commands that fire triggers and check the workflow and its history."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from caseflow.checkpoints import CheckpointBroken, KeyUnavailable, latest_anchor
from caseflow.cli.progress import progress
from sqlalchemy import func, select

from caseflow.clock import today
from caseflow.extensions import db
from caseflow.models import Case, HistoryRecord, User
from caseflow.workflow import Actor, WorkflowError, current_workflow
from caseflow.partners.chain import verify_partners
from caseflow.workflow.chain_verify import verify_chains
from caseflow.workflow.conformance import stored_breaches


def _pairs(values: tuple[str, ...]) -> dict:
    data = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.ClickException(f"'{item}' is not FIELD=VALUE")
        data[key.strip()] = value
    return data


@click.command("fire")
@click.argument("case_id", type=int)
@click.argument("trigger")
@click.option("--as", "email", required=True, help="The acting user's e-mail.")
@click.option("--set", "values", multiple=True, help="A field of the step's form, FIELD=VALUE; repeatable.")
@click.option("--comment")
@with_appcontext
def fire_command(case_id, trigger, email, values, comment):
    """Fire TRIGGER on case CASE_ID as a user, through the engine."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"no user {email}")
    try:
        outcome = current_workflow().fire(case_id, trigger, Actor.of(user), _pairs(values), comment=comment)
    except WorkflowError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"case {outcome.case_id}: {outcome.from_state} -> {outcome.to_state} (record #{outcome.seq})")


@click.command("verify")
@click.option("--case", "case_id", type=int, help="Verify one case's chain only.")
@with_appcontext
def verify_command(case_id):
    """Verify the hash chains of the history; exit non-zero naming the first broken record."""
    total = 1 if case_id else db.session.scalar(select(func.count()).select_from(Case))
    try:
        anchor = latest_anchor()
    except (CheckpointBroken, KeyUnavailable) as exc:
        raise click.ClickException(f"checkpoints broken: {exc}") from None
    with progress(total, "Verifying") as bar:
        result = verify_chains(db.session, case_id=case_id, on_case=lambda _id: bar.update(1), anchor=anchor)
    if case_id and result.cases == 0:
        raise click.ClickException(f"there is no case {case_id}")
    if not result.ok:
        raise click.ClickException(f"history broken at {result.broken}")
    tail = f", final hash {result.final_hash}" if case_id else ""
    against = f"; every record of {result.anchored} is there, unchanged" if result.anchored else "; no checkpoint yet"
    click.echo(f"verified {result.cases} chains, {result.records} records: intact{tail}{against}")
    if case_id is None:
        partners = verify_partners(db.session)
        if not partners.ok:
            raise click.ClickException(f"partner record broken at {partners.broken}")
        click.echo(f"verified {partners.partners} partners' kept changes, {partners.changes} changes: intact")


@click.command("check")
@with_appcontext
def check_command():
    """Check every stored case: its state is in the workflow definition, and it satisfies that state's invariants."""
    definition = current_workflow().definition
    stored = db.session.execute(select(Case.state, func.count()).group_by(Case.state)).all()
    unknown = {state: n for state, n in stored if state not in definition.states}
    breaches = 0
    for breach in stored_breaches(db.session, definition, today()):
        click.echo(str(breach))
        breaches += 1
    db.session.rollback()
    problems = []
    if unknown:
        problems.append("cases in states the definition lacks: " + ", ".join(f"{s} ({n})" for s, n in unknown.items()))
    if breaches:
        problems.append(f"{breaches} broken invariant(s), listed above")
    if problems:
        raise click.ClickException("; ".join(problems))
    records = db.session.scalar(select(func.count()).select_from(HistoryRecord))
    click.echo(f"{sum(n for _, n in stored)} cases, {records} history records; every state is in the definition "
               "and every case satisfies its state's invariants")


COMMANDS = [fire_command, verify_command, check_command]

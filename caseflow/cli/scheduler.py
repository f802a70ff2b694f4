"""Commands of the scheduler: run it, see its state, and run the sweeps once as of any time."""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from caseflow.cli.progress import progress
from caseflow.cli.startup import allow_unknown_states_option, refuse_to_start_unless_fit
from caseflow.clock import as_utc, frozen_at, utcnow
from caseflow.jobs import SWEEPS, run_sweep
from caseflow.jobs.registry import default_holder
from caseflow.jobs.settings import lease_seconds, sweep_interval
from caseflow.jobs.status import scheduler_status


@click.group("scheduler", invoke_without_command=True)
@click.option("--interval", type=float, help="Seconds between sweeps [default: CASEFLOW_SWEEP_INTERVAL_SECONDS or 60].")
@allow_unknown_states_option
@click.pass_context
@with_appcontext
def scheduler_command(ctx, interval, allow_unknown_states):
    """Run the sweeps every interval, forever; of several schedulers one leads, the others wait."""
    if ctx.invoked_subcommand is not None:
        return
    refuse_to_start_unless_fit(allow_unknown_states)
    from caseflow.jobs.scheduler import run_scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    app = current_app._get_current_object()
    interval = interval or sweep_interval(app)
    if interval <= 0:
        raise click.ClickException("the interval must be a positive number of seconds")
    run_scheduler(app, interval, lease_seconds(app, interval))


@scheduler_command.command("status")
@with_appcontext
def status_command():
    """Show the leader, its lease, and the last run of each sweep."""
    status = scheduler_status()
    click.echo(f"leader: {status.leader_line}")
    for name, run in status.runs.items():
        if run is None:
            click.echo(f"{name:16} never run")
            continue
        state = "running since" if run.finished_at is None else "ran"
        click.echo(f"{name:16} {state} {run.started_at:%Y-%m-%d %H:%M:%S} UTC as of {run.as_of:%Y-%m-%d %H:%M} "
                   f"by {run.holder}: {run.summary or ''}")


def _moment(value: str | None) -> dt.datetime:
    if not value:
        return utcnow()
    try:
        return as_utc(dt.datetime.fromisoformat(value))
    except ValueError:
        raise click.ClickException(f"'{value}' is not a time like 2027-06-01T00:00") from None


@click.command("sweep")
@click.option("--at", "at", help="Sweep as of this UTC time, e.g. 2027-06-01T00:00 (the clock is set to it).")
@click.option("--only", multiple=True, type=click.Choice(list(SWEEPS)), help="Run only this sweep; repeatable.")
@allow_unknown_states_option
@with_appcontext
def sweep_command(at, only, allow_unknown_states):
    """Run the sweeps once, as of now or of --at, printing what each did."""
    refuse_to_start_unless_fit(allow_unknown_states)
    as_of, names = _moment(at), [n for n in SWEEPS if not only or n in only]
    holder, started, lines = default_holder("cli"), time.perf_counter(), []
    with frozen_at(as_of) if at else contextlib.nullcontext(), progress(len(names), "Sweeping") as bar:
        results = []
        for name in names:
            results.append(run_sweep(name, as_of, holder))
            bar.update(1)
    for result in results:
        lines.append(f"{result.sweep}: {result.summary()}")
    click.echo("\n".join(lines))
    click.echo(f"swept as of {as_of:%Y-%m-%d %H:%M} UTC: fired {sum(r.fired for r in results)}, "
               f"notified {sum(r.notified for r in results)}, failed {sum(r.failed for r in results)} "
               f"in {time.perf_counter() - started:.1f} s")


COMMANDS = [scheduler_command, sweep_command]

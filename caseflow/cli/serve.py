"""Serve the web app together with a scheduler process, for the single-machine default."""
from __future__ import annotations

import signal
import subprocess
import sys

import click
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

from caseflow.cli.startup import allow_unknown_states_option, refuse_to_start_unless_fit


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--no-scheduler", is_flag=True, help="Serve the web app only.")
@allow_unknown_states_option
@with_appcontext
def serve_command(host, port, no_scheduler, allow_unknown_states):
    """Serve the app on HOST:PORT and run one scheduler process beside it."""
    from flask import current_app

    allowed = refuse_to_start_unless_fit(allow_unknown_states)
    scheduler = None
    if not no_scheduler:
        scheduler = subprocess.Popen([sys.executable, "-m", "caseflow.cli", "scheduler",
                                      *(["--allow-unknown-states"] if allowed else [])])
    # `terminate` (SIGTERM) unwinds like Ctrl-C, so the scheduler beside the server stops too.
    signal.signal(signal.SIGTERM, _exit)
    try:
        # Flask ignores app.run() inside its own CLI, so serve with werkzeug directly.
        run_simple(host, port, current_app._get_current_object(), threaded=True, use_reloader=False)
    finally:
        if scheduler is not None:
            _stop(scheduler)


def _exit(signum, frame):
    raise SystemExit(0)


def _stop(process: subprocess.Popen) -> None:
    """Ask the scheduler to stop (it finishes its sweep and hands back the lead); kill it if it hangs."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


COMMANDS = [serve_command]

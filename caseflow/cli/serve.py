"""Serve the web app together with a scheduler process, for the single-machine default."""
from __future__ import annotations

import subprocess
import sys

import click
from flask.cli import with_appcontext
from werkzeug.serving import run_simple


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--no-scheduler", is_flag=True, help="Serve the web app only.")
@with_appcontext
def serve_command(host, port, no_scheduler):
    """Serve the app on HOST:PORT and run one scheduler process beside it."""
    from flask import current_app

    scheduler = None
    if not no_scheduler:
        scheduler = subprocess.Popen([sys.executable, "-m", "caseflow.cli", "scheduler"])
    try:
        # Flask ignores app.run() inside its own CLI, so serve with werkzeug directly.
        run_simple(host, port, current_app._get_current_object(), threaded=True, use_reloader=False)
    finally:
        if scheduler is not None:
            scheduler.terminate()
            scheduler.wait(timeout=10)


COMMANDS = [serve_command]

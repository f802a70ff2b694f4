"""gunicorn settings read from the working directory: `gunicorn wsgi:app`."""

# Build the app in the master so that bad configuration stops gunicorn with caseflow's one-line
# message instead of workers failing to boot over and over; workers then fork with it loaded.
preload_app = True
wsgi_app = "wsgi:app"


def on_starting(server):
    """Refuse to serve, as `caseflow serve` does, a definition that lacks the stored cases' states or the code's."""
    from caseflow.cli.startup import refuse_to_serve_unless_fit

    refuse_to_serve_unless_fit(server.app.wsgi())

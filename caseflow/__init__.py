"""caseflow: workflow and case management for partnerships."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the caseflow app; `test_config` overrides settings read from the environment."""
    from caseflow.config import build_config

    app = Flask(__name__, instance_path=os.environ.get("CASEFLOW_INSTANCE_PATH") or str(ROOT / "instance"),
                template_folder=str(ROOT / "templates"))
    app.config.update(build_config(Path(app.instance_path), test_config))
    if app.config["CASEFLOW_CLOCK_OFFSET_FILE"]:
        from caseflow.clock import follow_offset_file

        follow_offset_file(app.config["CASEFLOW_CLOCK_OFFSET_FILE"])
    trust_proxies(app)
    register_extensions(app)
    register_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    if app.config["CHECK_DATABASE_ON_START"]:
        from caseflow.database import check_reachable
        from caseflow.extensions import db

        with app.app_context():
            check_reachable(db.engine)
    return app


def trust_proxies(app: Flask) -> None:
    """Behind CASEFLOW_PROXY_COUNT proxies, take the client's address, scheme and host from their headers,
    so the sign-in limits count people, not the proxy, and links and secure cookies use https."""
    count = app.config["CASEFLOW_PROXY_COUNT"]
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def register_extensions(app: Flask) -> None:
    """Bind the extensions and load the workflow definition."""
    from caseflow import auth, database, lost_connection, models, wal, workflow  # noqa: F401 - registers listeners and tables
    from caseflow.extensions import bootstrap, csrf, db, limiter, login_manager, migrate
    from caseflow.ui.security import init_security

    db.init_app(app)
    with app.app_context():
        wal.install(db.engine, app.config["CASEFLOW_SQLITE_CHECKPOINT_SECONDS"], app.config["CASEFLOW_SQLITE_WAL_CAP_PAGES"])
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    init_security(app)
    workflow.init_app(app)
    lost_connection.init_app(app)


def register_converters(app: Flask) -> None:
    """Bound `<int:...>` ids in every route to what a row can hold."""
    from caseflow.routing import register_converters as register

    register(app)


def register_blueprints(app: Flask) -> None:
    """Attach each feature's blueprint; adding a feature adds it here."""
    from caseflow import (admin, api, audit, auth, cases, comments, dashboard, documents, imports, notifications,
                          partners, reviews, ui)

    for feature in (ui, auth, dashboard, cases, partners, reviews, notifications, admin, documents, comments, imports,
                    audit):
        app.register_blueprint(feature.bp)
    api.register(app)  # through flask-smorest, which builds the OpenAPI document from the endpoints


def register_errorhandlers(app: Flask) -> None:
    """Friendly pages for the HTTP errors people can meet (JSON under /api/)."""
    from caseflow.ui.errors import register

    register(app)


def register_commands(app: Flask) -> None:
    """Add caseflow's commands to `flask` (the `caseflow` script calls the same group)."""
    from caseflow.cli import register

    register(app)

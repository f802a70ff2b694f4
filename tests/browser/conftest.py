"""A live caseflow server in a thread over a SQLite copy of the migrated template, and Chromium
driven by Playwright (Debian's /usr/bin/chromium; `playwright install` is never needed)."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from caseflow import create_app
from caseflow.extensions import db
from tests.factories import make_users

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def chromium():
    """The browser, or a skip (a failure when CASEFLOW_REQUIRE_BROWSER=1) without Chromium."""
    if not CHROMIUM.exists():
        message = f"browser tests need Chromium at {CHROMIUM}"
        if os.environ.get("CASEFLOW_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " (CASEFLOW_REQUIRE_BROWSER=1)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(sqlite_template, tmp_path):
    """Serve a fresh app with one user per role on a free port; yield its base URL."""
    path = tmp_path / "caseflow.db"
    shutil.copy(sqlite_template, path)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "browser-tests",
                      "CASEFLOW_ENV": "testing", "RATELIMIT_ENABLED": False, "UPLOAD_FOLDER": str(tmp_path / "up")})
    with app.app_context():
        make_users()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def browse(chromium, live_server):
    """browse(key) opens a new browser context signed in as the test user `key` (through the form)."""
    contexts = []

    def open_as(key: str):
        context = chromium.new_context(base_url=live_server, viewport={"width": 1366, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.goto("/login")
        page.fill("#email", f"{key}@example.org")
        page.fill("#password", "correct horse battery")
        page.click("button[type=submit], input[type=submit]")
        page.wait_for_url(f"{live_server}/")
        return page

    yield open_as
    for context in contexts:
        context.close()


def shoot(page, name: str) -> None:
    """Save a full-page screenshot under test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

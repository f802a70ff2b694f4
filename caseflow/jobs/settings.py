"""The scheduler's settings, from the app's config or else the environment."""
from __future__ import annotations

import os

DEFAULT_INTERVAL_SECONDS = 60.0


def _setting(app, name: str) -> str | None:
    value = app.config.get(name)
    return str(value) if value is not None else os.environ.get(name)


def sweep_interval(app) -> float:
    """Seconds between two runs of the sweeps: CASEFLOW_SWEEP_INTERVAL_SECONDS, default 60."""
    return float(_setting(app, "CASEFLOW_SWEEP_INTERVAL_SECONDS") or DEFAULT_INTERVAL_SECONDS)


def lease_seconds(app, interval: float) -> float:
    """How long a leader's lease lasts unrenewed: CASEFLOW_SCHEDULER_LEASE_SECONDS, default three intervals."""
    value = _setting(app, "CASEFLOW_SCHEDULER_LEASE_SECONDS")
    return float(value) if value else max(3 * interval, 10.0)

"""Scheduled jobs: sweeps over the database that fire timed transitions and send reminders."""
from caseflow.jobs.registry import SWEEPS, run_all, run_sweep
from caseflow.jobs.result import SweepResult

__all__ = ["SWEEPS", "SweepResult", "run_all", "run_sweep"]

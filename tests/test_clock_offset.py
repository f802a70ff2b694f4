"""The load run moves a deployment's clock through a file; production refuses the setting."""
from __future__ import annotations

import datetime as dt

import pytest

from caseflow import clock
from caseflow.config import ConfigError, build_config


@pytest.fixture
def offset_file(tmp_path, monkeypatch):
    path = tmp_path / "offset"
    monkeypatch.setattr(clock, "OFFSET_READ_SECONDS", 0)  # read the file at every call
    yield path
    clock.follow_offset_file(None)


def test_the_clock_runs_ahead_by_the_seconds_in_the_file(offset_file):
    clock.write_offset_file(offset_file, 30 * 86400)
    clock.follow_offset_file(str(offset_file))
    ahead = clock.utcnow() - dt.datetime.now(dt.timezone.utc)
    assert dt.timedelta(days=29, hours=23) < ahead <= dt.timedelta(days=30)
    clock.write_offset_file(offset_file, 0)
    assert abs(clock.utcnow() - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=1)


def test_a_file_being_rewritten_or_gone_keeps_the_last_offset(offset_file):
    clock.write_offset_file(offset_file, 86400)
    clock.follow_offset_file(str(offset_file))
    assert clock.today() == (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).date()
    offset_file.write_text("half-writ")
    assert clock.today() == (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).date()
    offset_file.unlink()
    assert clock.today() == (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).date()


def test_a_frozen_clock_wins_over_the_file(offset_file):
    clock.write_offset_file(offset_file, 86400 * 365)
    clock.follow_offset_file(str(offset_file))
    moment = dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc)
    with clock.frozen_at(moment):
        assert clock.utcnow() == moment


def test_production_refuses_a_moved_clock(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEFLOW_CLOCK_OFFSET_FILE", str(tmp_path / "offset"))
    with pytest.raises(ConfigError, match="CASEFLOW_CLOCK_OFFSET_FILE"):
        build_config(tmp_path, {"CASEFLOW_ENV": "production", "SECRET_KEY": "x", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
                                "CASEFLOW_CHECKPOINT_KEY": str(tmp_path / "key.pem")})

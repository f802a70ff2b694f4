"""With several workers the per-address limiter needs storage they share: production refuses memory://."""
from __future__ import annotations

import pytest

from caseflow import create_app
from caseflow.config import build_config


def test_production_refuses_a_limiter_that_counts_in_each_workers_memory(tmp_path, monkeypatch):
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    with pytest.raises(SystemExit) as refused:
        create_app({"CASEFLOW_ENV": "production", "SECRET_KEY": "s", "CHECK_DATABASE_ON_START": False,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert "RATELIMIT_STORAGE_URI" in str(refused.value) and "memory://" in str(refused.value)


def test_production_refuses_memory_storage_named_explicitly(tmp_path, monkeypatch):
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    with pytest.raises(SystemExit):
        build_config(tmp_path, {"CASEFLOW_ENV": "production", "SECRET_KEY": "s"})


def test_production_accepts_redis_shared_by_every_worker(tmp_path, monkeypatch):
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
    config = build_config(tmp_path, {"CASEFLOW_ENV": "production", "SECRET_KEY": "s"})
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379"


def test_development_keeps_counting_in_memory(tmp_path, monkeypatch):
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    assert build_config(tmp_path, {"CASEFLOW_ENV": "development", "SECRET_KEY": "s"})["RATELIMIT_STORAGE_URI"] == "memory://"

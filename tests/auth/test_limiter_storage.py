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
    config = build_config(tmp_path, {"CASEFLOW_ENV": "production", "SECRET_KEY": "s",
                                     "CASEFLOW_CHECKPOINT_KEY": str(tmp_path / "checkpoint.pem")})
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379"


def test_development_keeps_counting_in_memory(tmp_path, monkeypatch):
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    assert build_config(tmp_path, {"CASEFLOW_ENV": "development", "SECRET_KEY": "s"})["RATELIMIT_STORAGE_URI"] == "memory://"


REDIS_URI = "redis://127.0.0.1:6379"


def _redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URI, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001 - any failure means no Redis to test against
        return False


def _codes_of_two_workers(url: str, storage_uri: str) -> list[list[int]]:
    """Two worker processes in turn, each failing twice from one address, under a limit of 3 a minute."""
    import multiprocessing
    import uuid

    from tests.auth.limiter_worker import failed_sign_ins_in_process

    context, prefix = multiprocessing.get_context("spawn"), f"caseflow-test-{uuid.uuid4().hex}"
    codes = []
    for _ in range(2):
        results = context.Queue()
        worker = context.Process(target=failed_sign_ins_in_process, args=(url, storage_uri, prefix, 2, results))
        worker.start()
        codes.append(results.get(timeout=120))
        worker.join(timeout=60)
    return codes


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis at 127.0.0.1:6379")
def test_workers_sharing_redis_count_one_addresss_failed_sign_ins_together(database_url):
    assert _codes_of_two_workers(database_url, REDIS_URI) == [[401, 401], [401, 429]]


def test_workers_counting_in_memory_each_allow_the_full_limit(database_url):
    assert _codes_of_two_workers(database_url, "memory://") == [[401, 401], [401, 401]]

"""The HTTP state stores on SQLite (two connections = two workers) and PostgreSQL: one contract."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from adapters.http_state.memory_state import InMemoryHttpState
from adapters.http_state.postgres_state import PostgresHttpState
from adapters.http_state.sqlite_state import SQLiteHttpState

pytestmark = pytest.mark.integration

Factory = Callable[[], Any]


@pytest.fixture(params=["sqlite", "postgres", "memory"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Any, Any]]:
    """Two store instances over the same state, as two API workers would hold them."""
    if request.param == "sqlite":
        a, b = SQLiteHttpState(tmp_path / "http.db"), SQLiteHttpState(tmp_path / "http.db")
    elif request.param == "postgres":
        dsn = request.getfixturevalue("fresh_postgres_db")
        a, b = PostgresHttpState(dsn), PostgresHttpState(dsn)
    else:
        a = b = InMemoryHttpState()
    try:
        yield a, b
    finally:
        a.close()
        b.close()


def test_replay_guard_accepts_once_until_expiry(stores: tuple[Any, Any]) -> None:
    a, b = stores
    assert a.first_use("sig-1", now=1000.0, ttl_s=601) is True
    assert b.first_use("sig-1", now=1001.0, ttl_s=601) is False
    assert b.first_use("sig-1", now=1602.0, ttl_s=601) is True  # expired records may be reused


def test_rate_windows_count_across_workers(stores: tuple[Any, Any]) -> None:
    a, b = stores
    assert [a.hit("k", 60, 120.0), b.hit("k", 60, 150.5), a.hit("k", 60, 179.9)] == [1, 2, 3]
    assert b.hit("k", 60, 180.0) == 1  # next window
    assert a.hit("k", 86_400, 180.0) == 1  # other window length, other counter


def test_concurrent_hits_are_exact(stores: tuple[Any, Any]) -> None:
    a, b = stores
    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = list(pool.map(lambda i: (a if i % 2 else b).hit("busy", 60, 60.0), range(80)))
    assert sorted(counts) == list(range(1, 81))


def test_quota_never_passes_its_limit(stores: tuple[Any, Any]) -> None:
    a, b = stores
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda i: (a if i % 2 else b).consume("t/2030-01/ocr/live", 25), range(40)))
    granted = sorted(r for r in results if r is not None)
    assert granted == list(range(1, 26)) and results.count(None) == 15
    assert a.used("t/2030-01/ocr/live") == 25 and b.used("unknown") == 0


def test_idempotency_claim_complete_replay_mismatch_release(stores: tuple[Any, Any]) -> None:
    a, b = stores
    response = (201, (("content-type", "application/json"),), b'{"id":1}')
    assert a.claim("ten_a", "key", "fp1", now=10.0, lease_s=300) == ("claimed", None)
    assert b.claim("ten_a", "key", "fp1", now=11.0, lease_s=300) == ("in_flight", None)
    assert b.claim("ten_a", "key", "fp2", now=11.0, lease_s=300) == ("mismatch", None)
    assert b.claim("ten_b", "key", "fp1", now=11.0, lease_s=300) == ("claimed", None)  # tenant-scoped
    a.complete("ten_a", "key", response, now=12.0, ttl_s=3600)
    assert b.claim("ten_a", "key", "fp1", now=13.0, lease_s=300) == ("completed", response)
    assert b.claim("ten_a", "key", "fp1", now=3613.0, lease_s=300) == ("claimed", None)  # expired: new claim
    b.release("ten_a", "key")
    assert a.claim("ten_a", "key", "fp9", now=3614.0, lease_s=300) == ("claimed", None)


def test_a_crashed_workers_claim_frees_itself_after_the_lease(stores: tuple[Any, Any]) -> None:
    a, b = stores
    assert a.claim("t", "k", "fp", now=0.0, lease_s=300) == ("claimed", None)
    assert b.claim("t", "k", "fp", now=299.0, lease_s=300) == ("in_flight", None)
    assert b.claim("t", "k", "fp", now=301.0, lease_s=300) == ("claimed", None)


def test_concurrent_claims_grant_one(stores: tuple[Any, Any]) -> None:
    a, b = stores
    with ThreadPoolExecutor(max_workers=8) as pool:
        states = list(pool.map(lambda i: (a if i % 2 else b).claim("t", "race", "fp", 5.0, 300)[0], range(16)))
    assert states.count("claimed") == 1 and states.count("in_flight") == 15

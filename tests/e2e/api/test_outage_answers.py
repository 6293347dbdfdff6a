"""Outages answer 503 + Retry-After from the one error mapping; a bug still answers 500.

Routes here raise what the drivers raise when PostgreSQL or NATS is away (the real outages run in
tests/integration/resilience); the app is the real one, with the composition root's classifier.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import nats.errors
import psycopg_pool
import pytest
from eventsourcing.persistence import OperationalError
from litestar import get

from tests.e2e.api.helpers import ApiStack

pytestmark = pytest.mark.e2e


@get("/test/pool-timeout", sync_to_thread=False)
def pool_timeout() -> None:
    try:
        raise psycopg_pool.PoolTimeout("couldn't get a connection after 3.00 sec")
    except psycopg_pool.PoolTimeout as error:
        raise OperationalError(str(error)) from error  # as eventsourcing's datastore wraps it


@get("/test/nats-down", sync_to_thread=False)
def nats_down() -> None:
    raise nats.errors.NoServersError()


@get("/test/bug", sync_to_thread=False)
def bug() -> None:
    raise ValueError("a bug, not an outage")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiStack]:
    started = ApiStack.start(Path(tmp_path_factory.mktemp("outage")), in_memory=True,
                             extra_handlers=(pool_timeout, nats_down, bug))
    yield started
    started.close()


@pytest.mark.parametrize(("path", "dependency"), [("/test/pool-timeout", "postgresql"), ("/test/nats-down", "nats")])
def test_an_outage_is_a_503_with_retry_after_naming_the_dependency(stack: ApiStack, path: str, dependency: str) -> None:
    answer = stack.http.get(path)
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5" and answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["code"] == "dependency_unavailable" and problem["type"].endswith(":dependency_unavailable")
    assert problem["details"] == {"dependency": dependency, "retry_after_s": 5} and problem["trace_id"]


def test_a_bug_is_still_a_500_without_internals(stack: ApiStack) -> None:
    answer = stack.http.get("/test/bug")
    assert answer.status_code == 500 and answer.json()["code"] == "internal_error"
    assert "a bug" not in answer.text

"""PostgreSQL connection pools that survive a server restart and report an outage quickly.

Every long-running part (API replicas, followers, the ledger's own recorder) takes its connections
from a psycopg pool tuned here (README "Outages and restarts"):

- a connection is checked before it is handed out, and when one check fails every idle connection
  is checked at once, so after a restart (all pooled connections dead together) the first request
  waits for one fresh connection instead of failing on each dead one in turn;
- a caller waits at most ``timeout_s`` for a connection (then ``PoolTimeout``, which the API answers
  503 + Retry-After), and libpq gives up connecting after the same time (an unreachable host);
- the pool stops its own reconnection attempts after ``RECONNECT_WINDOW_S`` and connects again on the
  next demand: psycopg_pool's exponential back-off (1, 2, 4, ... up to minutes) would otherwise keep a
  recovered server waiting for the next scheduled attempt.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError
from psycopg import Connection
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg_pool import ConnectionPool, PoolTimeout

log = logging.getLogger("kycledger.postgres")

T = TypeVar("T")
DEFAULT_TIMEOUT_S = 3
RECONNECT_WINDOW_S = 3.0


def with_connect_timeout(dsn: str, timeout_s: int = DEFAULT_TIMEOUT_S) -> str:
    """``dsn`` with libpq's ``connect_timeout`` (whole seconds, at least 2 as libpq requires)."""
    info = conninfo_to_dict(dsn)
    info.setdefault("connect_timeout", str(max(2, int(timeout_s))))
    return make_conninfo(**{k: str(v) for k, v in info.items() if v is not None})


def healing_check(pool: ConnectionPool[Any]) -> Callable[[Connection[Any]], None]:
    """A pool ``check`` that, when one connection is dead, sweeps the idle ones too (``pool.check``)."""

    def check(conn: Connection[Any]) -> None:
        try:
            ConnectionPool.check_connection(conn)
        except Exception:
            log.warning("a pooled PostgreSQL connection is dead; checking the idle ones")
            pool.check()  # replaces every dead idle connection now (the server may have restarted)
            raise

    return check


def healing_pool(dsn: str, *, name: str, timeout_s: int = DEFAULT_TIMEOUT_S, min_size: int = 1,
                 max_size: int = 4, autocommit: bool = True) -> ConnectionPool[Any]:
    """An open pool on ``dsn`` with the behaviour described in the module docstring."""
    pool: ConnectionPool[Any] = ConnectionPool(
        with_connect_timeout(dsn, timeout_s), name=name, min_size=min_size, max_size=max_size, open=False,
        timeout=float(timeout_s), reconnect_timeout=RECONNECT_WINDOW_S, kwargs={"autocommit": autocommit})
    tune_pool(pool, timeout_s)
    pool.open(wait=False)  # a server down at start is reported by the first caller, not here
    return pool


def tune_pool(pool: ConnectionPool[Any], timeout_s: int = DEFAULT_TIMEOUT_S) -> None:
    """Give a pool built elsewhere (eventsourcing's ``PostgresDatastore``) the same behaviour.

    eventsourcing builds its pool itself and offers no option for the check callback, the reconnect
    window or libpq's connect timeout; psycopg_pool keeps the check in ``_check``. The pool must not
    be open yet. ``tests/integration/resilience`` restarts a real server under a running ledger, so a
    psycopg_pool that renamed the attribute fails there rather than in production.
    """
    if not hasattr(pool, "_check"):
        raise RuntimeError("psycopg_pool no longer keeps its check callback in _check: update tune_pool")
    pool._check = healing_check(pool)
    pool.reconnect_timeout = RECONNECT_WINDOW_S
    pool.timeout = float(timeout_s)
    if isinstance(pool.kwargs, dict):
        pool.kwargs.setdefault("connect_timeout", max(2, int(timeout_s)))


def bounded_retry(function: Callable[..., T], *,
                  committed: Callable[..., T | None] | None = None) -> Callable[..., T]:
    """Retry a recorder call on a dropped connection, but never an outage the pool already waited out.

    eventsourcing retries every read and write ten times (``@retry(..., max_attempts=10)``): right for
    a connection that died under one statement, but with a server down each attempt waits the pool's
    full timeout, so one request hung for ten of them (14-22 s) before answering. Here a dead
    connection is retried twice on a fresh one; a ``PoolTimeout`` (no connection came in time) is
    raised at once, to be answered 503 + Retry-After.

    A write whose connection dropped during its COMMIT may have committed: the server had it, the
    acknowledgement was lost. Its retry then conflicts with itself (``IntegrityError``). For writes,
    ``committed`` (called with the same arguments) says whether exactly what was sent is stored, and
    returns what the write would have returned; otherwise the conflict is someone else's and raised.
    """
    inner = getattr(function, "__wrapped__", function)  # eventsourcing's own retry, unwrapped

    @wraps(inner)
    def call(*args: Any, **kwargs: Any) -> T:
        for attempt in range(3):
            try:
                result: T = inner(*args, **kwargs)
                return result
            except IntegrityError:
                stored = committed(*args, **kwargs) if committed is not None and attempt > 0 else None
                if stored is None:
                    raise
                log.warning("a write's acknowledgement was lost with its connection; it had committed")
                return stored
            except (InterfaceError, OperationalError) as error:
                if attempt == 2 or isinstance(error.__cause__, PoolTimeout):
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    return call

"""Which dependency an exception says is unavailable: the drivers' operational errors, named once.

The API answers these 503 with ``Retry-After`` (``api.errors``: code ``dependency_unavailable``);
followers back off and retry. Anything not recognised here is a bug, never an outage: an SQL error,
a constraint violation or a refused NATS request stays what it is.
"""

from __future__ import annotations

import sqlite3

import nats.errors
import nats.js.errors
import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError

POSTGRESQL = "postgresql"
SQLITE = "sqlite"
NATS = "nats"

_NATS_UNREACHABLE = (
    nats.errors.NoServersError, nats.errors.ConnectionClosedError, nats.errors.TimeoutError,
    nats.errors.StaleConnectionError, nats.errors.OutboundBufferLimitError, nats.errors.ConnectionReconnectingError,
    nats.errors.NoRespondersError, nats.errors.FlushTimeoutError, nats.js.errors.ServiceUnavailableError,
    nats.js.errors.NoStreamResponseError,
)
_SQLITE_BUSY = ("database is locked", "database table is locked", "unable to open database file")


def _own_dependency(error: BaseException) -> str | None:
    if isinstance(error, OperationalError | InterfaceError) and isinstance(error.__cause__, sqlite3.Error):
        return _own_dependency(error.__cause__)  # eventsourcing's SQLite recorder wraps sqlite3's errors
    if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError | OperationalError | InterfaceError):
        # eventsourcing wraps psycopg's errors in its own OperationalError / InterfaceError. Both mean
        # the server, the connection or the pool's wait for one failed (or the server cancelled the
        # statement: shutdown, lock timeout, deadlock), never that the statement was wrong.
        return POSTGRESQL
    if isinstance(error, sqlite3.OperationalError):
        return SQLITE if any(m in str(error) for m in _SQLITE_BUSY) else None
    if isinstance(error, _NATS_UNREACHABLE):
        return NATS
    return None


def unavailable_dependency(error: BaseException) -> str | None:
    """``"postgresql"``, ``"sqlite"`` or ``"nats"`` when ``error`` (or what caused it) is an outage."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        found = _own_dependency(current)
        if found is not None:
            return found
        current = current.__cause__ or current.__context__
    return None

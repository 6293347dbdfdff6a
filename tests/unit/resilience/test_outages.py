"""Which exceptions are outages of a dependency (answered 503 + Retry-After), and which are bugs."""

from __future__ import annotations

import sqlite3

import nats.errors
import psycopg
import psycopg_pool
import pytest
from eventsourcing.persistence import IntegrityError, OperationalError

from adapters.outages import unavailable_dependency

pytestmark = pytest.mark.unit


def wrapped(outer: type[Exception], inner: BaseException) -> Exception:
    try:
        raise outer("wrapped") from inner
    except Exception as error:
        return error


def test_postgresql_outages_are_recognised_directly_and_through_eventsourcing() -> None:
    assert unavailable_dependency(psycopg.OperationalError("server closed the connection")) == "postgresql"
    assert unavailable_dependency(psycopg_pool.PoolTimeout("no connection after 3 s")) == "postgresql"
    assert unavailable_dependency(psycopg.InterfaceError("the connection is closed")) == "postgresql"
    assert unavailable_dependency(wrapped(OperationalError, psycopg.OperationalError("x"))) == "postgresql"
    assert unavailable_dependency(wrapped(RuntimeError, psycopg_pool.PoolTimeout("x"))) == "postgresql"


def test_a_busy_sqlite_is_an_outage_and_an_sql_error_is_not() -> None:
    assert unavailable_dependency(sqlite3.OperationalError("database is locked")) == "sqlite"
    assert unavailable_dependency(wrapped(OperationalError, sqlite3.OperationalError("database is locked"))) == "sqlite"
    assert unavailable_dependency(sqlite3.OperationalError("no such table: x")) is None
    assert unavailable_dependency(wrapped(OperationalError, sqlite3.OperationalError("no such table: x"))) is None


def test_nats_outages_are_recognised() -> None:
    assert unavailable_dependency(nats.errors.NoServersError()) == "nats"
    assert unavailable_dependency(nats.errors.TimeoutError()) == "nats"
    assert unavailable_dependency(wrapped(RuntimeError, nats.errors.ConnectionClosedError())) == "nats"


def test_bugs_and_refusals_are_not_outages() -> None:
    assert unavailable_dependency(IntegrityError("duplicate key")) is None
    assert unavailable_dependency(psycopg.errors.UniqueViolation("duplicate")) is None
    assert unavailable_dependency(psycopg.ProgrammingError("syntax error")) is None
    assert unavailable_dependency(ValueError("bad")) is None
    assert unavailable_dependency(nats.errors.BadSubjectError()) is None

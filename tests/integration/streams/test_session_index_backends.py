"""The session search's index on a real SQLite file and a real PostgreSQL: a deployment that ran
before the index existed gets it filled on first use, the SQL walk answers as the in-memory reference
does, and a rebuild reproduces its rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from adapters.views.runner import ProjectionRunner
from adapters.views.session_index import session_index_runner
from adapters.views.sql_views import PostgresReadModelView, SQLiteReadModelView
from domain.audit import audit_context
from domain.sessions.search import SessionQuery
from ops.bootstrap import LedgerRuntime
from ops.runners.decision_worker import DecisionWorker
from ops.runners.relays import open_read_model_view, open_session_index
from projections.memory_view import InMemoryReadModelView
from projections.schema import ALL_TABLES, SESSION_INDEX, SESSION_REVIEWERS
from projections.session_index_query import indexed_sessions
from services.search.sessions import SessionSearch
from tests.integration.decisions.seeding import TENANTS, open_ledger_at, seed_sessions
from tests.unit.sessions.support import reviewer

pytestmark = pytest.mark.integration

BEFORE_THE_INDEX = tuple(t for t in ALL_TABLES if t not in (SESSION_INDEX, SESSION_REVIEWERS))


def _old_deployment_view(rt: LedgerRuntime) -> Any:
    """The read-model store as a version without the index created it."""
    if rt.backend == "postgres":
        assert rt.settings.db_url is not None
        return PostgresReadModelView(rt.settings.db_url, tables=BEFORE_THE_INDEX)
    assert rt.data_dir is not None
    return SQLiteReadModelView(rt.data_dir / "views.db", tables=BEFORE_THE_INDEX)


def _ledger_before_the_upgrade(rt: LedgerRuntime) -> dict[str, list[str]]:
    """Sessions of two tenants, decided, some claimed by a reviewer; read models up to date without the index."""
    ids = seed_sessions(rt, 16)
    DecisionWorker(rt.ledger).run_once()
    for n, sid in enumerate(ids):
        tenant = TENANTS[n % 2]
        if str(rt.ledger.get_session(tenant, sid).status) == "manual_review":
            with audit_context(tenant, "key:kyck_reviewer", f"claim-{n}"):
                rt.ledger.claim_review(tenant, sid, reviewer(f"mem_{tenant}"))
    old = _old_deployment_view(rt)
    try:
        assert ProjectionRunner(rt.ledger, old).run_once() > 0
    finally:
        old.close()
    return {t: [str(sid) for n, sid in enumerate(ids) if TENANTS[n % 2] == t] for t in TENANTS}


def _check(rt: LedgerRuntime) -> None:
    sessions = _ledger_before_the_upgrade(rt)
    index = open_session_index(rt)  # the first start of the version with the index
    try:
        search = SessionSearch(rt.ledger, index)
        for tenant in TENANTS:
            page = search.search(tenant, SessionQuery(limit=200))
            assert [s["id"] for s in page.sessions] == sessions[tenant] and page.next_cursor is None
        assert search.search(TENANTS[0], SessionQuery(reviewer=f"mem_{TENANTS[0]}")).sessions
        assert search.search(TENANTS[1], SessionQuery(reviewer=f"mem_{TENANTS[0]}")).sessions == []

        # The SQL walk answers exactly as the in-memory reference view over the same rows.
        reference = InMemoryReadModelView((SESSION_INDEX, SESSION_REVIEWERS))
        rows = index.view.dump()
        with reference.transaction("copy", 1) as tx:
            for table in (SESSION_INDEX, SESSION_REVIEWERS):
                for row in rows[table.name]:
                    tx.upsert(table, row)
        assert rows[SESSION_INDEX.name] and rows[SESSION_REVIEWERS.name]
        queries = [SessionQuery(), SessionQuery(status="manual_review"), SessionQuery(route="auto_approve"),
                   SessionQuery(status="verified", route="auto_approve"), SessionQuery(reviewer=f"mem_{TENANTS[0]}")]
        with index.reader() as sql, reference.reader() as memory:
            for tenant, query, environment, after in [(t, q, e, a) for t in TENANTS for q in queries
                                                     for e in ("live", "sandbox", None) for a in (0, 9)]:
                assert indexed_sessions(sql, tenant, environment, query, after, 3) == \
                    indexed_sessions(memory, tenant, environment, query, after, 3), (tenant, query, environment)

        # A rebuild from zero reproduces the index exactly.
        view = open_read_model_view(rt)
        try:
            ProjectionRunner(rt.ledger, view).rebuild()
            assert session_index_runner(rt.ledger, view).run_once() > 0
            rebuilt = view.dump()
        finally:
            view.close()
        assert {t: rebuilt[t] for t in (SESSION_INDEX.name, SESSION_REVIEWERS.name)} == \
            {t: rows[t] for t in (SESSION_INDEX.name, SESSION_REVIEWERS.name)}
    finally:
        index.close()


def test_sqlite_index_fills_on_an_old_deployment_and_answers_as_the_reference(tmp_path: Path) -> None:
    rt = open_ledger_at(tmp_path)
    try:
        _check(rt)
    finally:
        rt.close()


def test_postgres_index_fills_on_an_old_deployment_and_answers_as_the_reference(tmp_path: Path,
                                                                                fresh_postgres_db: str) -> None:
    rt = open_ledger_at(tmp_path, fresh_postgres_db)
    try:
        _check(rt)
    finally:
        rt.close()

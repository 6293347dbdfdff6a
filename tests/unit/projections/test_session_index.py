"""The session search's index: its rows agree with the aggregates, and the search over it answers
exactly what a walk over every session would, page by page, never with another tenant's session."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from domain.audit import audit_context
from domain.sessions.search import SessionQuery, decode_cursor, latest_route, matches, reviewers_of, summary
from projections.memory_view import InMemoryReadModelView
from projections.schema import SESSION_INDEX, SESSION_REVIEWERS
from projections.session_index import INDEX_PROJECTION, epoch_microseconds
from projections.session_index_query import indexed_sessions
from services.search.sessions import SessionSearch
from tests.unit.projections.index_support import A, B, MemoryIndex, Story, story
from tests.unit.sessions.support import T0

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def told() -> Story:
    return story()


@pytest.fixture(scope="module")
def index(told: Story) -> MemoryIndex:
    built = MemoryIndex(told.ledger)
    built.catch_up()
    return built


def _sessions(told: Story, tenant: str) -> list[Any]:
    """Every session of ``tenant``, in creation order, as the aggregate says (no environment bound)."""
    every = [told.ledger.repository.get(sid) for sid in told.ids.values()]
    return [s for s in every if s.tenant == tenant]


def _key(tenant: str, environment: str | None) -> Any:
    if environment is None:
        return audit_context(tenant, "console:auditor", "req")  # a person: both environments
    return audit_context(tenant, f"key:kyck_{tenant}" + (":sandbox" if environment == "sandbox" else ""), "req")


def _environment(told: Story, sid: Any) -> str:
    created = next(iter(told.ledger.events.get(sid, limit=1)))
    return "sandbox" if created.actor.endswith(":sandbox") else "live"


def test_every_index_row_agrees_with_its_aggregate(told: Story, index: MemoryIndex) -> None:
    with index.reader() as r:
        rows = {row["session_id"]: row for row in r.select(SESSION_INDEX)}
        links = r.select(SESSION_REVIEWERS)
    assert set(rows) == {str(sid) for sid in told.ids.values()}
    for sid in told.ids.values():
        session = told.ledger.repository.get(sid)
        row = rows[str(sid)]
        assert (row["tenant_id"], row["status"], row["route"]) == (session.tenant, str(session.status),
                                                                   latest_route(session)), sid
        assert row["created_at_us"] == epoch_microseconds(session.created_at)
        assert row["environment"] == _environment(told, sid)
        assert {k["member_id"] for k in links if k["session_id"] == str(sid)} == {
            p["id"] for p in reviewers_of(session)}
    # The story reaches every status and several routes: the comparison above is not about one case.
    assert {r["status"] for r in rows.values()} == {"verified", "manual_review", "failed", "pending", "cancelled",
                                                    "expired"}
    assert {r["route"] for r in rows.values()} >= {"auto_approve", "manual_review", "compliance_escalation", "retry"}
    assert [r["created_id"] for r in sorted(rows.values(), key=lambda r: r["created_id"])] == sorted(
        {r["created_id"] for r in rows.values()})


def test_the_index_holds_nothing_personal_and_no_reference(index: MemoryIndex) -> None:
    assert "reference" not in SESSION_INDEX.column_names
    assert set(SESSION_REVIEWERS.column_names) == {"session_id", "member_id", "tenant_id", "environment",
                                                   "created_id"}


QUERIES = [
    {}, {"status": "verified"}, {"status": "manual_review"}, {"status": "failed"}, {"status": "pending"},
    {"route": "manual_review"}, {"route": "compliance_escalation"}, {"route": "retry", "status": "pending"},
    {"reviewer": "ana"}, {"reviewer": "ben"}, {"reviewer": "zed"}, {"reviewer": "cy", "status": "manual_review"},
    {"reviewer": "ana", "status": "verified"}, {"start": T0 + timedelta(minutes=30)},
    {"end": T0 + timedelta(minutes=30)}, {"reviewer": "ben", "end": T0 + timedelta(minutes=30)},
]


@pytest.mark.parametrize("filters", QUERIES, ids=lambda f: ",".join(f) or "all")
@pytest.mark.parametrize("environment", ["live", "sandbox", None])
@pytest.mark.parametrize("tenant", [A, B])
def test_every_page_walk_answers_what_a_walk_over_every_session_answers(
        told: Story, index: MemoryIndex, filters: dict[str, Any], environment: str | None, tenant: str) -> None:
    search = SessionSearch(told.ledger, index)
    for limit in (1, 2, 50):
        query = SessionQuery(limit=limit, **filters)
        expected = [summary(s) for s in _sessions(told, tenant)
                    if matches(s, query) and environment in (None, _environment(told, s.id))]
        walked, after = [], 0
        with _key(tenant, environment):
            for _ in range(20):
                page = search.search(tenant, SessionQuery(limit=limit, after=after, **filters))
                walked += page.sessions
                if page.next_cursor is None:
                    break
                after = decode_cursor(page.next_cursor)
        assert walked == expected, (limit, filters)


def test_a_reviewer_or_a_cursor_of_another_tenant_opens_none_of_its_sessions(told: Story, index: MemoryIndex) -> None:
    search = SessionSearch(told.ledger, index)
    with _key(B, None):
        assert search.search(B, SessionQuery(reviewer="ana")).sessions == []  # ana reviewed tenant A's cases only
        b_ids = [s["id"] for s in search.search(B, SessionQuery()).sessions]
    with _key(A, None):
        assert search.search(A, SessionQuery(reviewer="zed")).sessions == []
        first_b = told.ids["b_review"]
        with index.reader() as r:
            row = r.get(SESSION_INDEX, (str(first_b),))
            assert row is not None
            b_position = row["created_id"]
        after_b = search.search(A, SessionQuery(after=b_position)).sessions
    assert after_b and not {s["id"] for s in after_b} & set(b_ids)
    with index.reader() as r:
        for environment, tenant in itertools.product(("live", "sandbox", None), (A, B)):
            rows = indexed_sessions(r, tenant, environment, SessionQuery(), 0, 200)
            assert rows and {row["tenant_id"] for row in rows} == {tenant}
            assert {row["environment"] for row in rows} == ({environment} if environment else {"live", "sandbox"})


def test_a_stale_index_row_is_never_shown_and_the_walk_reads_on() -> None:
    fresh = story()
    index = MemoryIndex(fresh.ledger)
    index.catch_up()
    index.frozen = True  # the index lags the ledger from here on
    search = SessionSearch(fresh.ledger, index)
    with _key(A, "live"):
        pending = [s["id"] for s in search.search(A, SessionQuery(status="pending")).sessions]
        assert len(pending) >= 2
        fresh.ledger.cancel(A, UUID(pending[0]), "customer_left")
        page = search.search(A, SessionQuery(status="pending", limit=1))
        assert [s["id"] for s in page.sessions] == [pending[1]]  # the first is cancelled on the ledger: skipped
        cancelled = [s["id"] for s in search.search(A, SessionQuery(status="cancelled")).sessions]
        assert pending[0] not in cancelled  # not indexed yet: missing for now, never shown under a wrong status
        index.frozen = False
        cancelled = [s["id"] for s in search.search(A, SessionQuery(status="cancelled")).sessions]
        assert pending[0] in cancelled  # the search caught the index up before reading


def test_a_new_index_on_an_old_ledger_finds_every_old_session(told: Story) -> None:
    index = MemoryIndex(told.ledger)
    assert index.view.position(INDEX_PROJECTION) == 0  # nothing indexed: as on the first start after an upgrade
    search = SessionSearch(told.ledger, index)
    with _key(A, None):
        found = [s["id"] for s in search.search(A, SessionQuery(limit=200)).sessions]
    assert found == [str(s.id) for s in _sessions(told, A)]
    assert index.view.position(INDEX_PROJECTION) == told.ledger.recorder.max_notification_id()


def test_select_after_walks_int_columns_in_order_within_bounds() -> None:
    view = InMemoryReadModelView((SESSION_REVIEWERS,))
    with view.transaction("t", 1) as tx:
        for n, member in enumerate(["m1", "m2", "m1", "m1", "m2", "m1"], start=1):
            tx.upsert(SESSION_REVIEWERS, {"session_id": f"s{7 - n}", "member_id": member, "tenant_id": "t",
                                          "environment": "live", "created_id": n * 10})
    with view.reader() as r:
        walk = r.select_after(SESSION_REVIEWERS, {"member_id": "m1"}, "created_id", 10, 2)
        assert [row["created_id"] for row in walk] == [30, 40]
        bounded = r.select_after(SESSION_REVIEWERS, {}, "created_id", 0, 10, {"created_id": (20, 50)})
        assert [row["created_id"] for row in bounded] == [20, 30, 40]
        with pytest.raises(KeyError):
            r.select_after(SESSION_REVIEWERS, {}, "member_id", 0, 10)

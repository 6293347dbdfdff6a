"""Listing a tenant's sessions (``GET /v1/sessions``) and the auditors' search (``GET /v1/audit/sessions``):
filters by period, status, route and reviewer, cursor pages, and never another tenant's sessions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from domain.audit import PLATFORM_TENANT, audit_context
from tests.e2e.api.helpers import ApiStack
from tests.e2e.audit.support import captured_session, decided_session, start_stack, topics

pytestmark = pytest.mark.e2e

ACCESS = "kycledger.audit.AuditAccessRecorded"


@dataclass
class Tenants:
    stack: ApiStack
    tenant_id: str
    client: Any
    auditor: Any
    auditor_member: str
    reviewer_member: str
    approved: str  # auto-approved by the policy
    reviewed: str  # sent to manual review by the policy, accepted by the reviewer
    pending: str  # captured, not decided
    other_client: Any
    other_sessions: list[str]


@pytest.fixture(scope="module")
def tenants(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tenants]:
    stack = start_stack(Path(tmp_path_factory.mktemp("search")))
    owner, other = stack.new_tenant(name="Owner Bank"), stack.new_tenant(name="Other Bank")
    client, other_client = stack.client(owner), stack.client(other)
    other_sessions = [decided_session(stack, other_client, other.tenant_id),
                      decided_session(stack, other_client, other.tenant_id, similarity=0.52)]
    approved = decided_session(stack, client, owner.tenant_id)
    other_sessions.append(captured_session(other_client))  # interleaved with the owner's in the ledger
    reviewed = decided_session(stack, client, owner.tenant_id, similarity=0.52)
    pending = captured_session(client)
    reviewer_key = stack.new_key(owner.tenant_id, role="reviewer", name="Riley Reviewer")
    reviewer = stack.client(reviewer_key)
    assert reviewer.post(f"/v1/reviews/{reviewed}/claim", {}).status_code == 200
    decided = reviewer.post(f"/v1/reviews/{reviewed}/decision", {"decision": "accepted", "reason": "documents_ok"})
    assert decided.status_code == 200, decided.text
    auditor_key = stack.new_key(owner.tenant_id, role="auditor", name="Avery Auditor")
    try:
        yield Tenants(stack, owner.tenant_id, client, stack.client(auditor_key), str(auditor_key.member_id),
                      str(reviewer_key.member_id), approved, reviewed, pending, other_client, other_sessions)
    finally:
        stack.close()


def _ids(answer: Any) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [s["id"] for s in answer.json()["sessions"]]


def test_a_tenant_lists_its_own_sessions_oldest_first_and_never_another_tenants(tenants: Tenants) -> None:
    t = tenants
    assert _ids(t.client.get("/v1/sessions")) == [t.approved, t.reviewed, t.pending]
    assert _ids(t.other_client.get("/v1/sessions")) == t.other_sessions
    listed = t.client.get("/v1/sessions").json()["sessions"]
    assert listed[0]["status"] == "verified" and listed[0]["route"] == "auto_approve"
    assert listed[0]["decision"] == {"by": "policy", "decision": "accepted", "attempt": 1}
    assert listed[1]["decision"] == {"by": "reviewer", "decision": "accepted", "attempt": 1}
    assert listed[1]["reviewers"] == [{"id": t.reviewer_member, "name": "Riley Reviewer"}]
    assert listed[2]["status"] == "pending" and listed[2]["route"] is None and listed[2]["decision"] is None


def test_filters_by_status_route_reviewer_and_period(tenants: Tenants) -> None:
    t = tenants
    assert _ids(t.client.get("/v1/sessions", params={"status": "verified"})) == [t.approved, t.reviewed]
    assert _ids(t.client.get("/v1/sessions", params={"status": "pending"})) == [t.pending]
    assert _ids(t.client.get("/v1/sessions", params={"route": "manual_review"})) == [t.reviewed]
    assert _ids(t.client.get("/v1/sessions", params={"route": "auto_approve", "status": "verified"})) == [t.approved]
    assert _ids(t.client.get("/v1/sessions", params={"reviewer": t.reviewer_member})) == [t.reviewed]
    assert _ids(t.client.get("/v1/sessions", params={"reviewer": "mem_0000000000000000"})) == []
    now = datetime.now(UTC)
    period = {"from": (now - timedelta(hours=1)).isoformat(), "to": (now + timedelta(hours=1)).isoformat()}
    assert _ids(t.client.get("/v1/sessions", params=period)) == [t.approved, t.reviewed, t.pending]
    assert _ids(t.client.get("/v1/sessions", params={"from": (now + timedelta(hours=1)).isoformat()})) == []
    assert _ids(t.client.get("/v1/sessions", params={"to": (now - timedelta(hours=1)).isoformat()})) == []


def test_cursor_pages_walk_every_session_once_and_a_cursor_opens_no_other_tenants_sessions(tenants: Tenants) -> None:
    t = tenants
    walked, cursor, pages = [], None, 0
    while True:
        params = {"limit": "1", **({"cursor": cursor} if cursor else {})}
        answer = t.client.get("/v1/sessions", params=params)
        walked += _ids(answer)
        cursor = answer.json()["next_cursor"]
        pages += 1
        if cursor is None:
            break
        assert pages < 10
    assert walked == [t.approved, t.reviewed, t.pending]
    # The other tenant's cursor is only a position: from it the owner still sees its own sessions only.
    other_first = t.other_client.get("/v1/sessions", params={"limit": "1"}).json()["next_cursor"]
    assert set(_ids(t.client.get("/v1/sessions", params={"cursor": other_first}))) <= {t.approved, t.reviewed,
                                                                                        t.pending}


@pytest.mark.parametrize(("params", "code"), [
    ({"status": "approved"}, "invalid_argument"),
    ({"route": "somewhere"}, "invalid_argument"),
    ({"cursor": "not-a-cursor!"}, "cursor_invalid"),
    ({"cursor": "YWZ0ZXI6LTE"}, "cursor_invalid"),  # "after:-1"
    ({"from": "2026-01-01T00:00:00"}, "invalid_argument"),  # no offset
    ({"from": "2026-02-01T00:00:00+00:00", "to": "2026-01-01T00:00:00+00:00"}, "invalid_argument"),
    ({"limit": "0"}, "validation_error"),
    ({"to": "-2.2250738585072014e-308"}, "validation_error"),  # a number, not the documented date-time
    ({"from": "1796629441"}, "validation_error"),
    ({"tenant": "ten_other"}, "query_parameter_unknown"),
])
def test_bad_queries_are_problems_with_a_stable_code(tenants: Tenants, params: dict[str, str], code: str) -> None:
    answer = tenants.client.get("/v1/sessions", params=params)
    assert 400 <= answer.status_code < 500, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == code


def test_auditors_search_and_every_search_is_recorded_with_the_person(tenants: Tenants) -> None:
    t = tenants
    before = len(topics(t.stack, ACCESS))
    assert _ids(t.auditor.get("/v1/audit/sessions", params={"route": "manual_review"})) == [t.reviewed]
    recorded = topics(t.stack, ACCESS)[before:]
    assert [(r.resource, r.scope, r.member_id) for r in recorded] == [
        ("session_search", "route=manual_review", t.auditor_member)]
    # Each role has its own door: the integration key does not audit, the auditor does not integrate.
    assert t.client.get("/v1/audit/sessions").status_code == 403
    assert t.auditor.get("/v1/sessions").status_code == 403


def test_a_sandbox_key_lists_no_live_session(tenants: Tenants) -> None:
    with audit_context(PLATFORM_TENANT, "operator:test", "test-setup"):
        sandbox = tenants.stack.rt.ledger.create_api_key(tenants.tenant_id, "client", sandbox=True)
    assert _ids(tenants.stack.client(sandbox).get("/v1/sessions")) == []
    assert len(_ids(tenants.client.get("/v1/sessions"))) == 3  # the live key's own, as before

"""``Idempotency-Key`` on POST through the real app and a SQLite store (docs/architecture.md §9)."""

from __future__ import annotations

import threading
import uuid

import pytest

from domain.usage import UsageRecord
from tests.e2e.api.helpers import ApiStack

pytestmark = pytest.mark.e2e


def _usage_events(stack: ApiStack, tenant_id: str) -> int:
    notes = stack.rt.ledger.recorder.select_notifications(None, 10_000, topics=[UsageRecord.Created.TOPIC])
    events = [stack.rt.ledger.mapper.to_domain_event(n) for n in notes]
    return sum(1 for e in events if getattr(e, "owner_tenant_id", None) == tenant_id)


def test_same_key_same_body_returns_the_same_answer_with_one_set_of_events(stack: ApiStack) -> None:
    key = stack.new_tenant()
    client = stack.client(key)
    idem = str(uuid.uuid4())
    first = client.post("/v1/probe/meter/validate", {"n": 1}, idempotency_key=idem)
    second = client.post("/v1/probe/meter/validate", {"n": 1}, idempotency_key=idem)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert second.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert _usage_events(stack, key.tenant_id) == 1
    third = client.post("/v1/probe/meter/validate", {"n": 1}, idempotency_key=str(uuid.uuid4()))
    assert third.json()["used"] == 2
    assert _usage_events(stack, key.tenant_id) == 2


def test_same_key_other_body_is_422(stack: ApiStack) -> None:
    client = stack.client(stack.new_tenant())
    assert client.post("/v1/probe/meter/validate", {"n": 1}, idempotency_key="k-1").status_code == 200
    r = client.post("/v1/probe/meter/validate", {"n": 2}, idempotency_key="k-1")
    assert r.status_code == 422 and r.json()["code"] == "idempotency_key_reused"
    other_path = client.post("/v1/probe/meter/ocr", {"n": 1}, idempotency_key="k-1")
    assert other_path.status_code == 422


def test_keys_are_tenant_scoped(stack: ApiStack) -> None:
    a, b = stack.client(stack.new_tenant()), stack.client(stack.new_tenant())
    ra = a.post("/v1/probe/meter/validate", {"n": 1}, idempotency_key="shared")
    rb = b.post("/v1/probe/meter/validate", {"n": 1}, idempotency_key="shared")
    assert ra.status_code == rb.status_code == 200
    assert "idempotent-replayed" not in rb.headers


def test_concurrent_duplicate_in_flight_is_409(stack: ApiStack) -> None:
    key = stack.new_tenant()
    client = stack.client(key)
    answers: list[tuple[int, str]] = []
    start = threading.Barrier(2)

    def post() -> None:
        start.wait()
        r = client.post("/v1/probe/slow", {"seconds": 1.0}, idempotency_key="dup")
        answers.append((r.status_code, r.json().get("code", "") if r.status_code != 200 else ""))

    # Two identical requests race; whichever claims the key first runs (1 s), the other must be
    # told it is in flight. Either may win, so the test does not depend on thread scheduling.
    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == [(200, ""), (409, "idempotency_in_flight")]
    assert client.post("/v1/probe/slow", {"seconds": 1.0}, idempotency_key="dup").headers["idempotent-replayed"]
    assert _usage_events(stack, key.tenant_id) == 1


def test_server_error_releases_the_key_and_hides_internals(stack: ApiStack) -> None:
    client = stack.client(stack.new_tenant())
    r = client.post("/v1/probe/crash", {}, idempotency_key="boom")
    assert r.status_code == 500
    body = r.json()
    assert body["code"] == "internal_error" and body["trace_id"] == r.headers["x-trace-id"]
    assert "kycs_leak" not in r.text and "passwd" not in r.text and "RuntimeError" not in r.text
    again = client.post("/v1/probe/crash", {}, idempotency_key="boom")
    assert again.status_code == 500 and "idempotent-replayed" not in again.headers


def test_invalid_key_is_400(stack: ApiStack) -> None:
    client = stack.client(stack.new_tenant())
    r = client.post("/v1/probe/meter/validate", {"n": 1}, idempotency_key="x" * 256)
    assert r.status_code == 400 and r.json()["code"] == "idempotency_key_invalid"


def test_secret_bearing_answers_are_not_stored(stack: ApiStack) -> None:
    operator = stack.client(stack.new_key(stack.new_tenant().tenant_id, "operator"))
    first = operator.post("/v1/operator/tenants", {"name": "Acme"}, idempotency_key="new-tenant")
    assert first.status_code == 201 and first.json()["api_key_secret"].startswith("kycs_")
    again = operator.post("/v1/operator/tenants", {"name": "Acme"}, idempotency_key="new-tenant")
    assert again.status_code == 409 and again.json()["code"] == "secret_not_replayed"
    assert "kycs_" not in again.text
    db = (stack.rt.data_dir / "http_state.db").read_bytes()  # type: ignore[operator]
    assert first.json()["api_key_secret"].encode() not in db

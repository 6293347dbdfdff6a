"""Every error class answers RFC 9457 problem+json with the members of requirements/platform §14."""

from __future__ import annotations

import tempfile
from pathlib import Path

import httpx
import pytest

from api.deps import ApiSettings
from tests.e2e.api.helpers import ApiStack
from tests.e2e.api.probe_routes import ProbeController

pytestmark = pytest.mark.e2e

MEMBERS = {"type", "title", "status", "detail", "code", "message", "details", "trace_id"}


def assert_problem(r: httpx.Response, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert set(body) == MEMBERS
    assert body["status"] == status and body["code"] == code
    assert body["type"] == f"urn:kycledger:problem:{code}"
    assert body["detail"] == body["message"] and isinstance(body["details"], dict)
    assert body["trace_id"] == r.headers["x-trace-id"] and len(body["trace_id"]) == 32


def test_each_error_class(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    client = stack.client(tenant)
    operator = stack.client(stack.new_operator())
    assert_problem(client.post("/v1/probe/meter/validate", content=b"{not json"), 400, "bad_request")
    assert_problem(operator.post("/v1/operator/tenants", {"name": "x", "extra": 1}), 400, "validation_error")
    assert_problem(stack.http.get("/v1/probe/whoami"), 401, "unauthenticated")
    assert_problem(client.get("/v1/operator/plans"), 403, "operator_role_required")
    assert_problem(operator.get("/v1/operator/tenants/ten_missing"), 404, "not_found")
    assert_problem(client.get("/v1/probe/nothing-here"), 404, "not_found")
    assert_problem(client.request("DELETE", "/v1/probe/whoami"), 405, "method_not_allowed")
    key = stack.new_key(tenant.tenant_id)
    operator.post(f"/v1/operator/keys/{key.key_id}/revoke", {"reason": "a"})
    assert_problem(operator.post(f"/v1/operator/keys/{key.key_id}/revoke", {"reason": "b"}), 409, "conflict")
    assert_problem(client.post("/v1/probe/meter/unknown", {}), 422, "invalid_argument")
    assert_problem(client.post("/v1/probe/crash", {}), 500, "internal_error")


def test_body_limit_rate_limit_and_unavailable_proofs() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        s = ApiStack.start(Path(tmp), in_memory=True, extra_handlers=[ProbeController],
                           settings=ApiSettings(max_body_bytes=1000, rate_limit_per_minute=3))
        try:
            tenant = s.new_tenant()
            client = s.client(tenant)
            assert_problem(client.post("/v1/probe/meter/validate", {"x": "a" * 2000}), 413, "payload_too_large")
            auditor = s.client(s.new_key(tenant.tenant_id, "auditor"))
            assert_problem(auditor.get("/v1/ledger/checkpoints"), 503, "proofs_unavailable")
            assert all(client.get("/v1/probe/whoami").status_code == 200 for _ in range(3))
            assert_problem(client.get("/v1/probe/whoami"), 429, "rate_limited")
        finally:
            s.close()

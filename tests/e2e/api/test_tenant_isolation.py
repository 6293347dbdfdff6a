"""Tenant isolation, generated from the OpenAPI document (docs/architecture.md §8: "another tenant's ids answer 404 to
every key of every role"; a test generated from the OpenAPI document walks every route).

Every ``/v1`` and ``/kyc`` operation that names a resource (a path parameter, or an id field in its
example body) is called with tenant A's ids by EVERY key of tenant B (integration, admin, reviewer,
compliance officer, auditor): none may succeed, and the keys whose role the route admits must get
404 (found nothing), so the refusal comes from tenant scoping and not from a role guard alone.
Operator back-office operations refuse every tenant key with 403 (operators are platform-level).
New routes are covered as they land: their ids are filled by parameter name, and an operation
whose parameter is unknown fails the test, naming the parameter to add.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from domain.audit import audit_context
from domain.ports.blobs import session_subject_id
from domain.sessions.configuration import SessionConfiguration
from domain.webhooks import WebhookEndpoint, new_webhook_secret
from tests.e2e.api.helpers import ApiStack
from tests.e2e.audit.support import SELFIE, start_stack

pytestmark = pytest.mark.e2e

CROSS_TENANT_TAGS = {"operator", "ledger"}  # back-office and ledger proofs: role-guarded, not tenant-scoped
INTRUDER_ROLES = ("client", "admin", "reviewer", "compliance", "auditor")
SESSION_ID_NAMES = {"session_id", "sessionId", "job_id", "jobId", "scan_id", "scanId", "case_id", "caseId"}


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ApiStack, dict[str, str], dict[str, Any]]]:
    # Every service wired (product, audit, erasure, webhooks), so a route answers from its own logic
    # rather than "not configured".
    stack = start_stack(Path(tmp_path_factory.mktemp("isolation")))
    owner = stack.new_tenant(name="Tenant A")
    with audit_context(owner.tenant_id, f"key:{owner.key_id}", "isolation-setup"):
        session_id = stack.rt.ledger.create_session(owner.tenant_id, SessionConfiguration.build())
        endpoint = WebhookEndpoint.register(owner.tenant_id, "whe_tenant_a_hook", "https://a.example/hook",
                                            ["verification.completed"], new_webhook_secret())
        stack.rt.ledger.save(endpoint)
    owner_key = stack.new_key(owner.tenant_id)
    owner_reviewer = stack.new_key(owner.tenant_id, role="reviewer")
    ids = {name: str(session_id) for name in SESSION_ID_NAMES}
    ids |= {"tenant_id": owner.tenant_id, "key_id": owner_key.key_id, "endpoint_id": endpoint.endpoint_id,
            "subject_id": session_subject_id(owner.tenant_id, session_id), "member_id": str(owner_reviewer.member_id),
            "attempt": "1", "index": "0", "frame": "0"}
    tenant_b = stack.new_tenant(name="Tenant B")
    intruders = {role: stack.client(tenant_b if role == "client" else stack.new_key(tenant_b.tenant_id, role=role))
                 for role in INTRUDER_ROLES}
    try:
        yield stack, ids, intruders
    finally:
        stack.close()


def _operations(stack: ApiStack) -> list[tuple[str, str, dict[str, Any]]]:
    doc = stack.http.get("/openapi.json").json()
    found = []
    for path, item in doc["paths"].items():
        if not path.startswith(("/v1/", "/kyc/")):
            continue
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                found.append((method.upper(), path, operation))
    return found


def _example_body(operation: dict[str, Any]) -> Any:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return None
    if "example" in content:
        return content["example"]
    examples = content.get("examples") or {}
    if examples:
        return next(iter(examples.values()))["value"]
    schema_examples = content.get("schema", {}).get("examples") or []  # JSON Schema style
    return schema_examples[0] if schema_examples else {}


def _with_foreign_ids(value: Any, ids: dict[str, str]) -> tuple[Any, bool]:
    """The example with every id field set to tenant A's id; whether any id was set."""
    if isinstance(value, dict):
        out, named = {}, False
        for k, v in value.items():
            if k in ids and isinstance(v, str):
                out[k], named = ids[k], True
            else:
                out[k], inner = _with_foreign_ids(v, ids)
                named |= inner
        return out, named
    return value, False


def _multipart_capture() -> tuple[bytes, dict[str, str]]:
    boundary = "isolation-walker"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nselfie\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"s.jpg\"\r\n"
            "Content-Type: image/jpeg\r\n\r\n").encode() + SELFIE.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def test_every_resource_route_hides_another_tenants_ids(walk: tuple[ApiStack, dict[str, str], Any]) -> None:
    stack, ids, intruders = walk
    checked, problems = [], []
    for method, template, operation in _operations(stack):
        params = re.findall(r"{([^}:]+)(?::[^}]*)?}", template)
        body, body_names_id = _with_foreign_ids(_example_body(operation), ids)
        if not params and not body_names_id:
            continue  # names no resource: nothing of another tenant to reach
        unknown = [p for p in params if p not in ids]
        if unknown:
            problems.append(f"{method} {template}: add tenant A's id for {unknown} to the walker's ids")
            continue
        path = re.sub(r"{([^}:]+)(?::[^}]*)?}", lambda m: ids[m.group(1)], template)
        content = b"" if body is None else json.dumps(body).encode()
        headers = None
        if "multipart/form-data" in operation.get("requestBody", {}).get("content", {}):
            content, headers = _multipart_capture()  # a valid form, so only the id can refuse it
        cross_tenant = bool(CROSS_TENANT_TAGS & set(operation.get("tags", [])))
        answers = {role: client.request(method, path, content=content, headers=headers).status_code
                   for role, client in intruders.items()}
        checked.append(f"{method} {template}")
        if any(status < 400 or status >= 500 for status in answers.values()):
            problems.append(f"{method} {template}: a key of tenant B got through or broke it: {answers}")
        elif cross_tenant and set(answers.values()) != {403}:
            problems.append(f"{method} {template}: tenant keys must all be refused 403: {answers}")
        elif not cross_tenant and 404 not in answers.values():
            problems.append(f"{method} {template}: no key of tenant B reached the tenant check: {answers}")
        elif not set(answers.values()) <= {403, 404}:
            problems.append(f"{method} {template}: expected 403 (role) or 404 (tenant), got {answers}")
    assert not problems, "\n".join(problems)
    assert len(checked) >= 9, checked  # the platform's own tenant/key routes at least
    for route in ("GET /v1/audit/sessions/{session_id}", "POST /v1/subjects/{subject_id}/erasure",
                  "POST /v1/sessions/{session_id}/erasure", "DELETE /v1/webhooks/{endpoint_id}",
                  "POST /v1/webhooks/{endpoint_id}/redeliver", "POST /v1/audit/sessions/{session_id}/what-if",
                  "GET /v1/reviews/{session_id}", "GET /v1/reviews/{session_id}/captures/{attempt}/{index}",
                  "POST /v1/reviews/{session_id}/decision", "POST /v1/admin/members/{member_id}/keys",
                  "POST /v1/admin/keys/{key_id}/revoke", "POST /v1/operator/tenants/{tenant_id}/suspend"):
        assert route in checked, route  # the issue-6 surfaces are walked too


def test_the_owner_reaches_its_own_session(walk: tuple[ApiStack, dict[str, str], Any]) -> None:
    """The walker's ids are real: the same tenant's ledger finds the session the intruder cannot."""
    stack, ids, _ = walk
    tenant_a = ids["tenant_id"]
    assert stack.rt.ledger.get_session(tenant_a, UUID(ids["session_id"])).tenant == tenant_a

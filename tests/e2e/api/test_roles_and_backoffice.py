"""Who may do what, through the real app: platform operators, tenant admins, integration keys,
reviewers and auditors each reach their own routes only, and keys of earlier versions are handled."""

from __future__ import annotations

import pytest

from api.client import KycClient
from api.guards import ROLE_GUARDS
from domain.audit import PLATFORM_TENANT, audit_context
from domain.errors import InvalidArgumentError
from domain.integrity.merkle_verify import verify_consistency, verify_inclusion
from ops.integrity_wiring import build_checkpointer, integrity_stores
from tests.e2e.api.helpers import ApiStack
from tests.e2e.api.legacy import legacy_key

pytestmark = pytest.mark.e2e

# One representative operation per route family, with the roles that may call it.
FAMILIES: tuple[tuple[str, str, object, set[str]], ...] = (
    ("GET", "/v1/probe/whoami", None, {"client"}),
    ("GET", "/v1/operator/plans", None, {"operator"}),
    ("GET", "/v1/admin/members", None, {"admin"}),
    ("GET", "/v1/admin/keys", None, {"admin"}),
    ("GET", "/v1/webhooks", None, {"admin"}),
    ("GET", "/v1/billing/usage", None, {"admin"}),
    ("GET", "/v1/retention/media", None, {"admin"}),
    ("GET", "/v1/reviews", None, {"reviewer", "compliance"}),
    ("GET", "/v1/ledger/checkpoints", None, {"auditor", "operator"}),
    ("POST", "/v1/probe/meter/validate", {}, {"client"}),
    ("POST", "/v1/subjects/ten_x:session:0d6f3c1e-8a43-4d83-9d1a-2b1f4f0c9e21/erasure", {"reason": "gdpr"},
     {"client", "admin"}),
    ("POST", "/v1/operator/tenants", {"name": "Nope"}, {"operator"}),
)


def _client(stack: ApiStack, key_id: str, secret: str) -> KycClient:
    return KycClient("http://testserver", key_id, secret, http=stack.http, clock=stack.clock.unix)


def test_every_role_reaches_its_own_route_families_only(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    keys = {"client": tenant, "operator": stack.new_operator()}
    for role in ("admin", "reviewer", "compliance", "auditor"):
        keys[role] = stack.new_key(tenant.tenant_id, role)
    problems = []
    for role, key in keys.items():
        client = stack.client(key)
        for method, path, body, allowed in FAMILIES:
            answer = client.request(method, path, body)
            if role in allowed:  # admitted: whatever the operation itself answers, never a role refusal
                ok = answer.status_code != 403 and (answer.status_code < 500 or "does not serve" in answer.text)
            else:
                named = answer.json().get("code", "")
                ok = answer.status_code == 403 and named.endswith("_role_required") and \
                    named.removesuffix("_role_required") in allowed
            if not ok:
                problems.append(f"{role} {method} {path}: {answer.status_code} {answer.text[:160]}")
    assert not problems, "\n".join(problems)


def test_refusals_name_the_role_needed(stack: ApiStack) -> None:
    client = stack.client(stack.new_tenant())
    refused = client.post("/v1/webhooks", {"url": "https://example.com/h", "event_types": ["verification.completed"]})
    assert refused.status_code == 403
    assert refused.json()["code"] == "admin_role_required"
    assert refused.json()["details"] == {"required_roles": ["admin"], "key_role": "client"}
    decided = client.post("/v1/reviews/0d6f3c1e-8a43-4d83-9d1a-2b1f4f0c9e21/decision",
                          {"decision": "accepted", "reason": "documents_verified"})
    assert decided.status_code == 403 and decided.json()["code"] == "reviewer_role_required"


def test_operator_keys_exist_only_at_platform_level(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    with audit_context(PLATFORM_TENANT, "operator:test", "setup"), pytest.raises(InvalidArgumentError) as refused:
        stack.rt.ledger.create_api_key(tenant.tenant_id, "operator")
    assert "platform-level" in refused.value.message
    operator = stack.new_operator("Olga Operator")
    key = stack.rt.ledger.get_api_key(operator.key_id)
    assert key.owner_tenant_id == PLATFORM_TENANT and key.is_platform_key and key.member_id is not None
    op = stack.client(operator)
    # The back-office mints no key of a tenant's other than a new administrator's.
    for path, body in ((f"/v1/operator/tenants/{tenant.tenant_id}/keys", {"role": "operator"}),
                       (f"/v1/operator/keys/{tenant.key_id}/rotate", {"overlap_hours": 0})):
        assert op.post(path, body).status_code in (404, 405), path
    # ... and no tenant route: an operator key belongs to no tenant.
    for method, path in (("GET", f"/v1/sessions/{tenant.key_id}"), ("GET", "/v1/admin/members"),
                         ("GET", "/v1/reviews"), ("GET", "/v1/webhooks")):
        assert op.request(method, path).status_code == 403, path


def test_platform_operator_opens_tenants_and_runs_plans_suspensions_and_usage(stack: ApiStack) -> None:
    operator = stack.client(stack.new_operator())
    created = operator.post("/v1/operator/tenants", {"name": "Acme Bank", "plan": "pro", "admin_name": "Dana Admin"})
    assert created.status_code == 201, created.text
    opened = created.json()
    tenant_id = opened["tenant_id"]
    assert opened["role"] == "client" and opened["admin"]["role"] == "admin" and opened["admin"]["member_id"]
    view = operator.get(f"/v1/operator/tenants/{tenant_id}").json()
    assert view == {"tenant_id": tenant_id, "name": "Acme Bank", "plan": "pro", "suspended": False}
    assert "secret" not in operator.get(f"/v1/operator/keys/{opened['api_key_id']}").text

    integration = _client(stack, opened["api_key_id"], opened["api_key_secret"])
    admin = _client(stack, opened["admin"]["api_key_id"], opened["admin"]["api_key_secret"])
    [dana] = admin.get("/v1/admin/members").json()["members"]
    assert dana["display_name"] == "Dana Admin" and dana["roles"] == ["admin"]
    assert integration.post("/v1/probe/meter/ocr", {}).status_code == 200
    usage = operator.get(f"/v1/operator/tenants/{tenant_id}/usage").json()
    ocr = next(m for m in usage["modules"] if m["module"] == "ocr")
    assert ocr["live_calls"] == 1 and ocr["billed_calls"] == 1 and ocr["amount_micro_usd"] == 120_000
    assert operator.post(f"/v1/operator/tenants/{tenant_id}/plan", {"plan": "enterprise"}).json()["plan"] == \
        "enterprise"

    suspended = operator.post(f"/v1/operator/tenants/{tenant_id}/suspend", {"reason": "unpaid"})
    assert suspended.json()["suspended"] is True
    assert integration.get("/v1/probe/whoami").status_code == 403
    assert admin.get("/v1/admin/members").status_code == 403
    assert operator.post(f"/v1/operator/tenants/{tenant_id}/reactivate").json()["suspended"] is False
    assert integration.get("/v1/probe/whoami").status_code == 200

    # A new administrator (recovery, or a tenant opened by an earlier version), then an emergency stop.
    recovered = operator.post(f"/v1/operator/tenants/{tenant_id}/admins", {"display_name": "Sam Standby"})
    assert recovered.status_code == 201 and recovered.json()["role"] == "admin"
    revoked = operator.post(f"/v1/operator/keys/{opened['api_key_id']}/revoke", {"reason": "rotation drill"})
    assert revoked.json()["revoked"] is True
    assert integration.get("/v1/probe/whoami").status_code == 401


def test_operator_events_name_the_operator_key(stack: ApiStack) -> None:
    op_key = stack.new_operator()
    created = stack.client(op_key).post("/v1/operator/tenants", {"name": "Audited"})
    tenant_uuid = stack.rt.ledger.get_tenant(created.json()["tenant_id"]).id
    [event] = list(stack.rt.ledger.events.get(tenant_uuid))
    assert event.actor == f"key:{op_key.key_id}"  # type: ignore[attr-defined]
    assert event.tenant_id == PLATFORM_TENANT  # type: ignore[attr-defined]
    assert event.request_id == created.headers["x-trace-id"]  # type: ignore[attr-defined]


def test_operator_key_made_under_a_tenant_by_an_earlier_version_is_refused(stack: ApiStack) -> None:
    tenant_a, tenant_b = stack.new_tenant(name="A"), stack.new_tenant(name="B")
    key_id, secret = legacy_key(stack.rt, tenant_a.tenant_id, "operator")
    old = _client(stack, key_id, secret)
    for method, path, body in (("GET", f"/v1/operator/tenants/{tenant_b.tenant_id}", None),
                               ("POST", f"/v1/operator/tenants/{tenant_b.tenant_id}/suspend", {"reason": "x"}),
                               ("POST", f"/v1/operator/tenants/{tenant_b.tenant_id}/plan", {"plan": "free"}),
                               ("GET", "/v1/operator/plans", None)):
        answer = old.request(method, path, body)
        assert answer.status_code == 403, (path, answer.text)
        assert answer.json()["code"] == "operator_key_retired"
        assert "kycledger operators create" in answer.json()["message"]
    assert stack.rt.ledger.get_tenant(tenant_b.tenant_id).suspended is False
    assert stack.rt.ledger.get_tenant(tenant_b.tenant_id).plan == "pro"
    # Integration and auditor keys of earlier versions (no person) keep working in their roles.
    client_id, client_secret = legacy_key(stack.rt, tenant_a.tenant_id, "client")
    assert _client(stack, client_id, client_secret).get("/v1/probe/whoami").json()["role"] == "client"
    auditor_id, auditor_secret = legacy_key(stack.rt, tenant_a.tenant_id, "auditor")
    assert _client(stack, auditor_id, auditor_secret).get("/v1/ledger/checkpoints").status_code == 200


def test_admin_manages_people_keys_and_access(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    admin = stack.client(stack.new_key(tenant.tenant_id, "admin", name="Dana Admin"))
    riley = admin.post("/v1/admin/members", {"display_name": "Riley Reviewer", "roles": ["reviewer"]})
    assert riley.status_code == 201, riley.text
    member_id = riley.json()["member_id"]
    issued = admin.post(f"/v1/admin/members/{member_id}/keys", {"role": "reviewer"})
    assert issued.status_code == 201 and issued.json()["member_id"] == member_id
    reviewer = _client(stack, issued.json()["api_key_id"], issued.json()["api_key_secret"])
    assert reviewer.get("/v1/reviews").status_code == 200
    wrong = admin.post(f"/v1/admin/members/{member_id}/keys", {"role": "admin"})
    assert wrong.status_code == 422  # a key only for a role the person holds

    assert admin.put(f"/v1/admin/members/{member_id}/roles", {"roles": ["auditor"]}).json()["roles"] == ["auditor"]
    withdrawn = reviewer.get("/v1/reviews")
    assert withdrawn.status_code == 403 and withdrawn.json()["code"] == "member_role_withdrawn"
    admin.put(f"/v1/admin/members/{member_id}/roles", {"roles": ["reviewer"]})
    assert reviewer.get("/v1/reviews").status_code == 200
    gone = admin.post(f"/v1/admin/members/{member_id}/deactivate", {"reason": "left_the_company"})
    assert gone.json()["active"] is False
    refused = reviewer.get("/v1/reviews")
    assert refused.status_code == 403 and refused.json()["code"] == "member_deactivated"

    made = admin.post("/v1/admin/keys", {"sandbox": False})
    assert made.status_code == 201 and made.json()["role"] == "client" and made.json()["member_id"] is None
    integration = _client(stack, made.json()["api_key_id"], made.json()["api_key_secret"])
    rotated = admin.post(f"/v1/admin/keys/{made.json()['api_key_id']}/rotate", {"overlap_hours": 0}).json()
    assert integration.get("/v1/probe/whoami").status_code == 401
    integration.secret = rotated["api_key_secret"]
    assert integration.get("/v1/probe/whoami").status_code == 200
    listed = {k["api_key_id"]: k for k in admin.get("/v1/admin/keys").json()["keys"]}
    assert listed[issued.json()["api_key_id"]]["member_id"] == member_id and "api_key_secret" not in str(listed)
    # Another tenant's keys and people are not found; neither is a platform operator's key.
    other = stack.new_tenant(name="Other")
    for path, body in ((f"/v1/admin/keys/{other.key_id}/rotate", {"overlap_hours": 0}),
                       (f"/v1/admin/keys/{other.key_id}/revoke", {"reason": "x"}),
                       (f"/v1/admin/keys/{stack.new_operator().key_id}/revoke", {"reason": "x"})):
        assert admin.post(path, body).status_code == 404, path
    assert stack.client(other).get("/v1/probe/whoami").status_code == 200


def test_auditor_reads_proofs_and_every_read_is_recorded_with_the_person(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    auditor_key = stack.new_key(tenant.tenant_id, "auditor", name="Avery Auditor")
    auditor = stack.client(auditor_key)
    with integrity_stores(stack.rt) as (nodes, checkpoints):
        checkpointer = build_checkpointer(stack.rt, nodes, checkpoints)
        first = checkpointer.checkpoint_now().checkpoint.size
        with audit_context(PLATFORM_TENANT, "operator:test", "grow"):
            stack.rt.ledger.create_tenant("Grow the log")
        second = checkpointer.checkpoint_now().checkpoint.size
    assert second > first >= 1
    notes = auditor.get("/v1/ledger/checkpoints")
    assert notes.json()["tree_size"] == second and len(notes.json()["checkpoints"]) >= 2

    proof = auditor.get("/v1/ledger/inclusion", params={"position": first, "size": second}).json()
    entry = stack.rt.chain.entry_hashes(first, 1)[0]
    verify_inclusion(entry, first - 1, second, [bytes.fromhex(h) for h in proof["proof"]],
                     bytes.fromhex(proof["root_hash"]))
    consistency = auditor.get("/v1/ledger/consistency", params={"from": first, "to": second}).json()
    verify_consistency(first, second, [bytes.fromhex(h) for h in consistency["proof"]],
                       bytes.fromhex(consistency["first_root_hash"]), bytes.fromhex(consistency["second_root_hash"]))
    beyond = auditor.get("/v1/ledger/inclusion", params={"position": second + 5, "size": second + 10})
    assert beyond.status_code == 422 and beyond.json()["code"] == "merkle_range_invalid"

    reads = stack.rt.ledger.recorder.select_notifications(1, 100_000, topics=["kycledger.audit.AuditAccessRecorded"])
    mine = [stack.rt.ledger.repository.get(r.originator_id) for r in reads]
    mine = [a for a in mine if a.key_id == auditor_key.key_id]
    assert {a.resource for a in mine} == {"ledger_checkpoints", "ledger_inclusion", "ledger_consistency"}
    assert {a.member_name for a in mine} == {"Avery Auditor"}
    assert notes.headers["x-trace-id"] in {a.access_request_id for a in mine}
    assert auditor.post("/v1/probe/meter/validate", {}).status_code == 403  # read-only and not a client


def test_plans_list_quotas_and_prices(stack: ApiStack) -> None:
    operator = stack.client(stack.new_operator())
    plans = {p["plan"]: p for p in operator.get("/v1/operator/plans").json()}
    assert set(plans) == {"free", "pro", "enterprise"}
    assert plans["pro"]["monthly_quotas"]["liveness"] == 5000  # requirements/platform §7 example
    assert plans["free"]["price_micro_usd"]["ocr"] == 0
    pro = plans["pro"]["price_micro_usd"]
    assert pro["workflow"] == pro["liveness"] + pro["ocr"] + pro["validate"] + pro["face_match"]


def test_every_signed_route_has_a_role_guard(stack: ApiStack) -> None:
    """No /v1 or /kyc route is left to whatever key authenticates (a platform operator's key has no
    tenant, so an unguarded tenant route would act on the pseudo-tenant ``platform``)."""
    unguarded = []
    for route in stack.app.routes:
        if not route.path.startswith(("/v1/", "/kyc/")) or route.path.startswith("/v1/probe"):
            continue
        for handler in getattr(route, "route_handlers", []):
            if handler.http_methods == {"OPTIONS"}:
                continue  # litestar's own CORS preflight answer: no handler of ours runs
            guards = {g for layer in handler.ownership_layers for g in (layer.guards or [])}
            if not ROLE_GUARDS & guards:
                unguarded.append(f"{sorted(handler.http_methods)} {route.path}")
    assert not unguarded, unguarded

"""Roles, operator back-office and auditor proof routes through the real app."""

from __future__ import annotations

import pytest

from api.client import KycClient
from domain.audit import PLATFORM_TENANT, audit_context
from domain.integrity.merkle import verify_consistency, verify_inclusion
from ops.integrity_wiring import build_checkpointer, integrity_stores
from tests.e2e.api.helpers import ApiStack

pytestmark = pytest.mark.e2e


def test_auditor_reads_but_cannot_post(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    auditor = stack.client(stack.new_key(tenant.tenant_id, "auditor"))
    assert auditor.get("/v1/probe/whoami").status_code == 200
    refused = auditor.post("/v1/probe/meter/validate", {})
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert auditor.get("/v1/ledger/checkpoints").status_code == 200
    assert auditor.post("/v1/operator/tenants", {"name": "x"}).status_code == 403


def test_client_cannot_reach_back_office_or_proofs(stack: ApiStack) -> None:
    client = stack.client(stack.new_tenant())
    for path in ("/v1/operator/plans", "/v1/ledger/checkpoints", "/v1/operator/keys/kyck_x"):
        r = client.get(path)
        assert r.status_code == 403, path
    assert client.post("/v1/operator/tenants", {"name": "x"}).status_code == 403


def test_operator_is_back_office_only(stack: ApiStack) -> None:
    operator = stack.client(stack.new_key(stack.new_tenant().tenant_id, "operator"))
    assert operator.get("/v1/operator/plans").status_code == 200
    assert operator.get("/v1/probe/whoami").status_code == 403


def test_operator_manages_tenants_keys_and_reads_usage(stack: ApiStack) -> None:
    operator = stack.client(stack.new_key(stack.new_tenant().tenant_id, "operator"))
    created = operator.post("/v1/operator/tenants", {"name": "Acme Bank", "plan": "pro"})
    assert created.status_code == 201
    issued = created.json()
    tenant_id = issued["tenant_id"]
    view = operator.get(f"/v1/operator/tenants/{tenant_id}").json()
    assert view == {"tenant_id": tenant_id, "name": "Acme Bank", "plan": "pro", "suspended": False}
    assert "secret" not in operator.get(f"/v1/operator/keys/{issued['api_key_id']}").text

    # the issued key works, is metered and shows in usage
    client = KycClient("http://testserver", issued["api_key_id"], issued["api_key_secret"], http=stack.http,
                       clock=stack.clock.unix)
    assert client.post("/v1/probe/meter/ocr", {}).status_code == 200
    usage = operator.get(f"/v1/operator/tenants/{tenant_id}/usage").json()
    ocr = next(m for m in usage["modules"] if m["module"] == "ocr")
    assert ocr["live_calls"] == 1 and ocr["billed_calls"] == 1 and ocr["amount_micro_usd"] == 120_000
    assert usage["total_micro_usd"] == 120_000 and usage["plan"] == "pro"
    assert operator.get(f"/v1/operator/tenants/{tenant_id}/usage", params={"period": "1999-01"}).json()[
        "total_micro_usd"] == 0

    plan = operator.post(f"/v1/operator/tenants/{tenant_id}/plan", {"plan": "enterprise"})
    assert plan.status_code == 200 and plan.json()["plan"] == "enterprise"

    rotated = operator.post(f"/v1/operator/keys/{issued['api_key_id']}/rotate", {"overlap_hours": 0}).json()
    assert rotated["api_key_secret"] != issued["api_key_secret"]
    assert client.get("/v1/probe/whoami").status_code == 401  # no overlap: the old secret is gone
    client.secret = rotated["api_key_secret"]
    assert client.get("/v1/probe/whoami").status_code == 200

    auditor = operator.post(f"/v1/operator/tenants/{tenant_id}/keys", {"role": "auditor"})
    assert auditor.status_code == 201 and auditor.json()["role"] == "auditor"

    suspended = operator.post(f"/v1/operator/tenants/{tenant_id}/suspend", {"reason": "unpaid"})
    assert suspended.json()["suspended"] is True
    assert client.get("/v1/probe/whoami").status_code == 403
    assert operator.post(f"/v1/operator/tenants/{tenant_id}/reactivate").json()["suspended"] is False
    assert client.get("/v1/probe/whoami").status_code == 200

    revoked = operator.post(f"/v1/operator/keys/{issued['api_key_id']}/revoke", {"reason": "rotation drill"})
    assert revoked.json()["revoked"] is True
    assert client.get("/v1/probe/whoami").status_code == 401
    again = operator.post(f"/v1/operator/keys/{issued['api_key_id']}/revoke", {"reason": "twice"})
    assert again.status_code == 409 and again.json()["code"] == "conflict"


def test_operator_events_carry_the_operator_key_as_actor(stack: ApiStack) -> None:
    op_key = stack.new_key(stack.new_tenant().tenant_id, "operator")
    created = stack.client(op_key).post("/v1/operator/tenants", {"name": "Audited"})
    tenant_uuid = stack.rt.ledger.get_tenant(created.json()["tenant_id"]).id
    [event] = list(stack.rt.ledger.events.get(tenant_uuid))
    assert event.actor == f"key:{op_key.key_id}"  # type: ignore[attr-defined]
    assert event.request_id == created.headers["x-trace-id"]  # type: ignore[attr-defined]


def test_plans_list_quotas_and_prices(stack: ApiStack) -> None:
    operator = stack.client(stack.new_key(stack.new_tenant().tenant_id, "operator"))
    plans = {p["plan"]: p for p in operator.get("/v1/operator/plans").json()}
    assert set(plans) == {"free", "pro", "enterprise"}
    assert plans["pro"]["monthly_quotas"]["liveness"] == 5000  # seed 001 section 7 example
    assert plans["free"]["price_micro_usd"]["ocr"] == 0
    pro = plans["pro"]["price_micro_usd"]
    assert pro["workflow"] == pro["liveness"] + pro["ocr"] + pro["validate"] + pro["face_match"]


def test_auditor_gets_verifiable_inclusion_and_consistency_proofs(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    auditor = stack.client(stack.new_key(tenant.tenant_id, "auditor"))
    with integrity_stores(stack.rt) as (nodes, checkpoints):
        checkpointer = build_checkpointer(stack.rt, nodes, checkpoints)
        first = checkpointer.checkpoint_now().checkpoint.size
        with audit_context(PLATFORM_TENANT, "operator:test", "grow"):
            stack.rt.ledger.create_tenant("Grow the log")
        second = checkpointer.checkpoint_now().checkpoint.size
    assert second > first >= 1
    notes = auditor.get("/v1/ledger/checkpoints").json()
    assert notes["tree_size"] == second and len(notes["checkpoints"]) >= 2

    proof = auditor.get("/v1/ledger/inclusion", params={"position": first, "size": second}).json()
    entry = stack.rt.chain.entry_hashes(first, 1)[0]
    verify_inclusion(entry, first - 1, second, [bytes.fromhex(h) for h in proof["proof"]],
                     bytes.fromhex(proof["root_hash"]))
    consistency = auditor.get("/v1/ledger/consistency", params={"from": first, "to": second}).json()
    verify_consistency(first, second, [bytes.fromhex(h) for h in consistency["proof"]],
                       bytes.fromhex(consistency["first_root_hash"]), bytes.fromhex(consistency["second_root_hash"]))

    beyond = auditor.get("/v1/ledger/inclusion", params={"position": second + 5, "size": second + 10})
    assert beyond.status_code == 422 and beyond.json()["code"] == "merkle_range_invalid"
    backwards = auditor.get("/v1/ledger/consistency", params={"from": 5, "to": 2})
    assert backwards.status_code == 422

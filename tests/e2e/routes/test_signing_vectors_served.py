"""api/SIGNING.md's test vectors are real requests: each one, signed with a real key, is answered 2xx."""

from __future__ import annotations

import json
from uuid import UUID

import pytest

from ops.integrity_wiring import build_checkpointer, integrity_stores
from tests.e2e.api.helpers import ApiStack
from tests.unit.api.test_signing_vectors import _vectors

pytestmark = pytest.mark.e2e


def _role(path: str) -> str:
    return "auditor" if path.startswith("/v1/ledger/") else "client"


@pytest.mark.parametrize("vector", _vectors(), ids=lambda v: f"{v['method']} {v['path']}")
def test_each_vector_is_a_request_the_server_accepts(stack: ApiStack, vector: dict[str, str | None]) -> None:
    tenant = stack.new_tenant()
    path = str(vector["path"])
    key = tenant if _role(path) == "client" else stack.new_key(tenant.tenant_id, _role(path))
    if path.startswith("/v1/ledger/"):  # proofs are served over signed checkpoints
        with integrity_stores(stack.rt) as (nodes, checkpoints):
            build_checkpointer(stack.rt, nodes, checkpoints).checkpoint_now()
    client = stack.client(key)
    body = str(vector["body"]).encode()
    r = client.request(str(vector["method"]), path, content=body, nonce=vector["nonce"] is not None)
    assert 200 <= r.status_code < 300, r.text


def test_the_session_vector_records_the_expected_document(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    client = stack.client(tenant)
    vector = next(v for v in _vectors() if v["path"] == "/v1/sessions")
    created = client.post("/v1/sessions", json.loads(str(vector["body"])))
    assert created.status_code == 201, created.text
    session = stack.rt.ledger.get_session(tenant.tenant_id, UUID(created.json()["id"]))
    assert session.configuration["country"] == "MAR" and session.configuration["document_type"] == "id_card"

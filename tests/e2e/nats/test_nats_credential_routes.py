"""``/v1/nats/credentials`` through the real app: issue once, describe without secrets, rotate, refuse bad input.

The credentials' effect on a real nats-server is tested in ``tests/e2e/streams/test_nats_accounts_in_dev.py``
and ``tests/integration/streams``; here, the HTTP contract and the ledger record.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.nats.jwt import USER, NKey, decode_claims
from domain.nats_access import ISSUED_TOPIC, ROTATED_TOPIC, nats_user_uuid
from ops.nats_access import nats_authority
from tests.e2e.api.helpers import ApiStack
from tests.e2e.audit.support import start_stack

pytestmark = pytest.mark.e2e
PATH = "/v1/nats/credentials"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiStack]:
    s = start_stack(Path(tmp_path_factory.mktemp("nats-routes")))
    try:
        yield s
    finally:
        s.close()


def test_issue_describe_rotate_and_the_ledger_keeps_no_secret(stack: ApiStack) -> None:
    key = stack.new_tenant()
    refused = stack.client(key).post(PATH, {})  # the integration key may not hand out the tenant's stream access
    assert refused.status_code == 403 and refused.json()["code"] == "admin_role_required"
    client = stack.client(stack.new_key(key.tenant_id, "admin"))
    assert client.get(PATH).json()["code"] == "not_found"
    assert client.post(f"{PATH}/rotate", {}).status_code == 404  # nothing to rotate yet
    issued = client.post(PATH, {})
    assert issued.status_code == 201, issued.text
    body = issued.json()
    assert "no-store" in issued.headers["cache-control"]
    assert body["tenant_id"] == key.tenant_id and body["inbox_prefix"] == f"_INBOX.{key.tenant_id}"
    assert body["subjects"] == {"live": f"kyc.{key.tenant_id}.>", "decisions": f"kyc.{key.tenant_id}.decisions",
                                "sessions": f"kyc.{key.tenant_id}.sessions.>"}
    assert body["user_seed"].startswith("SU") and body["user_seed"] in body["creds"]
    assert body["user_jwt"] in body["creds"]
    claims = decode_claims(body["user_jwt"], nats_authority(stack.rt).account.public_key)
    assert claims["sub"] == body["user_public_key"] and claims["name"] == key.tenant_id

    again = client.post(PATH, {})
    assert again.status_code == 409 and again.json()["code"] == "nats_credential_exists"
    described = client.get(PATH).json()
    assert described["user_public_key"] == body["user_public_key"]
    assert not {"user_seed", "creds", "user_jwt"} & set(described)

    rotated = client.post(f"{PATH}/rotate", {"overlap_seconds": 600})
    assert rotated.status_code == 200, rotated.text
    assert rotated.json()["user_public_key"] != body["user_public_key"]
    assert rotated.json()["previous_key_valid_until"] is not None
    assert client.get(PATH).json()["previous_key_valid_until"] == rotated.json()["previous_key_valid_until"]

    # the ledger holds public keys and the issuing request's audit context, never a seed
    ledger = stack.rt.ledger
    events = list(ledger.events.get(nats_user_uuid(key.tenant_id)))
    assert [type(e).__qualname__ for e in events] == ["TenantNatsUser.Created", "TenantNatsUser.Rotated"]
    stored = [n for n in ledger.recorder.select_notifications(1, 100_000, topics=[ISSUED_TOPIC, ROTATED_TOPIC])
              if n.originator_id == nats_user_uuid(key.tenant_id)]
    raw = b"".join(n.state for n in stored)
    for secret in (body["user_seed"], rotated.json()["user_seed"]):
        assert secret.encode() not in raw
    assert events[0].tenant_id == key.tenant_id and events[0].actor != "unknown"


def test_a_tenant_may_bring_its_own_key_and_then_gets_no_seed(stack: ApiStack) -> None:
    client = stack.client(stack.new_key(stack.new_tenant().tenant_id, "admin"))
    own = NKey.generate(USER)
    issued = client.post(PATH, {"public_key": own.public_key})
    assert issued.status_code == 201, issued.text
    assert issued.json()["user_public_key"] == own.public_key
    assert issued.json()["user_seed"] is None and issued.json()["creds"] is None


def test_bad_input_is_a_clear_error_never_a_500(stack: ApiStack) -> None:
    client = stack.client(stack.new_key(stack.new_tenant().tenant_id, "admin"))
    good = NKey.generate(USER).public_key
    flipped = good[:10] + ("A" if good[10] != "A" else "B") + good[11:]
    for path, payload in ((PATH, {"public_key": "not-a-key"}), (PATH, {"public_key": flipped}),
                          (PATH, {"extra": 1}), (f"{PATH}/rotate", {"overlap_seconds": 8 * 24 * 3600}),
                          (f"{PATH}/rotate", {"overlap_seconds": -1})):
        answer = client.post(path, payload)
        assert answer.status_code in (400, 422), (path, payload, answer.status_code, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")
    assert client.post(PATH, {"public_key": flipped}).json()["code"] == "invalid_argument"

"""HMAC authentication through the real app (requirements/platform §17)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from api.client import signed_headers
from domain.audit import PLATFORM_TENANT, audit_context
from tests.e2e.api.helpers import ApiStack

pytestmark = pytest.mark.e2e

PATH = "/v1/probe/whoami"


@pytest.fixture
def frozen(stack: ApiStack) -> Iterator[int]:
    """Stop the server clock on a whole second; yields that unix time."""
    now = datetime.now(UTC).replace(microsecond=0)
    stack.clock.frozen = now
    try:
        yield int(now.timestamp())
    finally:
        stack.clock.frozen = None
        stack.clock.offset = timedelta()


def _get(stack: ApiStack, headers: dict[str, str], path: str = PATH) -> tuple[int, dict[str, object]]:
    r = stack.http.get(path, headers=headers)
    return r.status_code, r.json()


def _assert_generic_401(status: int, body: dict[str, object]) -> None:
    assert status == 401
    assert body["code"] == "unauthenticated"
    assert body["message"] == "request authentication failed"
    assert body["details"] == {}


def test_good_signature_authenticates_and_sets_principal_and_audit_context(stack: ApiStack) -> None:
    key = stack.new_tenant()
    r = stack.client(key).get(PATH)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["tenant_id"] == key.tenant_id and body["key_id"] == key.key_id and body["role"] == "client"
    assert body["audit"][:2] == [key.tenant_id, f"key:{key.key_id}"]
    assert body["audit"][2] == r.headers["x-trace-id"]


def test_every_failure_answers_the_same_body(stack: ApiStack, frozen: int) -> None:
    key = stack.new_tenant()
    secret = key.secret.reveal()
    good = signed_headers(key.key_id, secret, "GET", PATH, b"", timestamp=frozen)
    cases = {
        "bad sign": {**good, "X-API-SIGN": "0" * 64},
        "wrong secret": signed_headers(key.key_id, secret + "x", "GET", PATH, b"", timestamp=frozen),
        "unknown key": signed_headers("kyck_doesnotexist", secret, "GET", PATH, b"", timestamp=frozen),
        "missing sign": {k: v for k, v in good.items() if k != "X-API-SIGN"},
        "missing key": {k: v for k, v in good.items() if k != "X-API-KEY"},
        "non-numeric timestamp": {**good, "X-API-TIMESTAMP": "soon"},
        "signed other path": signed_headers(key.key_id, secret, "GET", "/v1/probe/other", b"", timestamp=frozen),
        "signed other method": signed_headers(key.key_id, secret, "POST", PATH, b"", timestamp=frozen),
        "bad nonce": {**good, "X-API-NONCE": "has space"},
    }
    bodies = []
    for name, headers in cases.items():
        status, body = _get(stack, headers)
        _assert_generic_401(status, body)
        bodies.append({k: v for k, v in body.items() if k != "trace_id"})
        assert name
    assert all(b == bodies[0] for b in bodies)


def test_query_string_is_signed(stack: ApiStack, frozen: int) -> None:
    key = stack.new_tenant()
    secret = key.secret.reveal()
    signed = signed_headers(key.key_id, secret, "GET", f"{PATH}?a=1", b"", timestamp=frozen)
    assert _get(stack, signed, f"{PATH}?a=2")[0] == 401
    ok = signed_headers(key.key_id, secret, "GET", f"{PATH}?a=1&b=2", b"", timestamp=frozen, nonce="q")
    assert _get(stack, ok, f"{PATH}?a=1&b=2")[0] == 200


@pytest.mark.parametrize(("skew", "accepted"), [(-300, True), (300, True), (-301, False), (301, False)])
def test_clock_skew_edges(stack: ApiStack, frozen: int, skew: int, accepted: bool) -> None:
    key = stack.new_tenant()
    headers = signed_headers(key.key_id, key.secret.reveal(), "GET", PATH, b"", timestamp=frozen + skew)
    status, body = _get(stack, headers)
    if accepted:
        assert status == 200, body
    else:
        _assert_generic_401(status, body)


def _assert_replayed(status: int, body: dict[str, object]) -> None:
    assert status == 401
    assert body["code"] == "signature_replayed" and "X-API-NONCE" in str(body["message"])


def test_replayed_signature_is_refused_and_named(stack: ApiStack, frozen: int) -> None:
    key = stack.new_tenant()
    headers = signed_headers(key.key_id, key.secret.reveal(), "GET", PATH, b"", timestamp=frozen)
    assert _get(stack, headers)[0] == 200
    _assert_replayed(*_get(stack, headers))
    stack.clock.offset = timedelta(seconds=200)  # still inside the window: still a replay
    _assert_replayed(*_get(stack, headers))


def test_a_replayed_signature_on_another_request_is_the_generic_401(stack: ApiStack, frozen: int) -> None:
    """Only a signature valid for this very request is called a replay: a used signature moved to
    another path, body, key or out of the clock window answers like any bad signature."""
    key, other = stack.new_tenant(), stack.new_tenant()
    headers = signed_headers(key.key_id, key.secret.reveal(), "GET", PATH, b"", timestamp=frozen)
    assert _get(stack, headers)[0] == 200
    _assert_generic_401(*_get(stack, headers, f"{PATH}?a=1"))
    _assert_generic_401(*_get(stack, {**headers, "X-API-KEY": other.key_id}))
    _assert_generic_401(*_get(stack, {**headers, "X-API-NONCE": "late-nonce"}))
    stack.clock.offset = timedelta(seconds=301)
    _assert_generic_401(*_get(stack, headers))


def test_nonce_lets_identical_requests_in_one_second_pass(stack: ApiStack, frozen: int) -> None:
    key = stack.new_tenant()
    secret = key.secret.reveal()
    first = signed_headers(key.key_id, secret, "GET", PATH, b"", timestamp=frozen, nonce="n-1")
    second = signed_headers(key.key_id, secret, "GET", PATH, b"", timestamp=frozen, nonce="n-2")
    assert _get(stack, first)[0] == 200
    assert _get(stack, second)[0] == 200
    # the nonce is part of the signed text: swapping it breaks the signature
    assert _get(stack, {**first, "X-API-NONCE": "n-3"})[0] == 401


def test_body_tamper_is_refused(stack: ApiStack, frozen: int) -> None:
    key = stack.new_tenant()
    path = "/v1/probe/meter/validate"
    signed_body = json.dumps({"amount": 1}).encode()
    headers = signed_headers(key.key_id, key.secret.reveal(), "POST", path, signed_body, timestamp=frozen)
    r = stack.http.post(path, content=json.dumps({"amount": 1000}).encode(),
                        headers={**headers, "Content-Type": "application/json"})
    assert r.status_code == 401
    assert r.json()["code"] == "unauthenticated"


def test_rotated_key_previous_secret_works_only_during_overlap(stack: ApiStack, frozen: int) -> None:
    key = stack.new_tenant()
    old = key.secret.reveal()
    with audit_context(PLATFORM_TENANT, "operator:test", "rotate"):
        rotated = stack.rt.ledger.rotate_api_key(key.key_id, overlap=timedelta(hours=1))
    new = rotated.secret.reveal()
    assert new != old
    assert _get(stack, signed_headers(key.key_id, old, "GET", PATH, b"", timestamp=frozen, nonce="a"))[0] == 200
    assert _get(stack, signed_headers(key.key_id, new, "GET", PATH, b"", timestamp=frozen, nonce="b"))[0] == 200
    stack.clock.offset = timedelta(hours=1, seconds=1)
    later = frozen + 3601
    _assert_generic_401(*_get(stack, signed_headers(key.key_id, old, "GET", PATH, b"", timestamp=later, nonce="c")))
    assert _get(stack, signed_headers(key.key_id, new, "GET", PATH, b"", timestamp=later, nonce="d"))[0] == 200


def test_revoked_key_is_refused(stack: ApiStack) -> None:
    key = stack.new_tenant()
    client = stack.client(key)
    assert client.get(PATH).status_code == 200
    with audit_context(PLATFORM_TENANT, "operator:test", "revoke"):
        stack.rt.ledger.revoke_api_key(key.key_id, "test")
    r = client.get(PATH)
    _assert_generic_401(r.status_code, r.json())


def test_suspended_tenant_is_refused_after_authentication(stack: ApiStack) -> None:
    key = stack.new_tenant()
    with audit_context(PLATFORM_TENANT, "operator:test", "suspend"):
        tenant = stack.rt.ledger.get_tenant(key.tenant_id)
        tenant.suspend("test")
        stack.rt.ledger.save(tenant)
    r = stack.client(key).get(PATH)
    assert r.status_code == 403 and r.json()["code"] == "tenant_suspended"


def test_unprotected_operations_need_no_signature(stack: ApiStack) -> None:
    assert stack.http.get("/healthz").status_code == 200
    assert stack.http.get("/openapi.json").status_code == 200
    assert stack.http.get(PATH).status_code == 401

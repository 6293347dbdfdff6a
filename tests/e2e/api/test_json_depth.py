"""Deeply nested JSON is a 400 ``json_too_deep`` on every kind of route, never a 500.

msgspec gives up with ``RecursionError`` near Python's recursion limit (it answered 500); bodies
under that limit but deeper than ``MAX_JSON_DEPTH`` are refused by the explicit limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.errors import ApiProblem
from api.json_body import MAX_JSON_DEPTH, refuse_deep_json
from tests.e2e.api.helpers import ApiStack
from tests.e2e.audit.support import start_stack

pytestmark = pytest.mark.e2e
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiStack]:
    s = start_stack(Path(tmp_path_factory.mktemp("json-depth")))
    try:
        yield s
    finally:
        s.close()


def nested_objects(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


def nested_arrays(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _too_deep(answer: Any) -> None:
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert body["code"] == "json_too_deep" and body["details"] == {"max_depth": MAX_JSON_DEPTH}


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 2_000, 200_000])
def test_signed_routes_refuse_deep_json(stack: ApiStack, depth: int) -> None:
    tenant = stack.new_tenant()
    client = stack.client(tenant)
    _too_deep(client.request("POST", "/v1/sessions", content=nested_objects(depth), headers=JSON))
    _too_deep(client.request("POST", "/v1/sessions", content=b'{"checks":' + nested_arrays(depth) + b"}",
                             headers=JSON))
    auditor = stack.client(stack.new_key(tenant.tenant_id, "auditor"))
    sid = client.post("/v1/sessions", {}).json()["id"]
    policy = b'{"policy":' + nested_objects(depth) + b"}"  # a free-form object field: the limit still holds
    _too_deep(auditor.request("POST", f"/v1/audit/sessions/{sid}/what-if", content=policy, headers=JSON))


def test_client_token_routes_refuse_deep_json_before_anything_else(stack: ApiStack) -> None:
    # The body is read before the client token is checked: this route answered 500 to anyone.
    client = stack.client(stack.new_tenant())
    sid = client.post("/v1/sessions", {}).json()["id"]
    _too_deep(stack.http.post(f"/client/sessions/{sid}/help", content=nested_arrays(5_000), headers=JSON))


def test_the_limit_itself_is_allowed(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    auditor = stack.client(stack.new_key(tenant.tenant_id, "auditor"))
    sid = stack.client(tenant).post("/v1/sessions", {}).json()["id"]
    policy = b'{"policy":' + nested_objects(MAX_JSON_DEPTH - 1) + b"}"  # 32 levels with the outer object
    answer = auditor.request("POST", f"/v1/audit/sessions/{sid}/what-if", content=policy, headers=JSON)
    assert answer.status_code < 500 and answer.json()["code"] != "json_too_deep", answer.text


@pytest.mark.unit
def test_the_depth_walk_counts_arrays_and_objects_alike() -> None:
    refuse_deep_json(1)
    refuse_deep_json([{"a": [1, {"b": []}]}], limit=5)  # list, object, list, object, list
    with pytest.raises(ApiProblem) as caught:
        refuse_deep_json([{"a": [1, {"b": []}]}], limit=4)
    assert caught.value.code == "json_too_deep" and caught.value.status == 400
    assert caught.value.details == {"max_depth": 4}
    wide = [[1] * 1000 for _ in range(1000)]  # wide is fine, only depth counts
    refuse_deep_json(wide, limit=2)
    deep: list[Any] = []
    for _ in range(100_000):  # far beyond the recursion limit: the walk does not recurse
        deep = [deep]
    with pytest.raises(ApiProblem):
        refuse_deep_json(deep)

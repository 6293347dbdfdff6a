"""A nats-server started with the documented accounts config: each tenant reads its own subjects only."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from typing import Any

import nats
import pytest

from adapters.nats.accounts import RELAY_USER, server_config
from adapters.nats.relay import ensure_streams
from adapters.nats.streams import DECISIONS_STREAM, decisions_subject
from ops.local_services import free_port, nats_server_binary, wait_for_port

pytestmark = pytest.mark.integration

TENANTS = {"ten_iso_a": "pw-a-test-only", "ten_iso_b": "pw-b-test-only"}
RELAY_PW = "pw-relay-test-only"


@pytest.fixture(scope="module")
def secured_nats(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    root = tmp_path_factory.mktemp("nats-acl")
    port = free_port()
    conf = root / "server.conf"
    conf.write_text(server_config(port, root / "js", RELAY_PW, TENANTS))
    process = subprocess.Popen([str(nats_server_binary()), "-c", str(conf)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        assert process.poll() is None, "nats-server exited: is the port taken by another process?"
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


async def _connect(port: int, user: str, password: str, errors: list[str]) -> Any:
    async def on_error(exc: Exception) -> None:
        errors.append(str(exc))

    return await nats.connect(f"nats://127.0.0.1:{port}", user=user, password=password, error_cb=on_error,
                              allow_reconnect=False)


async def _scenario(port: int) -> dict[str, Any]:
    relay = await _connect(port, RELAY_USER, RELAY_PW, [])
    js = relay.jetstream()
    await ensure_streams(js)
    for tenant in TENANTS:  # history before anyone subscribes
        await js.publish(decisions_subject(tenant), f'{{"tenant_id":"{tenant}","n":1}}'.encode(),
                         headers={"Nats-Msg-Id": f"{tenant}-1"})
    errors: list[str] = []
    tenant_a = await _connect(port, "ten_iso_a", TENANTS["ten_iso_a"], errors)
    own_live: asyncio.Queue[Any] = asyncio.Queue()
    foreign: asyncio.Queue[Any] = asyncio.Queue()
    await tenant_a.subscribe("kyc.ten_iso_a.>", cb=own_live.put)
    await tenant_a.subscribe("kyc.ten_iso_b.>", cb=foreign.put)
    await tenant_a.subscribe("deliver.ten_iso_b.>", cb=foreign.put)
    await tenant_a.publish("kyc.ten_iso_a.decisions", b'{"forged":true}')
    await tenant_a.flush()
    for tenant in TENANTS:
        await js.publish(decisions_subject(tenant), f'{{"tenant_id":"{tenant}","n":2}}'.encode(),
                         headers={"Nats-Msg-Id": f"{tenant}-2"})
    try:
        live = await asyncio.wait_for(own_live.get(), 15)
    except TimeoutError:
        raise AssertionError(f"tenant a got no live message: connected={tenant_a.is_connected}, "
                             f"client errors {errors}") from None
    await asyncio.sleep(0.3)
    stored = (await js.stream_info(DECISIONS_STREAM)).state.messages
    await tenant_a.close()
    await relay.close()
    return {"errors": [e.lower() for e in errors], "live": live, "foreign": foreign.qsize(), "stored": stored}


def test_tenant_a_reads_its_own_stream_and_cannot_subscribe_to_tenant_b(secured_nats: int) -> None:
    seen = asyncio.run(_scenario(secured_nats))
    assert seen["foreign"] == 0
    violations = [e for e in seen["errors"] if "permissions violation" in e]
    assert any('subscription to "kyc.ten_iso_b.>"' in e for e in violations), seen["errors"]
    assert any('subscription to "deliver.ten_iso_b.>"' in e for e in violations), seen["errors"]
    assert any('publish to "kyc.ten_iso_a.decisions"' in e for e in violations), seen["errors"]
    assert seen["live"].data == b'{"tenant_id":"ten_iso_a","n":2}'
    assert seen["stored"] == 4  # the forged publish never reached the stream

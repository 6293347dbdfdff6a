"""A nats-server started with the documented accounts config: each tenant reads its own subjects only."""

from __future__ import annotations

import asyncio
import json
import subprocess
from collections.abc import Iterator
from typing import Any

import nats
import pytest
from nats.js.api import ConsumerConfig

from adapters.nats.accounts import RELAY_USER, server_config, tenant_consumer, tenant_filters
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


async def _replay_scenario(port: int) -> dict[str, Any]:
    relay = await _connect(port, RELAY_USER, RELAY_PW, [])
    js = relay.jetstream()
    await ensure_streams(js)

    async def decide(tenant: str, n: int) -> None:
        await js.publish(decisions_subject(tenant), f'{{"tenant_id":"{tenant}","n":{n}}}'.encode(),
                         headers={"Nats-Msg-Id": f"replay-{tenant}-{n}"})

    tenant, other = "ten_iso_a", "ten_iso_b"
    filter_subject = tenant_filters(tenant)[DECISIONS_STREAM]
    for n in (10, 11):
        await decide(tenant, n)
        await decide(other, n)
    errors: list[str] = []
    app = await _connect(port, tenant, TENANTS[tenant], errors)
    consumer = await app.jetstream().pull_subscribe(filter_subject, durable=tenant_consumer(tenant),
                                                     stream=DECISIONS_STREAM)
    fetched = await consumer.fetch(10, timeout=2)
    for message in fetched:
        await message.ack_sync()  # the server has the acks before the app goes away
    first = [m.data for m in fetched]
    await app.close()  # the client app goes offline ...
    for n in (12, 13):  # ... decisions keep coming ...
        await decide(tenant, n)
        await decide(other, n)
    app = await _connect(port, tenant, TENANTS[tenant], errors)  # ... and it comes back
    consumer = await app.jetstream().pull_subscribe(filter_subject, durable=tenant_consumer(tenant),
                                                     stream=DECISIONS_STREAM)
    caught_up = await consumer.fetch(10, timeout=2)
    for message in caught_up:
        await message.ack()
    refused: dict[str, str] = {}
    jsm = app.jetstream()
    for case, attempt in {
        "other tenant's filter": lambda: jsm.add_consumer(DECISIONS_STREAM, ConsumerConfig(
            name=tenant_consumer(tenant), durable_name=tenant_consumer(tenant),
            filter_subject=decisions_subject(other))),
        "other consumer name": lambda: jsm.add_consumer(DECISIONS_STREAM, ConsumerConfig(
            name="someone_else", durable_name="someone_else", filter_subject=filter_subject)),
        "other tenant's consumer": lambda: jsm.consumer_info(DECISIONS_STREAM, tenant_consumer(other)),
        "stream management": lambda: jsm.delete_stream(DECISIONS_STREAM),
    }.items():
        try:
            await asyncio.wait_for(attempt(), 1.5)
            refused[case] = "ALLOWED"
        except Exception as exc:  # a permissions violation times the request out, or the API says no
            refused[case] = type(exc).__name__
    # The permitted subject with another filter in the request body: the server itself refuses it.
    smuggled = json.dumps({"stream_name": DECISIONS_STREAM, "config": {
        "name": tenant_consumer(tenant), "durable_name": tenant_consumer(tenant),
        "filter_subject": decisions_subject(other), "ack_policy": "explicit"}}).encode()
    answer = await app.request(f"$JS.API.CONSUMER.CREATE.{DECISIONS_STREAM}.{tenant_consumer(tenant)}."
                               f"{filter_subject}", smuggled, timeout=2)
    refused["filter smuggled in the body"] = json.loads(answer.data).get("error", {}).get("description", "ALLOWED")
    await app.close()
    await relay.close()
    return {"first": first, "caught_up": [m.data for m in caught_up], "refused": refused,
            "errors": [e.lower() for e in errors]}


def test_a_tenant_app_that_was_offline_catches_up_on_its_own_durable_consumer_only(secured_nats: int) -> None:
    seen = asyncio.run(_replay_scenario(secured_nats))
    # The first fetch starts at the stream's beginning (the isolation test's messages come first).
    assert seen["first"][-2:] == [b'{"tenant_id":"ten_iso_a","n":10}', b'{"tenant_id":"ten_iso_a","n":11}']
    assert all(b"ten_iso_a" in m for m in seen["first"])
    # Back online, the durable consumer resumes after the last ack: exactly what it missed, never B's.
    assert seen["caught_up"] == [b'{"tenant_id":"ten_iso_a","n":12}', b'{"tenant_id":"ten_iso_a","n":13}']
    assert all(outcome != "ALLOWED" for outcome in seen["refused"].values()), seen["refused"]
    violations = " ".join(e for e in seen["errors"] if "permissions violation" in e)
    for subject in ("consumer.create.kyc_decisions.ten_iso_a.kyc.ten_iso_b.decisions",
                    "consumer.create.kyc_decisions.someone_else.", "consumer.info.kyc_decisions.ten_iso_b",
                    "stream.delete.kyc_decisions"):
        assert f'publish to "$js.api.{subject}' in violations, (subject, seen["errors"])
    assert "filter" in seen["refused"]["filter smuggled in the body"].lower()

"""A real nats-server running kycledger's accounts (ACCOUNTS.md): each tenant reads its own subjects only.

The server, tenants and credentials come from ``accounts_support`` (configured as ``kycledger dev`` does).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from nats.aio.client import RawCredentials
from nats.js.api import ConsumerConfig

from adapters.nats.accounts import InternalRole, tenant_consumer, tenant_filters
from adapters.nats.authority import NatsAuthority
from adapters.nats.connection import flush_subscriptions
from adapters.nats.endpoint import connect
from adapters.nats.relay import ensure_streams
from adapters.nats.streams import DECISIONS_STREAM, decisions_subject
from tests.integration.streams.accounts_support import Accounts, connect_error, start_accounts, tenant_connect

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def accounts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Accounts]:
    yield from start_accounts(tmp_path_factory)


def test_anonymous_and_forged_credentials_are_refused(accounts: Accounts) -> None:
    a, b = list(accounts.creds.values())
    stranger = NatsAuthority.from_kek(type(accounts.rt.kek)(bytes(32)))  # another operator's keys
    forged_user = stranger.internal_endpoint(accounts.url, InternalRole.RELAY)
    # A's JWT with B's seed: the holder cannot sign the server's nonce for A's key
    stolen_jwt = a["creds"].replace(a["user_seed"], b["user_seed"])

    async def attempts() -> dict[str, str]:
        return {"anonymous": await connect_error(accounts.url),
                "password": await connect_error(accounts.url, user="kyc-relay", password="guess"),
                "other operator": await connect_error(accounts.url, user_credentials=RawCredentials(
                    forged_user.credentials or "")),
                "jwt without its seed": await connect_error(accounts.url,
                                                            user_credentials=RawCredentials(stolen_jwt)),
                "genuine": await connect_error(accounts.url, user_credentials=RawCredentials(a["creds"]),
                                               inbox_prefix=a["inbox_prefix"])}

    outcome = asyncio.run(attempts())
    assert outcome.pop("genuine") == "CONNECTED"
    assert all("authorization violation" in error for error in outcome.values()), outcome


async def _isolation_scenario(accounts: Accounts) -> dict[str, Any]:
    tenant, other = list(accounts.creds)
    relay = await connect(accounts.relay())
    js = relay.jetstream()
    await ensure_streams(js)
    for t in (tenant, other):  # history before anyone subscribes
        await js.publish(decisions_subject(t), f'{{"tenant_id":"{t}","n":1}}'.encode(),
                         headers={"Nats-Msg-Id": f"{t}-1"})
    before = (await js.stream_info(DECISIONS_STREAM)).state.messages
    errors: list[str] = []
    app = await tenant_connect(accounts.url, accounts.creds[tenant], errors)
    own_live: asyncio.Queue[Any] = asyncio.Queue()
    foreign: asyncio.Queue[Any] = asyncio.Queue()
    await app.subscribe(f"kyc.{tenant}.>", cb=own_live.put)
    for subject in (f"kyc.{other}.>", f"deliver.{other}.>", "_INBOX.>", f"_INBOX.{other}.>", "kyc.ml.jobs", ">"):
        await app.subscribe(subject, cb=foreign.put)
    await app.publish(decisions_subject(tenant), b'{"forged":true}')
    await app.publish(decisions_subject(other), b'{"forged":true}')
    await app.publish("kyc.ml.jobs", b'{"forged":true}')
    await flush_subscriptions(app)
    for t in (tenant, other):
        await js.publish(decisions_subject(t), f'{{"tenant_id":"{t}","n":2}}'.encode(),
                         headers={"Nats-Msg-Id": f"{t}-2"})
    live = await asyncio.wait_for(own_live.get(), 15)
    await asyncio.sleep(0.3)
    stored = (await js.stream_info(DECISIONS_STREAM)).state.messages
    await app.close()
    await relay.close()
    return {"tenant": tenant, "other": other, "errors": errors, "live": live.data, "foreign": foreign.qsize(),
            "stored": stored - before}


def test_tenant_a_reads_its_own_stream_and_cannot_subscribe_to_or_publish_on_tenant_b(accounts: Accounts) -> None:
    seen = asyncio.run(_isolation_scenario(accounts))
    tenant, other = seen["tenant"], seen["other"]
    violations = " ".join(e for e in seen["errors"] if "permissions violation" in e)
    for subject in (f"kyc.{other}.>", f"deliver.{other}.>", "_inbox.>", f"_inbox.{other}.>", "kyc.ml.jobs", ">"):
        assert f'subscription to "{subject}"' in violations, (subject, seen["errors"])
    for subject in (f"kyc.{tenant}.decisions", f"kyc.{other}.decisions", "kyc.ml.jobs"):
        assert f'publish to "{subject}"' in violations, (subject, seen["errors"])
    assert seen["foreign"] == 0
    assert seen["live"] == f'{{"tenant_id":"{tenant}","n":2}}'.encode()
    assert seen["stored"] == 2  # the relay's two; no forged publish reached the stream


async def _replay_scenario(accounts: Accounts) -> dict[str, Any]:
    tenant, other = list(accounts.creds)
    creds = accounts.creds[tenant]
    relay = await connect(accounts.relay())
    js = relay.jetstream()
    await ensure_streams(js)

    async def decide(t: str, n: int) -> None:
        await js.publish(decisions_subject(t), f'{{"tenant_id":"{t}","n":{n}}}'.encode(),
                         headers={"Nats-Msg-Id": f"replay-{t}-{n}"})

    filter_subject = tenant_filters(tenant)[DECISIONS_STREAM]
    for n in (10, 11):
        await decide(tenant, n)
        await decide(other, n)
    errors: list[str] = []
    app = await tenant_connect(accounts.url, creds, errors)
    consumer = await app.jetstream().pull_subscribe(filter_subject, durable=creds["durable"], stream=DECISIONS_STREAM)
    fetched = await consumer.fetch(10, timeout=2)
    for message in fetched:
        await message.ack_sync()  # the server has the acks before the app goes away
    first = [m.data for m in fetched]
    await app.close()  # the client app goes offline ...
    for n in (12, 13):  # ... decisions keep coming ...
        await decide(tenant, n)
        await decide(other, n)
    app = await tenant_connect(accounts.url, creds, errors)  # ... and it comes back
    consumer = await app.jetstream().pull_subscribe(filter_subject, durable=creds["durable"], stream=DECISIONS_STREAM)
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
    return {"tenant": tenant, "other": other, "first": first, "caught_up": [m.data for m in caught_up],
            "refused": refused, "errors": errors}


def test_a_tenant_app_that_was_offline_catches_up_on_its_own_durable_consumer_only(accounts: Accounts) -> None:
    seen = asyncio.run(_replay_scenario(accounts))
    tenant, other = seen["tenant"], seen["other"]
    assert seen["first"][-2:] == [f'{{"tenant_id":"{tenant}","n":{n}}}'.encode() for n in (10, 11)]
    assert all(tenant.encode() in m for m in seen["first"])
    # Back online, the durable consumer resumes after the last ack: exactly what it missed, never B's.
    assert seen["caught_up"] == [f'{{"tenant_id":"{tenant}","n":{n}}}'.encode() for n in (12, 13)]
    assert all(outcome != "ALLOWED" for outcome in seen["refused"].values()), seen["refused"]
    violations = " ".join(e for e in seen["errors"] if "permissions violation" in e)
    for subject in (f"consumer.create.kyc_decisions.{tenant}.kyc.{other}.decisions",
                    "consumer.create.kyc_decisions.someone_else.", f"consumer.info.kyc_decisions.{other}",
                    "stream.delete.kyc_decisions"):
        assert f'publish to "$js.api.{subject}' in violations, (subject, seen["errors"])
    assert "filter" in seen["refused"]["filter smuggled in the body"].lower()

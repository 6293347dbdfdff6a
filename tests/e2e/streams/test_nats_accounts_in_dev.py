"""Per-tenant NATS credentials in a real ``kycledger dev`` process (ACCOUNTS.md).

The dev process's nats-server runs kycledger's accounts. Asserted against it: an anonymous client
is refused; tenant A (credential from the CLI) cannot subscribe to tenant B's subjects, nor publish
into its own stream, nor read other users' reply inboxes; tenant B gets its credential from the
API; A receives its own decision live and from its durable consumer while kycledger's own
components (API work queue, ML worker, relay) do their jobs as their own users; a credential
rotated through the API is refused from then on, its open connection included, and the new one works.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nats
import pytest
from nats.aio.client import RawCredentials

from adapters.nats.connection import flush_subscriptions
from api.client import KycClient
from tests.e2e.routes.support import FACES, MRZ_TD3, b64, wait_for
from tests.e2e.test_cli_contract import _terminate

pytestmark = pytest.mark.e2e

KYCLEDGER = str(Path(sys.executable).parent / "kycledger")


def _cli(*args: str) -> dict[str, Any]:
    done = subprocess.run([KYCLEDGER, *args], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    parsed: dict[str, Any] = json.loads(done.stdout)
    return parsed


@pytest.fixture(scope="module")
def dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    data = str(tmp_path_factory.mktemp("dev-nats") / "d")
    # The tenants are on the free plan (sandbox keys): no request reaches the real models, so dev starts
    # without warming them (KYC_WARM_MODELS=0, README "Configuration").
    proc = subprocess.Popen([KYCLEDGER, "dev", "--data-dir", data], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "KYC_CHECKPOINT_INTERVAL_S": "30", "KYC_WARM_MODELS": "0"})
    try:
        assert proc.stdout is not None
        line, deadline = "", time.monotonic() + 90
        while time.monotonic() < deadline and not line.startswith("kycledger ready:"):
            line = proc.stdout.readline()
            assert line or proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        _, _, http_url, nats_url = line.split()
        yield http_url, nats_url, data
    finally:
        assert _terminate(proc) == 0


class Tenant:
    def __init__(self, http_url: str, data: str, name: str) -> None:
        issued = _cli("tenants", "create", "--name", name, "--data-dir", data, "--json")  # free plan: sandbox key
        self.id: str = issued["tenant_id"]
        self.client = KycClient(http_url, issued["api_key_id"], issued["api_key_secret"])
        admin = issued["admin"]  # NATS credentials are the tenant admin's to issue
        self.admin = KycClient(http_url, admin["api_key_id"], admin["api_key_secret"])


async def _connect(url: str, creds: dict[str, Any], errors: list[str], closed: asyncio.Event | None = None) -> Any:
    async def on_error(exc: Exception) -> None:
        errors.append(str(exc).lower())

    async def on_closed() -> None:
        if closed is not None:
            closed.set()

    return await nats.connect(url, user_credentials=RawCredentials(creds["creds"]), inbox_prefix=creds["inbox_prefix"],
                              error_cb=on_error, closed_cb=on_closed, allow_reconnect=False, connect_timeout=3)


async def _refused(url: str, **options: Any) -> str:
    try:
        nc = await nats.connect(url, allow_reconnect=False, connect_timeout=3, **options)
    except Exception as exc:
        return str(exc)
    await nc.close()
    return "CONNECTED"


def _decided_sandbox_session(tenant: Tenant) -> dict[str, Any]:
    """Create, upload and complete a sandbox session through dev's API; its final state."""
    client = tenant.client
    body = {"checks": ["ocr", "face_match", "liveness"], "liveness_type": "passive"}
    sid = client.post("/v1/sessions", body).json()["id"]
    for kind, path in (("document_front", MRZ_TD3), ("selfie", FACES / "obama.jpg")):
        answer = client.post(f"/v1/sessions/{sid}/documents", {"type": kind, "image_base64": b64(path)})
        assert answer.status_code == 201, answer.text
    assert client.post(f"/v1/sessions/{sid}/complete").status_code == 202
    return wait_for(client, sid, timeout=90)


async def _scenario(nats_url: str, a: Tenant, b: Tenant, a_creds: dict[str, Any],
                    b_creds: dict[str, Any]) -> dict[str, Any]:
    seen: dict[str, Any] = {"anonymous": await _refused(nats_url)}
    a_errors: list[str] = []
    b_errors: list[str] = []
    closed = asyncio.Event()  # set when the server drops A's connection
    app_a = await _connect(nats_url, a_creds, a_errors, closed)
    app_b = await _connect(nats_url, b_creds, b_errors)
    live: asyncio.Queue[Any] = asyncio.Queue()
    foreign: asyncio.Queue[Any] = asyncio.Queue()
    await app_a.subscribe(a_creds["subjects"]["decisions"], cb=live.put)
    await app_a.subscribe(f"kyc.{b.id}.>", cb=foreign.put)
    await app_a.subscribe("_INBOX.>", cb=foreign.put)
    await app_a.publish(a_creds["subjects"]["decisions"], b'{"forged":true}')
    await app_b.subscribe(f"kyc.{a.id}.>", cb=foreign.put)
    await flush_subscriptions(app_a)
    await flush_subscriptions(app_b)
    final = await asyncio.to_thread(_decided_sandbox_session, a)
    seen["decision"] = final["decision"]
    seen["live"] = json.loads((await asyncio.wait_for(live.get(), 30)).data)
    durable = await app_a.jetstream().pull_subscribe(a_creds["subjects"]["decisions"], durable=a_creds["durable"],
                                                     stream=a_creds["streams"]["decisions"])
    stored = await durable.fetch(10, timeout=5)
    for message in stored:
        await message.ack_sync()
    seen["stored"] = [json.loads(m.data) for m in stored]
    await asyncio.sleep(0.5)
    seen["foreign"] = foreign.qsize()
    seen["a_errors"], seen["b_errors"] = a_errors, b_errors

    rotated = await asyncio.to_thread(a.admin.post, "/v1/nats/credentials/rotate", {"overlap_seconds": 0})
    assert rotated.status_code == 200, rotated.text
    new_creds = rotated.json()
    try:
        await asyncio.wait_for(closed.wait(), 20)
        seen["old_connection_closed"] = True
    except TimeoutError:
        seen["old_connection_closed"] = False
    seen["old_reconnect"] = await _refused(nats_url, user_credentials=RawCredentials(a_creds["creds"]),
                                           inbox_prefix=a_creds["inbox_prefix"])
    renewed = await _connect(nats_url, new_creds, [])
    seen["new_connects"] = renewed.is_connected
    await renewed.close()
    await app_b.close()
    if not app_a.is_closed:
        await app_a.close()
    return seen


def test_dev_refuses_anonymous_and_keeps_each_tenant_to_its_own_subjects(dev: tuple[str, str, str]) -> None:
    http_url, nats_url, data = dev
    a, b = Tenant(http_url, data, "Tenant A"), Tenant(http_url, data, "Tenant B")
    try:
        a_creds = _cli("nats", "credentials", "--tenant", a.id, "--data-dir", data, "--json")
        issued = b.admin.post("/v1/nats/credentials", {})
        assert issued.status_code == 201, issued.text
        b_creds = issued.json()
        again = b.admin.post("/v1/nats/credentials", {})
        assert again.status_code == 409 and again.json()["code"] == "nats_credential_exists"
        described = b.admin.get("/v1/nats/credentials").json()
        assert described["user_public_key"] == b_creds["user_public_key"] and "creds" not in described

        seen = asyncio.run(_scenario(nats_url, a, b, a_creds, b_creds))
    finally:
        a.client.close()
        a.admin.close()
        b.client.close()
        b.admin.close()

    assert "authorization violation" in seen["anonymous"].lower()
    violations = " ".join(seen["a_errors"])
    assert f'subscription to "kyc.{b.id}.>"' in violations, seen["a_errors"]
    assert 'subscription to "_inbox.>"' in violations, seen["a_errors"]
    assert f'publish to "kyc.{a.id}.decisions"' in violations, seen["a_errors"]
    assert f'subscription to "kyc.{a.id}.>"' in " ".join(seen["b_errors"]), seen["b_errors"]
    assert seen["foreign"] == 0
    # A's own decision, live and from its durable consumer; the forged publish never reached the stream
    assert seen["decision"] is not None
    assert seen["live"]["tenant_id"] == a.id and seen["live"]["decision"] == seen["decision"]["decision"]
    assert [m["event_id"] for m in seen["stored"]] == [seen["live"]["event_id"]]
    # rotated with no overlap: the old credential is cut off at once and refused; the new one works
    assert seen["old_connection_closed"]
    assert "authorization violation" in seen["old_reconnect"].lower()
    assert seen["new_connects"]

"""The NATS relay on a real nats-server with JetStream: contents, order, no PII, no duplicates."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import nats
import pytest

from adapters.nats.relay import CRASH_AFTER_PUBLISH_ENV, ensure_streams
from adapters.nats.streams import DECISIONS_STREAM, SESSIONS_STREAM, UnsafeSubjectTokenError, session_subject
from ops.runners.relays import start_relays
from projections.status_events import status_message
from projections.view import LedgerEntry
from tests.integration.decisions.seeding import KEK, open_ledger_at
from tests.integration.streams.nats_support import drive_sessions, new_tenant, read_stream, wait_relayed
from tests.unit.projections.support import PII_NAME

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[3]


def _expected(rt: Any, tenant: str) -> list[tuple[str, str]]:
    """(subject, event id) of every status message the tenant's events should produce, in log order."""
    out = []
    for n in rt.ledger.recorder.select_notifications(1, 100_000):
        event = rt.ledger.mapper.to_domain_event(n)
        message = status_message(event, LedgerEntry(n.id, 0, ""))
        if message is not None and message.tenant_id == tenant:
            out.append((session_subject(tenant, message.session_id, message.name), message.event_id))
    return out


async def _collect(url: str, tenant: str) -> tuple[list[Any], list[Any]]:
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        return (await read_stream(js, SESSIONS_STREAM, f"kyc.{tenant}.sessions.>"),
                await read_stream(js, DECISIONS_STREAM, f"kyc.{tenant}.decisions"))
    finally:
        await nc.close()


def test_relay_publishes_every_status_change_and_decision_in_order_without_pii(tmp_path: Path,
                                                                               nats_url: str) -> None:
    rt = open_ledger_at(tmp_path)
    tenant = new_tenant()
    try:
        handle = start_relays(rt, nats_url, poll_seconds=0.01)
        try:
            ids = drive_sessions(rt, tenant)
            expected = _expected(rt, tenant)
            wait_relayed(rt, handle)
        finally:
            handle.stop()
        sessions, decisions = asyncio.run(_collect(nats_url, tenant))
    finally:
        rt.close()
    assert [(m.subject, m.headers["Nats-Msg-Id"]) for m in sessions] == expected
    names = {m.subject.split(".", 4)[4] for m in sessions}
    assert {"scan.status.updated", "liveness.status.updated", "manual_review.requested", "decision.made"} <= names
    payloads = [json.loads(m.data) for m in sessions + decisions]
    assert all(PII_NAME not in m.data.decode() for m in sessions + decisions)
    assert all(p["tenant_id"] == tenant and p["ledger"]["position"] > 0 for p in payloads)
    assert sorted(json.loads(m.data)["session_id"] for m in decisions) == sorted(str(i) for i in ids)
    for sid in ids:  # per session, stream order is ledger order
        positions = [json.loads(m.data)["ledger"]["notification_id"] for m in sessions
                     if json.loads(m.data)["session_id"] == str(sid)]
        assert positions == sorted(positions) and positions
    verdicts = {json.loads(m.data)["decision"] for m in decisions}
    assert verdicts == {"accepted", "review"}


def test_a_relay_killed_between_publish_and_position_save_creates_no_duplicate(tmp_path: Path,
                                                                              nats_url: str) -> None:
    rt = open_ledger_at(tmp_path)
    tenant = new_tenant()
    try:
        drive_sessions(rt, tenant)
        expected = _expected(rt, tenant)
    finally:
        rt.close()
    env = {**os.environ, "KYC_KEK": KEK}
    command = [sys.executable, "-m", "ops.runners.relays", "--data-dir", str(tmp_path), "--nats", nats_url]
    crashed = subprocess.run(command, env={**env, CRASH_AFTER_PUBLISH_ENV: "1"}, cwd=REPO, capture_output=True,
                             timeout=120, check=False)
    assert crashed.returncode == 137, crashed.stderr.decode()[-2000:]
    after_crash, _ = asyncio.run(_collect(nats_url, tenant))
    assert 0 < len(after_crash) <= len(expected)
    resumed = subprocess.run(command, env=env, cwd=REPO, capture_output=True, timeout=120, check=True)
    republished = json.loads(resumed.stdout.splitlines()[-1])["published"]
    sessions, decisions = asyncio.run(_collect(nats_url, tenant))
    assert republished > len(sessions) - len(after_crash)  # the restart re-sent what the crash had sent
    assert [(m.subject, m.headers["Nats-Msg-Id"]) for m in sessions] == expected
    ids = [m.headers["Nats-Msg-Id"] for m in decisions]
    assert len(ids) == len(set(ids)) == 2


def test_a_consumer_resumes_from_any_stream_sequence(tmp_path: Path, nats_url: str) -> None:
    rt = open_ledger_at(tmp_path)
    tenant = new_tenant()
    try:
        drive_sessions(rt, tenant)
        handle = start_relays(rt, nats_url, poll_seconds=0.01)
        wait_relayed(rt, handle)
        handle.stop()
    finally:
        rt.close()

    async def resume() -> tuple[list[Any], list[Any]]:
        nc = await nats.connect(nats_url)
        try:
            js = nc.jetstream()
            everything = await read_stream(js, SESSIONS_STREAM, f"kyc.{tenant}.sessions.>")
            middle = everything[len(everything) // 2].metadata.sequence.stream
            return everything, await read_stream(js, SESSIONS_STREAM, f"kyc.{tenant}.sessions.>", start_seq=middle)
        finally:
            await nc.close()

    everything, tail = asyncio.run(resume())
    assert [m.data for m in tail] == [m.data for m in everything[len(everything) // 2:]]


def test_streams_are_created_and_updated_idempotently(nats_url: str) -> None:
    async def twice() -> list[Any]:
        nc = await nats.connect(nats_url)
        try:
            js = nc.jetstream()
            await ensure_streams(js)
            await ensure_streams(js)
            return [await js.stream_info(name) for name in (SESSIONS_STREAM, DECISIONS_STREAM)]
        finally:
            await nc.close()

    infos = asyncio.run(twice())
    assert [i.config.subjects for i in infos] == [["kyc.*.sessions.>"], ["kyc.*.decisions"]]
    assert all(i.config.duplicate_window == 86400 for i in infos)


def test_ids_that_are_not_subject_tokens_are_refused() -> None:
    with pytest.raises(UnsafeSubjectTokenError):
        session_subject("ten.a", "s1", "scan.status.updated")
    with pytest.raises(UnsafeSubjectTokenError):
        session_subject("ten_a", "s>", "scan.status.updated")


def test_a_failed_round_is_retried_and_the_relay_keeps_going(tmp_path: Path, nats_url: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from adapters.nats import relay as relay_module
    from ops.runners.relays import open_read_model_view

    monkeypatch.setattr(relay_module, "RETRY_PAUSE_SECONDS", 0.05)
    rt = open_ledger_at(tmp_path)
    tenant = new_tenant()
    try:
        relay = relay_module.NatsStreamRelay(rt.ledger, open_read_model_view(rt))
        original, failures = relay.publish_pending, {"left": 2}

        async def flaky(js: Any) -> int:  # only this relay instance fails: others may run in-process
            if failures["left"]:
                failures["left"] -= 1
                raise TimeoutError("simulated publish timeout")
            return await original(js)

        relay.publish_pending = flaky  # type: ignore[method-assign]
        handle = relay_module.RelayHandle(relay, nats_url, poll_seconds=0.01).start()
        try:
            drive_sessions(rt, tenant)
            expected = _expected(rt, tenant)
            wait_relayed(rt, handle)
            assert handle.failures == 2 and handle.error is None
        finally:
            handle.stop()
        sessions, _ = asyncio.run(_collect(nats_url, tenant))
    finally:
        rt.close()
    assert [(m.subject, m.headers["Nats-Msg-Id"]) for m in sessions] == expected

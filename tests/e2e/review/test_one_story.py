"""One story after a reviewer decides: the session's decision is the reviewer's on
every channel (the API, the capture page after a reload, its server-sent events, the NATS decision
stream and the webhook), and the policy's earlier decision stays in the history."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nats
import pytest

from adapters.nats.streams import DECISIONS_STREAM
from adapters.webhooks.http_sender import PinnedHttpSender
from domain.checks import CheckType, Outcome
from ops.runners.relays import open_read_model_view, start_relays
from services.webhooks.dispatcher import WebhookDispatcher
from tests.e2e.api.helpers import ApiStack
from tests.e2e.review.support import captured, check, record_and_decide, review_stack
from tests.integration.streams.nats_support import read_stream, wait_relayed
from tests.integration.webhooks.receiver import running_receiver

pytestmark = pytest.mark.e2e
VERIFIED_TEXT = "Your identity has been verified."


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiStack]:
    s = review_stack(Path(tmp_path_factory.mktemp("one-story")))
    try:
        yield s
    finally:
        s.close()


def _sse_messages(text: str) -> list[dict[str, Any]]:
    found = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        data = [line[5:].strip() for line in block.split("\n") if line.startswith("data:")]
        if data:
            found.append(json.loads("".join(data)))
    return found


async def _decisions(url: str, tenant_id: str) -> list[dict[str, Any]]:
    nc = await nats.connect(url)
    try:
        messages = await read_stream(nc.jetstream(), DECISIONS_STREAM, f"kyc.{tenant_id}.decisions")
        return [json.loads(m.data) for m in messages]
    finally:
        await nc.close()


def test_every_channel_tells_the_reviewers_outcome(stack: ApiStack, nats_url: str) -> None:
    tenant = stack.new_tenant()
    client = stack.client(tenant)
    admin = stack.client(stack.new_key(tenant.tenant_id, "admin"))
    reviewer = stack.client(stack.new_key(tenant.tenant_id, "reviewer", name="Rita Reviewer"))
    with running_receiver() as receiver:
        hook = admin.post("/v1/webhooks", {"url": receiver.url, "event_types": ["verification.completed"]})
        assert hook.status_code == 201, hook.text
        opened = captured(client, ["face_match", "liveness"], max_retries=0)
        sid, token = opened["id"], opened["client_token"]
        policy = record_and_decide(stack, tenant.tenant_id, sid, [
            check(CheckType.FACE_MATCH, Outcome.UNCERTAIN, similarity=0.5),
            check(CheckType.LIVENESS, Outcome.PASS, confidence=0.95)])
        assert policy["route"] == "manual_review"
        reviewer.post(f"/v1/reviews/{sid}/claim")
        decided = reviewer.post(f"/v1/reviews/{sid}/decision", {"decision": "accepted", "reason": "same_person"})
        assert decided.json()["decided"] is True

        # The API: the reviewer's decision, the policy's in the history, marked superseded.
        view = client.get(f"/v1/sessions/{sid}").json()
        assert view["status"] == "verified"
        assert view["decision"]["decided_by"] == "review" and view["decision"]["decision"] == "accepted"
        assert view["decision"]["user_message"] == VERIFIED_TEXT
        assert view["decision"]["reviewers"] == [{"id": view["decision"]["reviewers"][0]["id"],
                                                  "name": "Rita Reviewer"}]
        history = view["decision_history"]
        assert [(h["decided_by"], h["decision"]) for h in history] == [("policy", "review"), ("review", "accepted")]
        assert history[0]["superseded_by"] == "review" and history[0]["route"] == "manual_review"

        # The capture page after a reload reads its progress with the client token...
        headers = {"X-Client-Token": token}
        progress = stack.http.get(f"/client/sessions/{sid}/progress", headers=headers).json()
        assert progress["status"] == "verified"
        # the person is told the outcome and what is next, never who or what decided (api/outcome_view.py)
        assert progress["decision"] == {"attempt": 1, "user_message": VERIFIED_TEXT, "next_step": "done",
                                        "retry_step": None, "decided_by": "review"}
        # ... and its live stream (server-sent events) says the same.
        live = stack.http.get(f"/client/sessions/{sid}/live", headers=headers)
        messages = _sse_messages(live.text)
        assert messages and messages[-1]["progress"]["decision"]["user_message"] == VERIFIED_TEXT
        assert "review.decided" in messages[-1]["events"]

        # NATS: the decision stream ends with the reviewer's outcome after the policy's.
        handle = start_relays(stack.rt, nats_url, poll_seconds=0.01)
        try:
            wait_relayed(stack.rt, handle)
        finally:
            handle.stop()
        stream = [m for m in asyncio.run(_decisions(nats_url, tenant.tenant_id)) if m["session_id"] == sid]
        assert [(m["event"], m["decision"], m["decided_by"]) for m in stream] == [
            ("decision.made", "review", "policy"), ("review.decided", "accepted", "review")]
        assert stream[-1]["status"] == "verified" and stream[-1]["user_message_code"] == "verified"
        assert "Rita" not in json.dumps(stream)  # reviewers are named in the ledger, not on NATS

        # The webhook: verification.completed carries the reviewer's outcome.
        dispatcher = WebhookDispatcher(stack.rt.ledger, open_read_model_view(stack.rt),
                                       PinnedHttpSender(allow_private=True, timeout_s=5), rng=random.Random(1))
        dispatcher.schedule_pending()
        dispatcher.deliver_due()
        bodies = [json.loads(r.body) for r in list(receiver.requests)]
    [completed] = [b for b in bodies if b["data"]["session_id"] == sid]
    assert completed["type"] == "verification.completed"
    assert completed["data"]["status"] == "verified" and completed["data"]["decision"] == "accepted"
    assert completed["data"]["decided_by"] == "review"


def test_a_proposal_waiting_for_four_eyes_is_no_decision_yet(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    client = stack.client(tenant)
    opened = captured(client, ["face_match", "liveness"], max_retries=0)
    sid = opened["id"]
    record_and_decide(stack, tenant.tenant_id, sid, [
        check(CheckType.FACE_MATCH, Outcome.FAIL, ("face_mismatch",), similarity=0.1),
        check(CheckType.LIVENESS, Outcome.PASS, confidence=0.95)])
    maker = stack.client(stack.new_key(tenant.tenant_id, "reviewer"))
    maker.post(f"/v1/reviews/{sid}/claim")
    assert maker.post(f"/v1/reviews/{sid}/decision", {"decision": "accepted", "reason": "same_person"}).json()[
        "decided"] is False
    view = client.get(f"/v1/sessions/{sid}").json()
    assert view["status"] == "manual_review" and view["decision"]["decided_by"] == "policy"
    progress = stack.http.get(f"/client/sessions/{sid}/progress",
                              headers={"X-Client-Token": opened["client_token"]}).json()
    assert progress["status"] == "manual_review" and progress["decision"]["next_step"] == "wait"  # still the policy's

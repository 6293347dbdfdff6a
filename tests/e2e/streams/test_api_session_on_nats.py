"""A NATS client sees every status change and the decision of an API session.

A session is driven through the signed API (create, document front from ../shared/data/mrz/images,
selfie from ../shared/data/faces, complete); the ML worker and decision worker record checks and a
decision; the relay publishes them. A JetStream subscriber on ``kyc.<tenant>.sessions.<id>.>`` and
``kyc.<tenant>.decisions``, started right after creation, must receive the status events of requirements/capture §4
in ledger order and the decision, and no payload may carry the extracted personal data.
"""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any
from uuid import UUID

import nats
import pytest
from nats.js.api import DeliverPolicy

from projections.status_events import (
    DECISION_MADE,
    LIVENESS_STATUS,
    RETRY_REQUESTED,
    SCAN_STATUS,
    SESSION_CREATED,
    status_message,
)
from projections.view import LedgerEntry
from tests.e2e.routes.support import FACES, MRZ_TD3, b64, wait_for
from tests.e2e.streams.conftest import StreamsStack

pytestmark = pytest.mark.e2e

Received = list[tuple[str, dict[str, Any], bytes]]


class JetStreamWatcher:
    """A JetStream subscriber in its own thread and event loop, until it has seen a decision."""

    def __init__(self, nats_url: str, tenant_id: str, session_id: str) -> None:
        self.subjects = (f"kyc.{tenant_id}.sessions.{session_id}.>", f"kyc.{tenant_id}.decisions")
        self.nats_url = nats_url
        self.sessions: Received = []
        self.decisions: Received = []
        self.subscribed = threading.Event()
        self.decided = threading.Event()
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> JetStreamWatcher:
        self._thread.start()
        assert self.subscribed.wait(30), f"JetStream subscriber did not start: {self.error!r}"
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(30)

    def _run(self) -> None:
        try:
            asyncio.run(self._watch())
        except BaseException as exc:
            self.error = exc
            self.subscribed.set()

    async def _watch(self) -> None:
        nc = await nats.connect(self.nats_url)
        try:
            js = nc.jetstream()

            def collect(into: Received) -> Any:
                async def on_message(message: Any) -> None:
                    into.append((message.subject, json.loads(message.data), message.data))
                    if json.loads(message.data)["event"] == DECISION_MADE and into is self.sessions:
                        self.decided.set()
                return on_message

            # ordered push consumers from the start of the stream: nothing published before the
            # subscription was established is lost, and order is the stream's (= ledger) order
            await js.subscribe(self.subjects[0], cb=collect(self.sessions), ordered_consumer=True,
                               deliver_policy=DeliverPolicy.ALL)
            await js.subscribe(self.subjects[1], cb=collect(self.decisions), ordered_consumer=True,
                               deliver_policy=DeliverPolicy.NEW)
            self.subscribed.set()
            while not self._stop.is_set():
                await asyncio.sleep(0.05)
        finally:
            await nc.close()


def test_a_session_driven_through_the_api_is_seen_on_nats(streams_stack: StreamsStack) -> None:
    stack = streams_stack.api
    key = stack.new_tenant()
    client = stack.client(key)
    created = client.post("/v1/sessions", {"checks": ["ocr", "data_validation", "face_match", "liveness"],
                                           "reference": "nats-watch", "liveness_type": "passive"})
    assert created.status_code == 201, created.text
    sid = created.json()["id"]
    watcher = JetStreamWatcher(streams_stack.nats_url, key.tenant_id, sid).start()
    try:
        for kind, path in (("document_front", MRZ_TD3), ("selfie", FACES / "obama.jpg")):
            answer = client.post(f"/v1/sessions/{sid}/documents", {"type": kind, "image_base64": b64(path)})
            assert answer.status_code == 201, answer.text
        assert client.post(f"/v1/sessions/{sid}/complete").status_code == 202
        final = wait_for(client, sid)
        assert final["decision"] is not None, final
        assert watcher.decided.wait(60), f"no decision on NATS; got {[m[1]['event'] for m in watcher.sessions]}"
        for _ in range(100):  # the tenant stream gets the decision right after the session stream
            if watcher.decisions:
                break
            threading.Event().wait(0.1)
    finally:
        watcher.stop()
    assert watcher.error is None, watcher.error

    # every status change of the ledger, in ledger order, each exactly once
    entry = LedgerEntry(0, 0, "")
    expected = [m for m in (status_message(e, entry) for e in stack.rt.ledger.session_events(key.tenant_id,
                                                                                             UUID(sid))) if m]
    got = [payload for _, payload, _ in watcher.sessions]
    assert [p["event_id"] for p in got] == [m.event_id for m in expected]
    names = [p["event"] for p in got]
    assert names[0] == SESSION_CREATED and names.count(DECISION_MADE) == 1
    # a retry decision opens the next attempt at once: only that may follow the decision
    assert set(names[names.index(DECISION_MADE) + 1:]) <= {RETRY_REQUESTED}
    assert names.index(SCAN_STATUS) < names.index(LIVENESS_STATUS) < names.index(DECISION_MADE)
    checks_seen = {p.get("check") for p in got if p["status"] == "completed"}
    assert {"ocr", "data_validation"} <= checks_seen and {"liveness", "face_match"} <= checks_seen
    assert all(subject.endswith("." + p["event"]) for subject, p, _ in watcher.sessions)
    decision = got[names.index(DECISION_MADE)]
    assert decision["decision"] == final["decision"]["decision"]
    assert decision["reason_codes"] == final["decision"]["reasons"]
    # the tenant's decision stream carries the same decision message (same ledger event id)
    assert [p["event_id"] for _, p, _ in watcher.decisions] == [decision["event_id"]]

    # nothing personal: the extracted name and document number appear in no subject or payload
    extracted = final["extracted_data"]
    personal = [str(extracted[k]) for k in ("surname", "given_names", "document_number") if extracted.get(k)]
    assert "ERIKSSON" in [p.upper() for p in personal] and len(personal) == 3, extracted
    for subject, _, raw in watcher.sessions + watcher.decisions:
        text = (subject + raw.decode()).upper()
        leaked = [value for value in personal if value.upper() in text]
        assert not leaked, f"personal data {leaked} in {subject}"

"""The capture page's live status (SSE) is fed from NATS; the ledger is only the fallback.

The stream subscribes to ``kyc.<tenant>.sessions.<id>.>`` and the relay publishes each status change.
With the fallback ledger read pushed out of reach (``RELAY_LAG_SECONDS``), every change after the
catch-up can only reach the SSE stream through NATS; the recording feed shows it did. A feed that
cannot connect falls back to ledger polling and the page still gets its events.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.nats.session_feed import NatsSessionEventFeed
from api.web import live
from ops.local_services import free_port
from projections.status_events import SCAN_STATUS, SESSION_CANCELLED
from tests.e2e.routes.support import MRZ_TD3, b64
from tests.e2e.streams.conftest import StreamsStack

pytestmark = pytest.mark.e2e


def _sse(text: str) -> list[dict[str, Any]]:
    """The SSE messages of a finished stream: event, id and the JSON data."""
    messages = []
    for block in text.split("\r\n\r\n" if "\r\n" in text else "\n\n"):
        fields = dict(line.split(":", 1) for line in block.splitlines() if ":" in line and not line.startswith(":"))
        if "data" in fields:
            messages.append({"event": fields.get("event", "").strip(), "id": fields.get("id", "").strip(),
                             **json.loads(fields["data"])})
    return messages


class LiveReader:
    """GET /client/sessions/{id}/live in a thread; the stream ends when the session is final."""

    def __init__(self, stack: StreamsStack, session_id: str, client_token: str) -> None:
        self.text = ""
        self.status = 0
        self._thread = threading.Thread(target=self._read, args=(stack, session_id, client_token), daemon=True)

    def _read(self, stack: StreamsStack, session_id: str, client_token: str) -> None:
        answer = stack.api.http.get(f"/client/sessions/{session_id}/live", timeout=120,
                                    headers={"X-Client-Token": client_token, "Accept": "text/event-stream"})
        self.status, self.text = answer.status_code, answer.text

    def start(self) -> LiveReader:
        self._thread.start()
        return self

    def join(self) -> list[dict[str, Any]]:
        self._thread.join(120)
        assert not self._thread.is_alive(), "the live stream did not end with the session"
        assert self.status == 200, self.text
        return _sse(self.text)


@pytest.fixture
def no_ledger_fallback(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(live, "RELAY_LAG_SECONDS", 600.0)
    yield


def _drive(stack: StreamsStack) -> tuple[Any, str, str]:
    client = stack.api.client(stack.api.new_tenant())
    created = client.post("/v1/sessions", {"checks": ["ocr"], "reference": "live-page"})
    assert created.status_code == 201, created.text
    return client, created.json()["id"], created.json()["client_token"]


def _upload_and_cancel(client: Any, sid: str) -> None:
    answer = client.post(f"/v1/sessions/{sid}/documents", {"type": "document_front", "image_base64": b64(MRZ_TD3)})
    assert answer.status_code == 201, answer.text
    assert client.post(f"/v1/sessions/{sid}/cancel", {"reason": "customer_abandoned"}).status_code == 200


def test_the_live_stream_forwards_what_the_relay_publishes(streams_stack: StreamsStack,
                                                           no_ledger_fallback: None) -> None:
    client, sid, token = _drive(streams_stack)
    reader = LiveReader(streams_stack, sid, token).start()
    assert streams_stack.feed.ready(sid).wait(30), "the live stream never waited on NATS"
    _upload_and_cancel(client, sid)
    messages = reader.join()

    names = [name for m in messages for name in m["events"]]
    assert SCAN_STATUS in names and names[-1] == SESSION_CANCELLED
    assert messages[-1]["progress"]["status"] == "cancelled" and messages[-1]["event"] == SESSION_CANCELLED
    # the capture happened after the subscription and the ledger fallback is out of reach: the relay's
    # message on NATS is what woke the stream (a message may also carry later events of the ledger)
    delivered = [p["event"] for p in streams_stack.feed.delivered[sid]]
    assert SCAN_STATUS in delivered
    ids = [int(m["id"]) for m in messages]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)  # versions only move forward, no duplicates


def test_without_a_reachable_nats_the_stream_polls_the_ledger(streams_stack: StreamsStack,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # ApiServices is frozen: the recording feed's NATS connection is what becomes unreachable
    monkeypatch.setattr(streams_stack.feed, "inner", NatsSessionEventFeed(f"nats://127.0.0.1:{free_port()}",
                                                                          connect_timeout=1))
    client, sid, token = _drive(streams_stack)
    reader = LiveReader(streams_stack, sid, token).start()
    _upload_and_cancel(client, sid)
    messages = reader.join()
    names = [name for m in messages for name in m["events"]]
    assert names[-1] == SESSION_CANCELLED and messages[-1]["progress"]["status"] == "cancelled"
    assert sid not in streams_stack.feed.delivered  # nothing came over NATS

"""The relay: follows the ledger's log and publishes status and decision messages to JetStream.

At least once from the relay, exactly once in the stream: every message is acknowledged by
JetStream before the position moves, and ``Nats-Msg-Id`` = the ledger event id, so a relay that
crashes between publishing and saving its position republishes the same ids and JetStream drops
them (within ``DUPLICATE_WINDOW_S``). One relay publishes in log order and awaits each ack, so the
stream order of one session's messages is its ledger order. Payloads are the thin, PII-free
messages of ``projections.status_events``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from typing import Any

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError as StreamNotFoundError

from adapters.nats.connection import close_quietly, reconnect_options
from adapters.nats.endpoint import NatsTarget, connect
from adapters.nats.streams import decisions_subject, session_subject, stream_configs
from adapters.persistence.commit_signal import commit_signal_of
from projections.log_follower import LogFollower
from projections.status_events import status_message
from projections.view import ReadModelView, canonical_json

log = logging.getLogger("kycledger.nats_relay")

RELAY_NAME = "nats_relay"
# Fault injection for the crash test only: exit hard after publishing a batch, before saving the position.
CRASH_AFTER_PUBLISH_ENV = "KYC_RELAY_CRASH_AFTER_PUBLISH"


async def ensure_streams(js: JetStreamContext) -> None:
    """Create the streams, or update them to the current configuration (idempotent)."""
    for config in stream_configs():
        try:
            await js.stream_info(str(config.name))
        except StreamNotFoundError:
            await js.add_stream(config)
        else:
            await js.update_stream(config)


class NatsStreamRelay:
    """Publishes every session status change and decision recorded after its tracked position."""

    def __init__(self, app: Any, positions: ReadModelView, batch_size: int = 200) -> None:
        self.follower = LogFollower(app, batch_size=batch_size)
        self.positions = positions
        self.published = 0
        self._crash = os.environ.get(CRASH_AFTER_PUBLISH_ENV) == "1"

    async def publish_pending(self, js: JetStreamContext) -> int:
        """Publish everything after the saved position; returns the number of messages acknowledged."""
        sent = 0
        while True:
            position = self.positions.position(RELAY_NAME)
            page = self.follower.next_batch(position)
            if page is None:
                return sent
            batch, end = page
            for event, entry in batch:
                message = status_message(event, entry)
                if message is None:
                    continue
                body = canonical_json(message.payload).encode()
                headers = {"Nats-Msg-Id": message.event_id}
                await js.publish(session_subject(message.tenant_id, message.session_id, message.name), body,
                                 headers=headers)
                sent += 1
                if message.is_decision:
                    await js.publish(decisions_subject(message.tenant_id), body, headers=headers)
                    sent += 1
            if self._crash and sent:
                os._exit(137)  # no position save: the window a restart must survive without duplicates
            with self.positions.transaction(RELAY_NAME, end):
                pass  # the position alone: the messages are already acknowledged by JetStream
            self.published += sent


RETRY_PAUSE_SECONDS = 1.0


class RelayHandle:
    """A relay running its own asyncio loop in a background thread."""

    def __init__(self, relay: NatsStreamRelay, nats_url: NatsTarget, poll_seconds: float,
                 reconnect_attempts: int = 60, wake_on_commit: bool = True) -> None:
        self.relay = relay
        self.wake_on_commit = wake_on_commit  # False: poll only (the benchmark's baseline)
        self.nats_url = nats_url
        self.poll_seconds = poll_seconds
        self.reconnect_attempts = reconnect_attempts  # nats-py's own, 2 s apart; then we connect anew
        self.error: BaseException | None = None
        self.failures = 0
        self.reconnects = 0
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="nats-relay", daemon=True)

    def start(self) -> RelayHandle:
        self._thread.start()
        self._ready.wait(timeout=30)
        if self.error is not None:
            raise self.error
        return self

    def _run(self) -> None:
        try:
            asyncio.run(self._loop())
        except Exception as exc:  # surfaced by stop()
            log.exception("NATS relay stopped")
            self.error = exc
            self._ready.set()

    async def _connect(self) -> Any:
        return await connect(self.nats_url, name="kycledger-relay",
                                  **reconnect_options(self.reconnect_attempts))

    async def _loop(self) -> None:
        # Woken by the ledger's commits; ``poll_seconds`` only bounds a wait (commit_signal).
        commits = commit_signal_of(self.relay.follower.app) if self.wake_on_commit else None
        nc = await self._connect()
        try:
            js = nc.jetstream()
            await ensure_streams(js)
            self._ready.set()
            while not self._stop.is_set():
                try:
                    if nc.is_closed:  # nats-py gave up reconnecting (a long outage): start over
                        nc = await self._connect()
                        js = nc.jetstream()
                        await ensure_streams(js)
                        self.reconnects += 1
                        log.warning("NATS relay connected again after an outage")
                    seen = commits.count if commits is not None else 0  # before reading the log
                    published = await self.relay.publish_pending(js)
                except Exception as exc:
                    # A publish timeout or a locked database: the position was not advanced and
                    # Nats-Msg-Id dedupes a republish, so retry after a pause instead of dying.
                    self.failures += 1
                    log.warning("NATS relay round failed (%s); retrying", type(exc).__name__)
                    await asyncio.sleep(RETRY_PAUSE_SECONDS)
                    continue
                if published == 0:
                    if commits is not None:
                        await asyncio.to_thread(commits.wait_after, seen, self.poll_seconds)
                    else:
                        await asyncio.sleep(self.poll_seconds)
        finally:
            await close_quietly(nc)

    def stop(self) -> None:
        """Stop after the current batch; re-raise the error that stopped the relay, if any."""
        self._stop.set()
        self._thread.join(timeout=30)
        if self.error is not None:
            raise self.error

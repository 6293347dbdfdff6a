"""The webhook dispatcher: turns ledger events into signed deliveries and delivers them with retries.

Two loops over one ledger:
- ``schedule_pending`` follows the notification log (position kept in the read-model store, saved
  after the deliveries it created are stored) and, for each status message of a tenant, creates one
  ``WebhookDelivery`` per endpoint that wants that event type. Delivery ids derive from endpoint and
  message, so a re-read after a crash finds the delivery already there and creates nothing twice.
- ``deliver_due`` sends every delivery whose time has come, records the attempt as a ledger event
  (status code, error, next attempt) and disables an endpoint that answered 410.
Payloads are requirements/sessions' ``verification.completed`` and the status events, thin and PII-free.

The loop that runs both is ``ops.runners.webhook_dispatcher.start_webhook_dispatcher``.
"""

from __future__ import annotations

import heapq
import logging
import random
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.audit import audit_context
from domain.usage import QuotaThreshold
from domain.webhook_signing import webhook_headers
from domain.webhooks import (
    DELIVERY_SCHEDULED_TOPIC,
    ENDPOINT_REGISTERED_TOPIC,
    REDELIVERY_REQUESTED_TOPIC,
    AttemptOutcome,
    DeliveryStatus,
    SendResult,
    WebhookDelivery,
    WebhookEndpoint,
    delivery_uuid,
)
from projections.log_follower import LogFollower
from projections.status_events import QUOTA_THRESHOLD, completion_payload, quota_payload, status_message
from projections.view import ReadModelView, canonical_json
from services.webhooks.commands import (  # the API-facing commands used to live here: re-exported
    SESSION_ENDPOINT_PREFIX,
    get_delivery,
    get_endpoint,
    redeliver,
    register_endpoint,
    rotate_endpoint_secret,
    session_endpoint_id,
)

log = logging.getLogger("kycledger.webhooks")

DISPATCHER_NAME = "webhook_dispatcher"
ACTOR = "system:webhook-dispatcher"
ENDPOINT_TOPIC = ENDPOINT_REGISTERED_TOPIC
DELIVERY_TOPIC = DELIVERY_SCHEDULED_TOPIC


class WebhookSender(Protocol):
    """Port: POST one signed webhook and report what happened."""

    def send(self, url: str, headers: dict[str, str], body: bytes, now: datetime) -> SendResult:
        """Send ``body`` with ``headers`` to ``url``; never raises for network or HTTP failures."""
        ...


def utc_now() -> datetime:
    return datetime.now(UTC)


# --- the dispatcher -------------------------------------------------------------------------------

class WebhookDispatcher:
    """Schedules deliveries from the log and sends the due ones (single process)."""

    def __init__(self, app: Any, positions: ReadModelView, sender: WebhookSender,
                 clock: Callable[[], datetime] = utc_now, rng: random.Random | None = None) -> None:
        self.app = app
        self.positions = positions
        self.sender = sender
        self.clock = clock
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self.follower = LogFollower(app)
        self.endpoints: dict[str, set[str]] = {}  # tenant -> endpoint ids
        self.due: list[tuple[datetime, UUID]] = []
        self._rebuild()

    def _scan(self, topic: str) -> list[Any]:
        found: list[Any] = []
        start = 1
        while True:
            page = self.app.recorder.select_notifications(start, 500, topics=[topic])
            if not page:
                return found
            found.extend(page)
            start = page[-1].id + 1

    def _rebuild(self) -> None:
        """After a restart: the endpoints of each tenant and the deliveries still pending."""
        for n in self._scan(ENDPOINT_TOPIC):
            event = self.app.mapper.to_domain_event(n)
            self.endpoints.setdefault(event.owner_tenant_id, set()).add(event.endpoint_id)
        for n in self._scan(DELIVERY_TOPIC):
            self._track(UUID(str(n.originator_id)))

    def _track(self, delivery_id: UUID) -> None:
        delivery = self.app.repository.get(delivery_id)
        if delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at is not None:
            heapq.heappush(self.due, (delivery.next_attempt_at, delivery_id))

    def schedule_pending(self) -> int:
        """Create deliveries for every event after the saved position; returns how many were created."""
        created = 0
        while True:
            page = self.follower.next_batch(self.positions.position(DISPATCHER_NAME))
            if page is None:
                return created
            batch, end = page
            for event, entry in batch:
                if isinstance(event, WebhookEndpoint.Created):
                    self.endpoints.setdefault(event.owner_tenant_id, set()).add(event.endpoint_id)
                elif getattr(type(event), "TOPIC", "") == REDELIVERY_REQUESTED_TOPIC:
                    self._track(event.originator_id)  # requested by the API, in any process
                for tenant, session, event_type, message_id, data in self._messages(event, entry):
                    created += self._schedule(tenant, session, message_id, event_type, data, event.timestamp)
            with self.positions.transaction(DISPATCHER_NAME, end):
                pass  # deliveries are stored; now the position

    @staticmethod
    def _messages(event: Any, entry: Any) -> list[tuple[str, str | None, str, str, dict[str, Any]]]:
        """(tenant, session id or None, event type, message id, payload) of every webhook ``event`` causes."""
        if isinstance(event, QuotaThreshold.Created):  # requirements/platform §7: 80% and 100% of a quota
            payload = quota_payload(event)
            return [(event.owner_tenant_id, None, QUOTA_THRESHOLD, f"{payload['event_id']}/{QUOTA_THRESHOLD}",
                     payload)]
        message = status_message(event, entry)
        if message is None:
            return []
        bodies = [(message.name, message.payload)]
        if message.completes:
            bodies.append(("verification.completed", completion_payload(message)))
        return [(message.tenant_id, message.session_id, name, f"{message.event_id}/{name}", data)
                for name, data in bodies]

    def _schedule(self, tenant: str, session: str | None, message_id: str, event_type: str, data: dict[str, Any],
                  occurred_at: datetime) -> int:
        created = 0
        own_session_endpoint = session_endpoint_id(session) if session else None
        for endpoint_id in sorted(self.endpoints.get(tenant, ())):
            if endpoint_id.startswith(SESSION_ENDPOINT_PREFIX) and endpoint_id != own_session_endpoint:
                continue  # a session's webhook_url hears about that session only (requirements/sessions)
            endpoint = get_endpoint(self.app, tenant, endpoint_id)
            if not endpoint.wants(event_type):
                continue
            delivery_id = delivery_uuid(tenant, endpoint_id, message_id)
            try:
                self.app.repository.get(delivery_id)
                continue  # scheduled before a crash: nothing to do
            except AggregateNotFoundError:
                pass
            payload = {"type": event_type, "timestamp": occurred_at.isoformat(), "data": data}
            with audit_context(tenant, ACTOR, f"webhook-{message_id}"):
                delivery = WebhookDelivery(owner_tenant_id=tenant, endpoint_id=endpoint_id, message_id=message_id,
                                           event_type=event_type, payload=payload, due_at=self.clock())
                self.app.save(delivery)
            heapq.heappush(self.due, (delivery.next_attempt_at or self.clock(), delivery.id))
            created += 1
        return created

    def deliver_due(self) -> list[AttemptOutcome]:
        """Attempt every delivery due at ``clock()``; returns the outcomes in order."""
        outcomes: list[AttemptOutcome] = []
        while self.due and self.due[0][0] <= self.clock():
            entry = heapq.heappop(self.due)
            try:
                delivery = self.app.repository.get(entry[1])
                if delivery.status != DeliveryStatus.PENDING or delivery.next_attempt_at is None \
                        or delivery.next_attempt_at > self.clock():
                    continue  # stale heap entry (redelivered or rescheduled): the current one is queued
                outcomes.append(self._attempt(delivery))
            except Exception:
                # The database went away mid-round: keep the delivery due (it is in the ledger, and only
                # here in memory until the next restart), so the next round tries it again.
                heapq.heappush(self.due, entry)
                raise
        return outcomes

    def _attempt(self, delivery: WebhookDelivery) -> AttemptOutcome:
        now = self.clock()
        endpoint = get_endpoint(self.app, delivery.owner_tenant_id, delivery.endpoint_id)
        with audit_context(delivery.owner_tenant_id, ACTOR, f"webhook-{delivery.message_id}"):
            if endpoint.disabled:
                outcome = delivery.record_attempt(now, None, "endpoint_disabled", None, 0.0, 0)
                outcome = AttemptOutcome.GONE if outcome is not AttemptOutcome.SUCCEEDED else outcome
                self.app.save(delivery)
                return outcome
            body = canonical_json(delivery.payload).encode()
            secrets = [s.reveal() for s in endpoint.signing_secrets(now)]
            headers = webhook_headers(secrets, delivery.message_id, int(now.timestamp()), body)
            result = self.sender.send(endpoint.url, headers, body, now)
            outcome = delivery.record_attempt(now, result.status_code, result.error, result.retry_after,
                                              self.rng.uniform(-1.0, 1.0), result.duration_ms)
            if outcome is AttemptOutcome.GONE:
                endpoint.disable("receiver_answered_410")
            self.app.save(delivery, endpoint)
        if delivery.next_attempt_at is not None and delivery.status == DeliveryStatus.PENDING:
            heapq.heappush(self.due, (delivery.next_attempt_at, delivery.id))
        log.info("webhook %s attempt %d: %s", delivery.message_id, delivery.attempts, outcome)
        return outcome


__all__ = ["WebhookDispatcher", "get_delivery", "get_endpoint", "redeliver", "register_endpoint",
           "rotate_endpoint_secret"]

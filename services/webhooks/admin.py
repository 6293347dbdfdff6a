"""Tenant webhook management over the ledger: ``api.ports.WebhookAdmin``.

Registration checks the URL's addresses now (SSRF: no loopback, private, link-local or reserved
targets unless ``allow_private``), and the dispatcher checks them again on every attempt, pinning
the address it connects to. Secrets are returned once, by ``register`` and ``rotate_secret``; every
other view omits them. Lists read the notification log by topic (endpoints and deliveries are
aggregates whose creation events name the tenant), so they need no extra table.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from domain.errors import InvalidArgumentError
from domain.webhooks import ATTEMPT_RECORDED_TOPIC, DEFAULT_SECRET_OVERLAP, WebhookDelivery, WebhookEndpoint
from services.webhooks.commands import (
    TargetCheck,
    get_delivery,
    get_endpoint,
    redeliver,
    register_endpoint,
    register_session_endpoint,
    rotate_endpoint_secret,
)
from services.webhooks.dispatcher import DELIVERY_TOPIC, ENDPOINT_TOPIC

MAX_DELIVERIES = 200


def endpoint_view(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {"endpoint_id": endpoint.endpoint_id, "url": endpoint.url, "event_types": list(endpoint.event_types),
            "disabled": endpoint.disabled, "created_at": endpoint.created_on.isoformat(),
            "secret_rotated_until": endpoint.previous_valid_until.isoformat()
            if endpoint.previous_valid_until else None}


def delivery_view(app: Any, delivery: WebhookDelivery) -> dict[str, Any]:
    """The delivery with every recorded attempt (status code, error, outcome, time), oldest first."""
    attempts = [{"attempt": e.attempt, "at": e.at.isoformat(), "status_code": e.status_code, "error": e.error,
                 "outcome": e.outcome, "duration_ms": e.duration_ms,
                 "next_attempt_at": e.next_attempt_at.isoformat() if e.next_attempt_at else None}
                for e in app.events.get(delivery.id) if getattr(type(e), "TOPIC", "") == ATTEMPT_RECORDED_TOPIC]
    return {"message_id": delivery.message_id, "endpoint_id": delivery.endpoint_id,
            "event_type": delivery.event_type, "status": str(delivery.status), "attempts_made": delivery.attempts,
            "next_attempt_at": delivery.next_attempt_at.isoformat() if delivery.next_attempt_at else None,
            "created_at": delivery.created_on.isoformat(), "attempts": attempts}


class LedgerWebhookAdmin:
    """Webhook endpoints and deliveries of a tenant, as ledger aggregates."""

    def __init__(self, app: Any, check_target: TargetCheck, allow_private: bool = False) -> None:
        self.app = app
        self.check_target = check_target
        self.allow_private = allow_private

    def _scan(self, topic: str, tenant_id: str) -> list[UUID]:
        found, start = [], 1
        while page := self.app.recorder.select_notifications(start, 500, topics=[topic]):
            for n in page:
                event = self.app.mapper.to_domain_event(n)
                if event.owner_tenant_id == tenant_id:
                    found.append(UUID(str(n.originator_id)))
            start = page[-1].id + 1
        return found

    def register(self, tenant_id: str, url: str, event_types: list[str]) -> tuple[str, str]:
        try:
            self.check_target(url, self.allow_private)
        except ValueError:  # e.g. a port out of range: the URL is malformed, not our failure
            raise InvalidArgumentError("webhook URL is malformed") from None
        return register_endpoint(self.app, tenant_id, url, event_types, self.check_target, self.allow_private)

    def register_session(self, tenant_id: str, session_id: UUID, url: str) -> str:
        try:
            return register_session_endpoint(self.app, tenant_id, str(session_id), url, self.check_target,
                                             self.allow_private)
        except ValueError:
            raise InvalidArgumentError("webhook URL is malformed") from None

    def rotate_secret(self, tenant_id: str, endpoint_id: str, now: datetime) -> tuple[str, datetime]:
        return rotate_endpoint_secret(self.app, tenant_id, endpoint_id, now), now + DEFAULT_SECRET_OVERLAP

    def disable(self, tenant_id: str, endpoint_id: str, reason: str) -> None:
        endpoint = get_endpoint(self.app, tenant_id, endpoint_id)
        endpoint.disable(reason)
        self.app.save(endpoint)

    def endpoints(self, tenant_id: str) -> list[dict[str, Any]]:
        return [endpoint_view(self.app.repository.get(i)) for i in self._scan(ENDPOINT_TOPIC, tenant_id)]

    def endpoint(self, tenant_id: str, endpoint_id: str) -> dict[str, Any]:
        return endpoint_view(get_endpoint(self.app, tenant_id, endpoint_id))

    def deliveries(self, tenant_id: str, endpoint_id: str, limit: int) -> list[dict[str, Any]]:
        get_endpoint(self.app, tenant_id, endpoint_id)  # NotFoundError for another tenant's endpoint
        mine = []
        for delivery_id in self._scan(DELIVERY_TOPIC, tenant_id):
            delivery = self.app.repository.get(delivery_id)
            if delivery.endpoint_id == endpoint_id:
                mine.append(delivery)
        newest = sorted(mine, key=lambda d: d.created_on, reverse=True)[:max(1, min(limit, MAX_DELIVERIES))]
        return [delivery_view(self.app, d) for d in newest]

    def redeliver(self, tenant_id: str, endpoint_id: str, message_id: str, now: datetime) -> dict[str, Any]:
        get_endpoint(self.app, tenant_id, endpoint_id)
        redeliver(self.app, tenant_id, endpoint_id, message_id, now)
        return delivery_view(self.app, get_delivery(self.app, tenant_id, endpoint_id, message_id))

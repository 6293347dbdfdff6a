"""Commands on a tenant's webhook endpoints and deliveries (used by ``services.webhooks.admin`` and tests)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError

from domain.errors import NotFoundError
from domain.webhooks import (
    DEFAULT_SECRET_OVERLAP,
    WebhookDelivery,
    WebhookEndpoint,
    delivery_uuid,
    endpoint_uuid,
    new_webhook_secret,
)
from projections.status_events import VERIFICATION_COMPLETED


class TargetCheck(Protocol):
    """Refuses a webhook URL that resolves to an internal address (``adapters.webhooks.address_policy``)."""

    def __call__(self, url: str, allow_private: bool = False) -> object:
        """Raise ``WebhookTargetRefusedError`` (a ``DomainError``), or ``ValueError`` for a malformed URL."""
        ...


def register_endpoint(app: Any, tenant_id: str, url: str, event_types: list[str], check_target: TargetCheck,
                      allow_private: bool = False) -> tuple[str, str]:
    """Register a tenant's endpoint; returns (endpoint id, whsec_ secret), the secret shown once."""
    check_target(url, allow_private)  # refuse internal targets up front (checked again per attempt)
    endpoint_id = "whe_" + uuid4().hex[:16]
    secret = new_webhook_secret()
    app.save(WebhookEndpoint.register(tenant_id, endpoint_id, url, event_types, secret))
    return endpoint_id, secret.reveal()


SESSION_ENDPOINT_PREFIX = "ses_"


def session_endpoint_id(session_id: str) -> str:
    """The implicit endpoint of a session's own ``webhook_url`` (requirements/sessions, the session configuration)."""
    return SESSION_ENDPOINT_PREFIX + UUID(session_id).hex


def register_session_endpoint(app: Any, tenant_id: str, session_id: str, url: str, check_target: TargetCheck,
                              allow_private: bool = False) -> str:
    """The endpoint for a session's ``webhook_url``; its ``whsec_`` secret, shown once to the creator.

    It hears ``verification.completed`` for that session only, signed and delivered (SSRF-checked,
    retried, every attempt recorded) by the same dispatcher as the tenant's registered endpoints.
    """
    check_target(url, allow_private)
    secret = new_webhook_secret()
    app.save(WebhookEndpoint.register(tenant_id, session_endpoint_id(session_id), url, [VERIFICATION_COMPLETED],
                                      secret))
    return secret.reveal()


def get_endpoint(app: Any, tenant_id: str, endpoint_id: str) -> WebhookEndpoint:
    try:
        endpoint: object = app.repository.get(endpoint_uuid(tenant_id, endpoint_id))
    except AggregateNotFoundError:
        raise NotFoundError("webhook endpoint not found", endpoint_id=endpoint_id) from None
    assert isinstance(endpoint, WebhookEndpoint)
    return endpoint


def rotate_endpoint_secret(app: Any, tenant_id: str, endpoint_id: str, now: datetime) -> str:
    """A new current secret; the previous one keeps signing during the overlap. Returns the new one."""
    endpoint = get_endpoint(app, tenant_id, endpoint_id)
    secret = new_webhook_secret()
    endpoint.rotate_secret(secret, now + DEFAULT_SECRET_OVERLAP)
    app.save(endpoint)
    return secret.reveal()


def get_delivery(app: Any, tenant_id: str, endpoint_id: str, message_id: str) -> WebhookDelivery:
    try:
        delivery: object = app.repository.get(delivery_uuid(tenant_id, endpoint_id, message_id))
    except AggregateNotFoundError:
        raise NotFoundError("webhook delivery not found", message_id=message_id) from None
    assert isinstance(delivery, WebhookDelivery)
    return delivery


def redeliver(app: Any, tenant_id: str, endpoint_id: str, message_id: str, now: datetime) -> None:
    """Manual redelivery: the same message, the same ``webhook-id``, due now."""
    delivery = get_delivery(app, tenant_id, endpoint_id, message_id)
    delivery.request_redelivery(now)
    app.save(delivery)

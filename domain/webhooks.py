"""Webhook endpoints and deliveries: every attempt is a ledger event (docs/architecture.md §9, Standard Webhooks).

An endpoint belongs to a tenant and holds a ``whsec_`` signing secret (sealed like an API key
secret); rotation keeps the previous secret for an overlap so receivers roll over, and both sign
meanwhile. A delivery is one message (one ``webhook-id``) to one endpoint; its id derives from the
endpoint and the message, so the dispatcher can never create it twice, and a manual redelivery
re-sends the same ``webhook-id``. Retries follow ``RETRY_SCHEDULE`` (about three days) with
jitter; 2xx is success, 410 disables the endpoint, ``Retry-After`` is honoured.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.base import LedgerAggregate
from domain.credentials import CredentialSecret
from domain.errors import ConflictError, DomainError, InvalidArgumentError
from domain.tenancy import LEDGER_NAMESPACE
from domain.vocabulary import WEBHOOK_EVENT_TYPES

WEBHOOK_SECRET_PREFIX = "whsec_"
MAX_URL_LENGTH = 2048
DEFAULT_SECRET_OVERLAP = timedelta(hours=24)

RETRY_SCHEDULE: tuple[timedelta, ...] = (
    timedelta(0),
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=20),
)
"""Delay before attempt n (index n-1), after the previous attempt: 10 attempts over ~71.6 h."""
JITTER_FRACTION = 0.2  # each retry delay is spread by up to +-20% so receivers are not hit in waves
MAX_RETRY_AFTER = timedelta(hours=24)


ATTEMPT_RECORDED_TOPIC = "kycledger.webhooks.DeliveryAttempted"
REDELIVERY_REQUESTED_TOPIC = "kycledger.webhooks.RedeliveryRequested"
ENDPOINT_REGISTERED_TOPIC = "kycledger.webhooks.EndpointRegistered"
DELIVERY_SCHEDULED_TOPIC = "kycledger.webhooks.DeliveryScheduled"


@dataclass(frozen=True)
class SendResult:
    """What one attempt observed; ``error`` is a stable code when no HTTP status came back."""

    status_code: int | None
    retry_after: timedelta | None
    error: str | None
    duration_ms: int

class WebhookEndpointDisabledError(DomainError):
    code = "webhook_endpoint_disabled"


class AttemptOutcome(StrEnum):
    SUCCEEDED = "succeeded"  # 2xx
    RETRY = "retry"  # anything else, or no response, with attempts left
    FAILED = "failed"  # attempts exhausted
    GONE = "gone"  # 410: the receiver asked us to stop; the endpoint is disabled


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


def new_webhook_secret() -> CredentialSecret:
    """A Standard Webhooks secret: ``whsec_`` + base64 of 24 random bytes."""
    return CredentialSecret(WEBHOOK_SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode("ascii"))


def endpoint_uuid(tenant_id: str, endpoint_id: str) -> UUID:
    return uuid5(LEDGER_NAMESPACE, f"tenant/{tenant_id}/webhook-endpoint/{endpoint_id}")


def delivery_uuid(tenant_id: str, endpoint_id: str, message_id: str) -> UUID:
    return uuid5(LEDGER_NAMESPACE, f"tenant/{tenant_id}/webhook-endpoint/{endpoint_id}/message/{message_id}")


def retry_delay(attempt: int, jitter: float, retry_after: timedelta | None = None) -> timedelta | None:
    """Delay before ``attempt`` (2, 3, ...) or None when the schedule is exhausted.

    ``jitter`` in [-1, 1] scales the +-20% spread (the caller draws it: tests inject it).
    A ``Retry-After`` longer than the scheduled delay wins, capped at ``MAX_RETRY_AFTER``.
    """
    if attempt < 2:
        raise InvalidArgumentError("retries start at attempt 2", attempt=attempt)
    if attempt > len(RETRY_SCHEDULE):
        return None
    if not -1.0 <= jitter <= 1.0:
        raise InvalidArgumentError("jitter must be in [-1, 1]", jitter=jitter)
    delay = RETRY_SCHEDULE[attempt - 1] * (1 + JITTER_FRACTION * jitter)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    return delay


def classify(status_code: int | None) -> AttemptOutcome:
    """2xx only is success; 410 Gone disables the endpoint; everything else is retried."""
    if status_code is not None and 200 <= status_code < 300:
        return AttemptOutcome.SUCCEEDED
    if status_code == 410:
        return AttemptOutcome.GONE
    return AttemptOutcome.RETRY


class UnknownWebhookEventTypeError(InvalidArgumentError):
    """An endpoint asked for an event type kycledger never sends; ``details`` lists the valid ones."""

    code = "unknown_webhook_event_type"


class WebhookEndpoint(LedgerAggregate):
    """A tenant's webhook receiver: URL, event types it wants, signing secrets."""

    TOPIC = "kycledger.webhooks.WebhookEndpoint"

    @dataclass(frozen=True)
    class Created(LedgerAggregate.Created):
        TOPIC = ENDPOINT_REGISTERED_TOPIC
        owner_tenant_id: str
        endpoint_id: str
        url: str
        event_types: list[str]
        secret: CredentialSecret

    def __init__(self, owner_tenant_id: str, endpoint_id: str, url: str, event_types: list[str],
                 secret: CredentialSecret) -> None:
        self.owner_tenant_id = owner_tenant_id
        self.endpoint_id = endpoint_id
        self.url = url
        self.event_types = list(event_types)
        self.secret = secret
        self.previous_secret: CredentialSecret | None = None
        self.previous_valid_until: datetime | None = None
        self.disabled = False

    @classmethod
    def create_id(cls, owner_tenant_id: str, endpoint_id: str, url: str, event_types: list[str],
                  secret: CredentialSecret) -> UUID:
        return endpoint_uuid(owner_tenant_id, endpoint_id)

    @classmethod
    def register(cls, tenant_id: str, endpoint_id: str, url: str, event_types: list[str],
                 secret: CredentialSecret) -> WebhookEndpoint:
        """Validate the URL's shape (the dispatcher checks its addresses at every delivery)."""
        lowered = url.lower()
        if not lowered.startswith(("https://", "http://")) or len(url) > MAX_URL_LENGTH or any(
                c.isspace() for c in url):
            raise InvalidArgumentError("webhook URL must be an http(s) URL without spaces", length=len(url))
        unknown = sorted(t for t in event_types if t not in WEBHOOK_EVENT_TYPES)
        if not event_types or unknown:  # a typo would mean silent non-delivery (requirements/platform §15)
            raise UnknownWebhookEventTypeError("unknown webhook event types", unknown=unknown,
                                               allowed=list(WEBHOOK_EVENT_TYPES))
        if not secret.reveal().startswith(WEBHOOK_SECRET_PREFIX):
            raise InvalidArgumentError("webhook secrets start with whsec_")
        return cls(owner_tenant_id=tenant_id, endpoint_id=endpoint_id, url=url, event_types=sorted(set(event_types)),
                   secret=secret)

    def wants(self, event_type: str) -> bool:
        return not self.disabled and event_type in self.event_types

    def signing_secrets(self, now: datetime) -> list[CredentialSecret]:
        """The current secret, and the previous one during the rotation overlap: both sign."""
        found = [self.secret]
        until = self.previous_valid_until
        if self.previous_secret is not None and until is not None and now < until:
            found.append(self.previous_secret)
        return found

    def rotate_secret(self, new_secret: CredentialSecret, overlap_until: datetime) -> None:
        if not new_secret.reveal().startswith(WEBHOOK_SECRET_PREFIX):
            raise InvalidArgumentError("webhook secrets start with whsec_")
        self._secret_rotated(new_secret=new_secret, overlap_until=overlap_until)

    @event("SecretRotated", topic="kycledger.webhooks.EndpointSecretRotated")
    def _secret_rotated(self, new_secret: CredentialSecret, overlap_until: datetime) -> None:
        self.previous_secret = self.secret
        self.previous_valid_until = overlap_until
        self.secret = new_secret

    def disable(self, reason: str) -> None:
        if self.disabled:
            raise ConflictError("endpoint already disabled", endpoint_id=self.endpoint_id)
        self._disabled(reason=reason)

    @event("Disabled", topic="kycledger.webhooks.EndpointDisabled")
    def _disabled(self, reason: str) -> None:
        self.disabled = True


class WebhookDelivery(LedgerAggregate):
    """One message to one endpoint, with every attempt recorded."""

    TOPIC = "kycledger.webhooks.WebhookDelivery"

    @dataclass(frozen=True)
    class Created(LedgerAggregate.Created):
        TOPIC = DELIVERY_SCHEDULED_TOPIC
        owner_tenant_id: str
        endpoint_id: str
        message_id: str
        event_type: str
        payload: dict[str, Any]
        due_at: datetime

    def __init__(self, owner_tenant_id: str, endpoint_id: str, message_id: str, event_type: str,
                 payload: dict[str, Any], due_at: datetime) -> None:
        self.owner_tenant_id = owner_tenant_id
        self.endpoint_id = endpoint_id
        self.message_id = message_id
        self.event_type = event_type
        self.payload = payload
        self.status = DeliveryStatus.PENDING
        self.attempts = 0
        self.next_attempt_at: datetime | None = due_at

    @classmethod
    def create_id(cls, owner_tenant_id: str, endpoint_id: str, message_id: str, event_type: str,
                  payload: dict[str, Any], due_at: datetime) -> UUID:
        return delivery_uuid(owner_tenant_id, endpoint_id, message_id)

    def record_attempt(self, at: datetime, status_code: int | None, error: str | None,
                       retry_after: timedelta | None, jitter: float, duration_ms: int) -> AttemptOutcome:
        """Record one attempt and schedule the next one (or give up); returns what happened."""
        if self.status != DeliveryStatus.PENDING:
            raise ConflictError("delivery is not pending", status=str(self.status))
        attempt = self.attempts + 1
        outcome = classify(status_code)
        next_at: datetime | None = None
        if outcome is AttemptOutcome.RETRY:
            delay = retry_delay(attempt + 1, jitter, retry_after)
            if delay is None:
                outcome = AttemptOutcome.FAILED
            else:
                next_at = at + delay
        self._attempted(attempt=attempt, at=at, status_code=status_code, error=error, outcome=str(outcome),
                        next_attempt_at=next_at, duration_ms=duration_ms)
        return outcome

    @event("AttemptRecorded", topic=ATTEMPT_RECORDED_TOPIC)
    def _attempted(self, attempt: int, at: datetime, status_code: int | None, error: str | None, outcome: str,
                   next_attempt_at: datetime | None, duration_ms: int) -> None:
        self.attempts = attempt
        self.next_attempt_at = next_attempt_at
        if outcome == AttemptOutcome.SUCCEEDED:
            self.status = DeliveryStatus.SUCCEEDED
        elif outcome in (AttemptOutcome.FAILED, AttemptOutcome.GONE):
            self.status = DeliveryStatus.FAILED

    def request_redelivery(self, at: datetime) -> None:
        """Send the same message (same ``webhook-id``) again now, whatever happened before."""
        self._redelivery_requested(at=at)

    @event("RedeliveryRequested", topic=REDELIVERY_REQUESTED_TOPIC)
    def _redelivery_requested(self, at: datetime) -> None:
        self.status = DeliveryStatus.PENDING
        self.attempts = 0
        self.next_attempt_at = at

"""Ports for the audit, erasure and webhook routes (issue 6), filled by the composition root.

The API may not import ``ops`` or ``adapters`` (import-linter "api is thin"), so the engines that
live there (evidence bundles, the erasure engine with its checkpointer, SSRF-checked webhook
registration) reach the controllers through these Protocols, registered in
``ApiDependencies.extensions`` under the keys below (``ops.api_services.platform_services``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from api.deps import ApiDependencies
from api.errors import ApiProblem

AUDIT_EXTENSION = "audit.evidence"
ERASURE_EXTENSION = "erasure.engine"
WEBHOOKS_EXTENSION = "webhooks.admin"


class EvidenceService(Protocol):
    """Evidence bundles and per-event proofs (``services.evidence.bundle``)."""

    def bundle(self, tenant_id: str, session_id: UUID | None = None, start: datetime | None = None,
               end: datetime | None = None) -> dict[str, Any]:
        """The evidence bundle of one session, or of every session the tenant created in [start, end).

        Each event carries its stored bytes, chain entry and inclusion proof against ``checkpoint``.
        Raises ``NotFoundError`` for another tenant's session or an empty period.
        """
        ...


class ErasureService(Protocol):
    """Crypto-shredding with receipts, legal holds and media retention (``services.erasure.engine``)."""

    def erase_subject(self, tenant_id: str, subject_id: str, reason: str) -> dict[str, Any]:
        """Shred the subject now (or defer it under a legal hold); the erasure receipt."""
        ...

    def erase_session(self, tenant_id: str, session_id: UUID, reason: str) -> list[dict[str, Any]]:
        """Erase every subject the session recorded data of; one receipt per subject."""
        ...

    def place_hold(self, tenant_id: str, subject_id: str, basis: str, until: datetime) -> None:
        """Restrict processing of the subject until ``until`` and defer any erasure until then."""
        ...

    def release_hold(self, tenant_id: str, subject_id: str, at: datetime) -> None:
        """End the subject's legal hold at ``at`` (a deferred erasure then becomes due)."""
        ...

    def set_media_retention(self, tenant_id: str, days: int) -> None:
        """How many days the tenant's captured media are kept before the sweeper purges them."""
        ...

    def media_retention_days(self, tenant_id: str) -> int:
        """The tenant's media retention period in days."""
        ...


class WebhookAdmin(Protocol):
    """A tenant's webhook endpoints and deliveries (``services.webhooks.admin``)."""

    def register(self, tenant_id: str, url: str, event_types: list[str]) -> tuple[str, str]:
        """Register an endpoint (its URL must resolve to public addresses); (endpoint id, whsec_ secret)."""
        ...

    def register_session(self, tenant_id: str, session_id: UUID, url: str) -> str:
        """The endpoint of a session's own ``webhook_url`` (seed 003): it hears that session's
        ``verification.completed`` only; returns its whsec_ secret, shown once."""
        ...

    def rotate_secret(self, tenant_id: str, endpoint_id: str, now: datetime) -> tuple[str, datetime]:
        """A new signing secret; the previous one keeps signing until the returned time."""
        ...

    def disable(self, tenant_id: str, endpoint_id: str, reason: str) -> None:
        """Stop delivering to the endpoint (``NotFoundError`` for another tenant's endpoint)."""
        ...

    def endpoints(self, tenant_id: str) -> list[dict[str, Any]]:
        """The tenant's endpoints (never their secrets), oldest first."""
        ...

    def endpoint(self, tenant_id: str, endpoint_id: str) -> dict[str, Any]:
        """One endpoint of the tenant (never its secret)."""
        ...

    def deliveries(self, tenant_id: str, endpoint_id: str, limit: int) -> list[dict[str, Any]]:
        """The endpoint's newest deliveries, each with every attempt (status, error, time)."""
        ...

    def redeliver(self, tenant_id: str, endpoint_id: str, message_id: str, now: datetime) -> dict[str, Any]:
        """Send the same message again now, with the same ``webhook-id``; the delivery afterwards."""
        ...


def _service(deps: ApiDependencies, key: str) -> Any:
    """The registered service, or a 503 naming what is missing (a wiring gap, not a client error)."""
    try:
        return deps.extension(key)
    except LookupError:
        raise ApiProblem(503, "unavailable", f"this deployment does not serve {key}", service=key) from None


def evidence(deps: ApiDependencies) -> EvidenceService:
    service: EvidenceService = _service(deps, AUDIT_EXTENSION)
    return service


def erasure(deps: ApiDependencies) -> ErasureService:
    service: ErasureService = _service(deps, ERASURE_EXTENSION)
    return service


def webhook_admin(deps: ApiDependencies) -> WebhookAdmin:
    service: WebhookAdmin = _service(deps, WEBHOOKS_EXTENSION)
    return service

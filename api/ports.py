"""What the routes call, each by its own type: the services the composition root hands in as ``ApiServices``.

A leaf of the API package (it imports no other API module but the client token), so that
``api.deps`` can name these types at run time: litestar resolves the annotations of the
dependencies it injects. docs/architecture.md §2: no ``Any`` crosses from ``api/`` to ``services/``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from api.client_token import ClientTokens
from domain.application import KycLedger
from domain.checks import CheckResult
from domain.people.console_commands import ConsoleAccounts
from domain.personal_data import PersonalData
from domain.ports.blobs import BlobStore
from domain.ports.media import ImageSanitizer, LivenessFramesCodec, VideoSampler
from domain.ports.screening import WatchlistEntry
from domain.sessions.challenges import SessionChallenges
from services.review.portrait import DocumentPortraits
from services.search.sessions import SessionSearch
from services.verification.pipeline import VerificationPipeline

RecordModuleCall = Callable[[KycLedger, str, UUID, list[CheckResult], Mapping[str, PersonalData] | None, str], None]
"""``services.verification.results.record_module_call``: a module call recorded as a one-check session."""


class JobQueue(Protocol):
    """The JetStream work queue the ML workers consume."""

    async def enqueue(self, tenant_id: str, session_id: UUID, attempt: int, sandbox: bool) -> str:
        """Queue the session's attempt for the ML workers; returns the job id."""
        ...

    async def depth(self) -> int:
        """Jobs waiting or in progress (the queue-depth gauge)."""
        ...


@dataclass(frozen=True)
class ProductServices:
    """``ApiServices.product``, built by ``ops.product_wiring.product_services``."""

    pipeline: VerificationPipeline
    blobs: BlobStore
    tokens: ClientTokens
    challenges: SessionChallenges
    queue: JobQueue | None
    record_module_call: RecordModuleCall
    pipeline_label: Callable[[CheckResult, bool], CheckResult]


@dataclass(frozen=True)
class MediaServices:
    """``ApiServices.media``, built by ``ops.api_wiring.media_services``."""

    images: ImageSanitizer
    videos: VideoSampler
    frames: LivenessFramesCodec


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
        """The endpoint of a session's own ``webhook_url`` (requirements/sessions): it hears that session's
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


class NatsCredentialService(Protocol):
    """The tenant's NATS user (``ops.nats_access.LedgerNatsCredentials``)."""

    def issue(self, tenant_id: str, public_key: str | None) -> dict[str, Any]:
        """The first credential: JWT and, unless ``public_key`` is given, the seed (shown once).
        Raises ``NatsCredentialExistsError`` when the tenant already has one."""
        ...

    def rotate(self, tenant_id: str, overlap_seconds: int, public_key: str | None) -> dict[str, Any]:
        """A new credential; the previous one works ``overlap_seconds`` longer."""
        ...

    def describe(self, tenant_id: str) -> dict[str, Any]:
        """The current credential's public key and dates, never a secret."""
        ...


class WatchlistEntries(Protocol):
    """The loaded watchlists' entries, by list and entry id (``ops`` wires the screener's)."""

    def entry(self, list_name: str, entry_id: str, sandbox: bool) -> WatchlistEntry | None:
        """The entry behind a hit of a live (or sandbox) session, or None if no list holds it."""
        ...


class SessionEventSubscription(Protocol):
    """One session's status messages as they are published, from the moment of subscribing."""

    async def next(self, timeout: float) -> dict[str, Any] | None:
        """The next message's payload (``projections.status_events.status_message`` shape: ``event``,
        ``event_id`` = ``<session id>:<version>``, ...), or None if none arrives within ``timeout`` s."""
        ...


class SessionEventFeed(Protocol):
    """Live per-session status messages (the NATS subjects ``kyc.<tenant>.sessions.<id>.>``)."""

    def subscribe(self, tenant_id: str, session_id: str) -> AbstractAsyncContextManager[SessionEventSubscription]:
        """Subscribe to one session; the interest is registered on entry and dropped on exit."""
        ...


@dataclass(frozen=True)
class PublishedCheckpointKey:
    """The checkpoint signer's public half, as the composition root knows it (published at the
    well-known URL of ``api.web.checkpoint_key``)."""

    origin: str
    key_name: str
    public_key: bytes  # raw Ed25519, 32 bytes


@dataclass
class ApiServices:
    """The use cases and ports the routes call, each by its own type; None where not wired."""

    product: ProductServices | None = None
    media: MediaServices | None = None
    evidence: EvidenceService | None = None
    erasure: ErasureService | None = None
    webhooks: WebhookAdmin | None = None
    nats_credentials: NatsCredentialService | None = None
    review_watchlist: WatchlistEntries | None = None
    session_feed: SessionEventFeed | None = None
    checkpoint_key: PublishedCheckpointKey | None = None
    console: ConsoleAccounts | None = None
    review_portraits: DocumentPortraits | None = None
    session_search: SessionSearch | None = None

    def wired(self) -> list[object]:
        """Every service wired, and the product's work queue (those holding connections close them
        when the server stops)."""
        queue = self.product.queue if self.product is not None else None
        found = [self.product, self.media, self.evidence, self.erasure, self.webhooks, self.nats_credentials,
                 self.review_watchlist, self.session_feed, queue]
        return [s for s in found if s is not None]

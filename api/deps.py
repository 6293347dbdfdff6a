"""What the HTTP layer needs, handed in by the composition root (``ops/api_wiring.py``).

The API may not import adapters or ops (import-linter contract "api is thin"), so every piece of
state it keeps outside the ledger is a small Protocol here; ``adapters/http_state`` implements them
on SQLite or PostgreSQL, and tests pass in-memory fakes.

The use cases and ports the routes call arrive in ``ApiServices``, one typed field each (the
product's verification services, media intake, evidence, erasure, webhooks, NATS credentials, the
review watchlist, the live feed): a route reads its own field through a small accessor next to
its Protocol, which answers a clear error when the deployment did not wire it. A new service gets a
new field here (docs/architecture.md §2: no ``Any`` crosses from ``api/`` to ``services/``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from api.ports import ApiServices
from domain.application import KycLedger

Clock = Callable[[], datetime]
ReadinessProbe = Callable[[], dict[str, bool]]
OutageClassifier = Callable[[BaseException], "str | None"]
"""The dependency (``"postgresql"``, ``"sqlite"``, ``"nats"``) an exception says is unavailable, else None.

The composition root passes ``adapters.outages.unavailable_dependency``; ``api.errors`` answers 503."""


def no_outages(error: BaseException) -> str | None:
    return None


def system_clock() -> datetime:
    return datetime.now(UTC)


class ReplayGuard(Protocol):
    """Remembers accepted request signatures so each is accepted once, across workers."""

    def first_use(self, fingerprint: str, now: float, ttl_s: float) -> bool:
        """Record ``fingerprint``; True if it was unseen (or its record expired), False on a replay."""
        ...


class RateCounter(Protocol):
    """Atomic fixed-window hit counters shared by every worker."""

    def hit(self, bucket: str, window_s: int, now: float) -> int:
        """Count one hit in the window of ``window_s`` seconds containing ``now``; the new count."""
        ...


class QuotaCounter(Protocol):
    """Atomic monthly usage counters that never pass their hard limit."""

    def consume(self, bucket: str, limit: int) -> int | None:
        """Add one use to ``bucket`` if it is below ``limit``; the new count, or None when full."""
        ...

    def used(self, bucket: str) -> int:
        """Uses recorded so far in ``bucket``."""
        ...


StoredResponse = tuple[int, tuple[tuple[str, str], ...], bytes]
"""A response kept for an ``Idempotency-Key`` and replayed byte for byte: (status, headers, body).

Plain tuples, so adapters implement the store without importing the API layer."""

CLAIMED, COMPLETED, IN_FLIGHT, MISMATCH = "claimed", "completed", "in_flight", "mismatch"


class IdempotencyStore(Protocol):
    """Tenant-scoped ``Idempotency-Key`` records with a time to live."""

    def claim(self, scope: str, key: str, fingerprint: str, now: float,
              lease_s: float) -> tuple[str, StoredResponse | None]:
        """Claim ``key`` for a request whose method, path and body hash to ``fingerprint``.

        Answers ``("claimed", None)`` (go ahead, then ``complete``), ``("completed", response)``,
        ``("in_flight", None)`` (a duplicate is running now) or ``("mismatch", None)`` (another body).
        An in-flight claim older than ``lease_s`` (a crashed worker) may be claimed again.
        """
        ...

    def complete(self, scope: str, key: str, response: StoredResponse, now: float, ttl_s: float) -> None:
        """Store the response of a claimed key until ``now + ttl_s``."""
        ...

    def release(self, scope: str, key: str) -> None:
        """Forget an in-flight claim whose request failed on our side, so a retry can run."""
        ...


class LedgerProofs(Protocol):
    """Signed checkpoints and Merkle proofs of the ledger log (docs/architecture.md §4)."""

    def checkpoints(self) -> list[str]:
        """Every signed checkpoint note, oldest first, as text."""
        ...

    def size(self) -> int:
        """Number of leaves in the Merkle log now."""
        ...

    def inclusion(self, position: int, size: int) -> dict[str, Any]:
        """RFC 9162 inclusion proof of leaf ``position`` in the tree of ``size`` leaves."""
        ...

    def consistency(self, first: int, second: int) -> dict[str, Any]:
        """RFC 9162 consistency proof between trees of ``first`` and ``second`` leaves."""
        ...


@dataclass(frozen=True)
class ApiSettings:
    """HTTP behaviour, from the environment via the composition root."""

    signature_tolerance_s: int = 300  # requirements/platform §17: +-5 minutes
    rate_limit_per_minute: int = 60  # requirements/platform §11 defaults
    rate_limit_per_day: int = 50_000
    # Per session, on the client-token routes a browser calls: a capture flow makes a few dozen
    # calls; this stops a leaked link or a looping page from hammering uploads and OCR.
    client_rate_limit_per_minute: int = 120
    idempotency_ttl_s: int = 24 * 3600
    idempotency_lease_s: int = 300  # a crashed worker's in-flight claim frees itself after this
    max_body_bytes: int = 64 * 1024 * 1024  # several 10 MB images as base64 in one JSON body
    docs_enabled: bool = False  # KYC_API_DOCS=1: the /docs page (served locally, api.docs_page)
    metrics_token: str | None = None  # KYC_METRICS_TOKEN: /metrics answers only with this bearer token
    instant_timeout_s: float = 30.0  # then /v1/identity/verify answers 202 accepted, processing (api.work)


def not_wired(service: str) -> LookupError:
    """The error for a route whose service this process did not wire (a wiring gap, not a client error)."""
    return LookupError(f"API service {service!r} is not configured: wire it in ops/api_wiring.py")


@dataclass(frozen=True)
class ApiDependencies:
    """Everything the app needs; built once per process by ``ops.api_wiring.build_api``."""

    ledger: KycLedger
    replay_guard: ReplayGuard
    rate_counter: RateCounter
    quota_counter: QuotaCounter
    idempotency: IdempotencyStore
    proofs: LedgerProofs | None = None
    readiness: ReadinessProbe = field(default=lambda: {})
    unavailable_dependency: OutageClassifier = no_outages
    clock: Clock = system_clock
    settings: ApiSettings = field(default_factory=ApiSettings)
    services: ApiServices = field(default_factory=ApiServices)


def deps_of(connection: Any) -> ApiDependencies:
    """The app's dependencies from a litestar request or connection (``app.state.deps``)."""
    deps = connection.app.state.get("deps")
    if not isinstance(deps, ApiDependencies):
        raise LookupError("the app was not built by api.app.create_app: no ApiDependencies in app.state")
    return deps

"""Media retention, legal holds and deferred erasure, as events (docs/architecture.md §5).

- Each tenant has a media retention period (requirements/platform §6: "Captured media kept for a configurable time (for
  example 30 days), then securely deleted"); default 30 days; changing it is an event.
- A legal hold (e.g. AML record keeping: 5 years after the business relationship ends) on a data
  subject restricts processing at once; an erasure requested under a hold is recorded and deferred,
  and the subject is shredded when the hold ends (GDPR Art. 17(3)(b) and Art. 18 restriction).
- Every media purge is recorded with the purged blob references (evidence, no content).
The crypto-shred itself is ``DataSubject``'s ``SubjectErased`` (domain/subjects.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.base import LedgerAggregate
from domain.errors import ConflictError, DomainError, InvalidArgumentError
from domain.tenancy import LEDGER_NAMESPACE

DEFAULT_MEDIA_RETENTION = timedelta(days=30)
MAX_MEDIA_RETENTION = timedelta(days=3650)
AML_HOLD_AFTER_RELATIONSHIP = timedelta(days=5 * 365)  # e.g. EU AMLD Art. 40: five years


ERASURE_REQUESTED_TOPIC = "kycledger.retention.ErasureRequested"


class ProcessingRestrictedError(DomainError):
    """The subject's data is under a legal hold: processing is restricted (GDPR Art. 18)."""

    code = "processing_restricted"


def tenant_retention_uuid(tenant_id: str) -> UUID:
    return uuid5(LEDGER_NAMESPACE, f"tenant/{tenant_id}/retention")


def subject_retention_uuid(tenant_id: str, subject_id: str) -> UUID:
    return uuid5(LEDGER_NAMESPACE, f"tenant/{tenant_id}/subject/{subject_id}/retention")


class TenantRetention(LedgerAggregate):
    """How long a tenant keeps captured media."""

    TOPIC = "kycledger.retention.TenantRetention"

    @dataclass(frozen=True)
    class Created(LedgerAggregate.Created):
        TOPIC = "kycledger.retention.TenantRetentionOpened"
        owner_tenant_id: str

    def __init__(self, owner_tenant_id: str) -> None:
        self.owner_tenant_id = owner_tenant_id
        self.media_retention = DEFAULT_MEDIA_RETENTION

    @classmethod
    def create_id(cls, owner_tenant_id: str) -> UUID:
        return tenant_retention_uuid(owner_tenant_id)

    def set_media_retention(self, days: int) -> None:
        period = timedelta(days=days)
        if not timedelta(days=1) <= period <= MAX_MEDIA_RETENTION:
            raise InvalidArgumentError("media retention must be 1..3650 days", days=days)
        self._media_retention_set(days=days)

    @event("MediaRetentionSet", topic="kycledger.retention.MediaRetentionSet")
    def _media_retention_set(self, days: int) -> None:
        self.media_retention = timedelta(days=days)


class SubjectRetention(LedgerAggregate):
    """Holds, restriction, deferred erasure and media purges of one data subject of one tenant."""

    TOPIC = "kycledger.retention.SubjectRetention"

    @dataclass(frozen=True)
    class Created(LedgerAggregate.Created):
        TOPIC = "kycledger.retention.SubjectRetentionOpened"
        owner_tenant_id: str
        subject_id: str

    def __init__(self, owner_tenant_id: str, subject_id: str) -> None:
        self.owner_tenant_id = owner_tenant_id
        self.subject_id = subject_id
        self.hold_basis: str | None = None
        self.hold_until: datetime | None = None
        self.erasure_requested: str | None = None  # the reason, while deferred
        self.media_purged_refs: list[str] = []
        self.media_purged = False
        self.shredded = False

    @classmethod
    def create_id(cls, owner_tenant_id: str, subject_id: str) -> UUID:
        return subject_retention_uuid(owner_tenant_id, subject_id)

    # ---------------------------------------------------------------- queries
    def under_hold(self, now: datetime) -> bool:
        return self.hold_until is not None and now < self.hold_until

    def restricted(self, now: datetime) -> bool:
        """Processing is restricted while a hold lasts and while an erasure waits for it."""
        return self.under_hold(now) or (self.erasure_requested is not None and not self.shredded)

    def shred_due(self, now: datetime) -> bool:
        """A deferred erasure whose hold has ended."""
        return self.erasure_requested is not None and not self.shredded and not self.under_hold(now)

    # ---------------------------------------------------------------- commands
    def place_hold(self, basis: str, until: datetime) -> None:
        if not basis or len(basis) > 100:
            raise InvalidArgumentError("hold basis must be 1-100 characters")
        if until.tzinfo is None:
            raise InvalidArgumentError("hold end must be timezone-aware")
        if self.shredded:
            raise ConflictError("subject already erased", subject_id=self.subject_id)
        self._hold_placed(basis=basis, until=until)

    @event("LegalHoldPlaced", topic="kycledger.retention.LegalHoldPlaced")
    def _hold_placed(self, basis: str, until: datetime) -> None:
        self.hold_basis = basis
        self.hold_until = until

    def release_hold(self, at: datetime) -> None:
        if self.hold_until is None:
            raise ConflictError("no legal hold to release", subject_id=self.subject_id)
        self._hold_released(at=at)

    @event("LegalHoldReleased", topic="kycledger.retention.LegalHoldReleased")
    def _hold_released(self, at: datetime) -> None:
        self.hold_until = at

    def request_erasure(self, reason: str, now: datetime) -> bool:
        """Record an erasure request; True when it must wait for a hold (deferred), else False."""
        if self.shredded:
            raise ConflictError("subject already erased", subject_id=self.subject_id)
        deferred_until = self.hold_until if self.under_hold(now) else None
        self._erasure_requested(reason=reason, deferred_until=deferred_until)
        return deferred_until is not None

    @event("ErasureRequested", topic=ERASURE_REQUESTED_TOPIC)
    def _erasure_requested(self, reason: str, deferred_until: datetime | None) -> None:
        self.erasure_requested = reason

    def record_media_purge(self, refs: list[str], reason: str) -> None:
        self._media_purged(refs=sorted(refs), reason=reason)

    @event("MediaPurged", topic="kycledger.retention.MediaPurged")
    def _media_purged(self, refs: list[str], reason: str) -> None:
        self.media_purged_refs = sorted(set(self.media_purged_refs) | set(refs))
        self.media_purged = True

    def mark_shredded(self, erased_event_id: str) -> None:
        self._shredded(erased_event_id=erased_event_id)

    @event("Shredded", topic="kycledger.retention.SubjectShredded")
    def _shredded(self, erased_event_id: str) -> None:
        self.shredded = True
        self.erasure_requested = None

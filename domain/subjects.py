"""Data subjects and their erasure (docs/architecture.md §5, GDPR right to erasure).

A subject's personal data is encrypted under the subject's own data key. Erasure destroys that key
(crypto-shredding) and records ``SubjectErased`` with the evidence; the events themselves stay, so
the hash chain still verifies, but their personal fields can never be read again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.base import LedgerAggregate
from domain.errors import ConflictError
from domain.tenancy import LEDGER_NAMESPACE


def subject_uuid(tenant_id: str, subject_id: str) -> UUID:
    return uuid5(LEDGER_NAMESPACE, f"tenant/{tenant_id}/subject/{subject_id}")


SUBJECT_ERASED_TOPIC = "kycledger.subject.SubjectErased"


@dataclass(frozen=True)
class KeyDestruction:
    """Evidence that a subject's data key no longer exists."""

    subject_id: str
    key_id: str
    destroyed_at: datetime


class SubjectKeyShredder(Protocol):
    """Port: destroys a subject's data key. Idempotent: a second call returns the first evidence."""

    def destroy(self, subject_id: str) -> KeyDestruction:
        """Destroy the data key of ``subject_id`` and return evidence of it."""
        ...


class DataSubject(LedgerAggregate):
    """The person whose personal data the ledger holds, within one tenant."""

    TOPIC = "kycledger.subject.DataSubject"

    @dataclass(frozen=True)
    class Created(LedgerAggregate.Created):
        TOPIC = "kycledger.subject.Registered"
        owner_tenant_id: str
        subject_id: str

    def __init__(self, owner_tenant_id: str, subject_id: str) -> None:
        self.owner_tenant_id = owner_tenant_id
        self.subject_id = subject_id
        self.erased = False

    @classmethod
    def create_id(cls, owner_tenant_id: str, subject_id: str) -> UUID:
        return subject_uuid(owner_tenant_id, subject_id)

    def record_erasure(self, evidence: KeyDestruction, reason: str) -> None:
        if self.erased:
            raise ConflictError("subject already erased", subject_id=self.subject_id)
        self._erased(key_id=evidence.key_id, key_destroyed_at=evidence.destroyed_at, reason=reason)

    @event("Erased", topic=SUBJECT_ERASED_TOPIC)
    def _erased(self, key_id: str, key_destroyed_at: datetime, reason: str) -> None:
        self.erased = True

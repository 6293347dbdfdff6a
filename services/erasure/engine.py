"""Erasure and retention engine: crypto-shred with a verifiable receipt, media retention, legal holds.

``ErasureEngine.erase_subject`` (what ``POST /v1/subjects/{id}/erasure`` calls):
1. records ``ErasureRequested``; under a legal hold it stops there: processing is restricted now
   and the shred waits for the hold's end (``sweep`` performs it);
2. makes sure a signed checkpoint exists from before the erasure;
3. destroys the subject's data key and records ``SubjectErased`` (``KycLedger.erase_subject``);
4. purges the subject's blobs (``domain.ports.blobs.BlobStore.purge``) and records ``MediaPurged``;
5. brings the read models up to date, which deletes the subject's rows (projections.read_models);
6. signs a new checkpoint and returns the receipt: the SubjectErased entry (stored bytes, previous
   hash, entry hash), its RFC 9162 inclusion proof and the consistency proof from the previous
   checkpoint, both signed notes and the public key. ``verify_receipt`` checks it offline.
``erase_session`` erases the session's own subject (its media) and every subject whose personal
data the session recorded. ``sweep`` purges media past the tenant's retention period and shreds
subjects whose hold ended (``ops.runners.retention_sweeper`` runs it). API and pipeline call
``services.erasure.retention.processing_restricted`` before using a subject.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from domain.audit import audit_context, current_audit
from domain.errors import AuditContextMissingError, DomainError
from domain.integrity.merkle_store import MerkleLog
from domain.personal_data import PersonalData
from domain.ports.blobs import BlobStore, session_subject_id
from domain.retention import (
    ERASURE_REQUESTED_TOPIC,
    SubjectRetention,
    subject_retention_uuid,
)
from domain.sessions import topics
from domain.subjects import subject_uuid
from projections.log_follower import LogFollower
from services.erasure.receipt import ERASED_TOPIC, RECEIPT_FORMAT, verify_receipt
from services.erasure.retention import find_aggregate, media_retention, processing_restricted, subject_retention
from services.evidence.ports import LedgerEvidence

log = logging.getLogger("kycledger.retention")

ACTOR = "system:retention"
SESSION_CREATED = topics.CREATED
EXTRACTED_TOPIC = topics.DOCUMENT_DATA_EXTRACTED
ERASURE_REQUESTED = ERASURE_REQUESTED_TOPIC


def utc_now() -> datetime:
    return datetime.now(UTC)


def _context(tenant_id: str, request_id: str) -> Any:
    """The caller's audit context when one is in force for this tenant (an API request: the events
    then name the requesting key), else the retention process's own."""
    try:
        caller = current_audit()
    except AuditContextMissingError:
        return audit_context(tenant_id, ACTOR, request_id)
    same = caller.tenant_id == tenant_id
    return audit_context(tenant_id, caller.actor if same else ACTOR, caller.request_id if same else request_id)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scan(app: Any, topic: str) -> list[Any]:
    found, start = [], 1
    while page := app.recorder.select_notifications(start, 500, topics=[topic]):
        found.extend(page)
        start = page[-1].id + 1
    return found


@dataclass
class SweepReport:
    media_purged: list[str] = field(default_factory=list)  # subject ids
    shredded: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)


class ErasureEngine:
    """Erases subjects and sessions and applies retention; see the module docstring."""

    def __init__(self, evidence: LedgerEvidence, blobs: BlobStore | None,
                 refresh_read_models: Callable[[], object] | None = None,
                 clock: Callable[[], datetime] = utc_now) -> None:
        """``refresh_read_models`` brings the read models up to date (they delete an erased subject's
        rows when they see ``SubjectErased``); None where this process keeps no read models."""
        self.evidence = evidence
        self.app = evidence.ledger
        self.blobs = blobs
        self.refresh_read_models = refresh_read_models
        self.clock = clock

    # ---------------------------------------------------------------- erasure
    def erase_subject(self, tenant_id: str, subject_id: str, reason: str) -> dict[str, Any]:
        with _context(tenant_id, f"erasure-{subject_id}"):
            retention = subject_retention(self.app, tenant_id, subject_id)
            deferred = retention.request_erasure(reason, self.clock())
            self.app.save(retention)
        if deferred:
            assert retention.hold_until is not None
            return {"format": RECEIPT_FORMAT, "status": "deferred", "tenant_id": tenant_id, "subject_id": subject_id,
                    "hold_basis": retention.hold_basis, "deferred_until": retention.hold_until.isoformat(),
                    "processing_restricted": True}
        return self._shred(tenant_id, subject_id, reason, retention)

    def erase_session(self, tenant_id: str, session_id: UUID, reason: str) -> list[dict[str, Any]]:
        """Erase the session's media subject and every subject whose data the session recorded."""
        self.app.get_session(tenant_id, session_id)  # NotFoundError for another tenant's session
        subjects = {session_subject_id(tenant_id, session_id)}
        for event in self.app.events.get(session_id):
            if getattr(type(event), "TOPIC", "") == EXTRACTED_TOPIC:
                fields: dict[str, object] = getattr(event, "fields", {})
                subjects.update(v.subject_id for v in fields.values() if isinstance(v, PersonalData))
        return [self.erase_subject(tenant_id, s, reason) for s in sorted(subjects)]

    def _shred(self, tenant_id: str, subject_id: str, reason: str, retention: SubjectRetention) -> dict[str, Any]:
        with self.evidence.checkpointing() as (nodes, store, checkpointer):
            previous = store.latest() or checkpointer.checkpoint_now()  # signed before the erasure
            with _context(tenant_id, f"erasure-{subject_id}"):
                destruction = self.app.erase_subject(tenant_id, subject_id, reason)
                refs = list(self.blobs.purge(subject_id)) if self.blobs is not None else []
                erased = self._erased_notification(tenant_id, subject_id)
                retention.record_media_purge(refs, "erasure")
                retention.mark_shredded(f"{erased.originator_id}:{erased.originator_version}")
                self.app.save(retention)
            if self.refresh_read_models is not None:
                self.refresh_read_models()  # SubjectErased deletes the subject's rows
            current = checkpointer.checkpoint_now()
            position = LogFollower(self.app).chain_position_after(erased.id - 1)
            chain: Any = self.app.recorder  # the chained recorder (docs/architecture.md §4) adds select_chain
            link = chain.select_chain(position, 1)[0]
            prev_hash = chain.select_chain(position - 1, 1)[0].entry_hash if position > 1 else bytes(32)
            log = MerkleLog(nodes)
            inclusion = log.inclusion_proof(position - 1, current.checkpoint.size)
            consistency = log.consistency_proof(previous.checkpoint.size, current.checkpoint.size)
        return {
            "format": RECEIPT_FORMAT, "status": "erased", "tenant_id": tenant_id, "subject_id": subject_id,
            "reason": reason, "key_id": destruction.key_id, "key_destroyed_at": destruction.destroyed_at.isoformat(),
            "purged_blob_refs": sorted(refs),
            "event": {"event_id": f"{erased.originator_id}:{erased.originator_version}", "topic": erased.topic,
                      "originator_id": str(erased.originator_id), "originator_version": erased.originator_version,
                      "notification_id": erased.id, "position": position, "state": _b64(bytes(erased.state)),
                      "prev_hash": prev_hash.hex(), "entry_hash": link.entry_hash.hex()},
            "inclusion_proof": [p.hex() for p in inclusion], "consistency_proof": [p.hex() for p in consistency],
            "previous_checkpoint": _b64(previous.encode()), "checkpoint": _b64(current.encode()),
            "public_key": _b64(self.evidence.public_key()),
        }

    def _erased_notification(self, tenant_id: str, subject_id: str) -> Any:
        aggregate = subject_uuid(tenant_id, subject_id)
        end = self.app.recorder.max_notification_id() or 0
        start = max(1, end - 1000)
        while True:
            page = self.app.recorder.select_notifications(start, end - start + 1, topics=[ERASED_TOPIC])
            hits = [n for n in page if UUID(str(n.originator_id)) == aggregate]
            if hits:
                return hits[-1]
            if start == 1:
                raise DomainError("the SubjectErased event was not found in the log", subject_id=subject_id)
            start = max(1, start - 10_000)

    # ---------------------------------------------------------------- retention
    def sweep(self) -> SweepReport:
        """Purge media past each tenant's retention; shred subjects whose legal hold has ended."""
        now, report = self.clock(), SweepReport()
        for n in _scan(self.app, SESSION_CREATED):
            created: Any = self.app.mapper.to_domain_event(n)
            tenant, subject = created.tenant, session_subject_id(created.tenant, n.originator_id)
            if now < created.created_at + media_retention(self.app, tenant):
                continue
            existing = find_aggregate(self.app, subject_retention_uuid(tenant, subject))
            if existing is not None and (existing.media_purged or existing.shredded):
                continue
            if existing is not None and existing.under_hold(now):
                report.held.append(subject)
                continue
            refs = list(self.blobs.purge(subject)) if self.blobs is not None else []
            with audit_context(tenant, ACTOR, f"retention-{subject}"):
                retention = existing or SubjectRetention(owner_tenant_id=tenant, subject_id=subject)
                retention.record_media_purge(refs, "media_retention")
                self.app.save(retention)
            report.media_purged.append(subject)
        for n in _scan(self.app, ERASURE_REQUESTED):
            retention = self.app.repository.get(n.originator_id)
            if retention.shred_due(now) and retention.subject_id not in report.shredded:
                self._shred(retention.owner_tenant_id, retention.subject_id, retention.erasure_requested, retention)
                report.shredded.append(retention.subject_id)
        return report


__all__ = ["ErasureEngine", "processing_restricted", "verify_receipt"]

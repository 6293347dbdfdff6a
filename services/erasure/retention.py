"""Retention commands: legal holds, media retention periods, and whether processing is restricted.

Small commands the API and the verification pipeline call (GDPR Art. 18 restriction; docs/architecture.md §5).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.retention import (
    DEFAULT_MEDIA_RETENTION,
    SubjectRetention,
    TenantRetention,
    subject_retention_uuid,
    tenant_retention_uuid,
)


def find_aggregate(app: Any, aggregate_id: UUID) -> Any | None:
    """The aggregate with this id, or None when none was recorded."""
    try:
        return app.repository.get(aggregate_id)
    except AggregateNotFoundError:
        return None



def subject_retention(app: Any, tenant_id: str, subject_id: str) -> SubjectRetention:
    found = find_aggregate(app, subject_retention_uuid(tenant_id, subject_id))
    return found if found is not None else SubjectRetention(owner_tenant_id=tenant_id, subject_id=subject_id)


def processing_restricted(app: Any, tenant_id: str, subject_id: str, now: datetime) -> bool:
    """True while a legal hold or a deferred erasure restricts the subject's data (GDPR Art. 18)."""
    found = find_aggregate(app, subject_retention_uuid(tenant_id, subject_id))
    return bool(found is not None and found.restricted(now))


def place_legal_hold(app: Any, tenant_id: str, subject_id: str, basis: str, until: datetime) -> None:
    retention = subject_retention(app, tenant_id, subject_id)
    retention.place_hold(basis, until)
    app.save(retention)


def release_legal_hold(app: Any, tenant_id: str, subject_id: str, at: datetime) -> None:
    """End the subject's legal hold at ``at`` (a deferred erasure then becomes due)."""
    retention = subject_retention(app, tenant_id, subject_id)
    retention.release_hold(at)
    app.save(retention)


def set_media_retention(app: Any, tenant_id: str, days: int) -> None:
    found = find_aggregate(app, tenant_retention_uuid(tenant_id))
    retention = found if found is not None else TenantRetention(owner_tenant_id=tenant_id)
    retention.set_media_retention(days)
    app.save(retention)


def media_retention(app: Any, tenant_id: str) -> Any:
    found = find_aggregate(app, tenant_retention_uuid(tenant_id))
    return found.media_retention if found is not None else DEFAULT_MEDIA_RETENTION



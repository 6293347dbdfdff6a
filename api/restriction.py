"""Data-subject ownership and processing restriction, as the API enforces them.

Subjects are named ``<tenant>:session:<session id>`` (``domain.ports.blobs.session_subject_id``):
the key vault is keyed by subject id alone, so a tenant may only name subjects of its own sessions;
anything else is "not found", exactly like a missing subject (no oracle across tenants).
While a legal hold or a deferred erasure restricts a subject (GDPR Art. 18, ``domain.retention``),
new personal data of it is refused with ``processing_restricted``.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.application import KycLedger
from domain.errors import NotFoundError
from domain.ports.blobs import session_subject_id
from domain.retention import ProcessingRestrictedError


def owned_subject(ledger: KycLedger, tenant_id: str, subject_id: str) -> str:
    """``subject_id`` if it names a session of ``tenant_id``; ``NotFoundError`` otherwise."""
    prefix = f"{tenant_id}:session:"
    try:
        session_id = UUID(subject_id.removeprefix(prefix)) if subject_id.startswith(prefix) else None
    except ValueError:
        session_id = None
    if session_id is None or session_subject_id(tenant_id, session_id) != subject_id:
        raise NotFoundError("subject not found")
    try:
        ledger.get_session(tenant_id, session_id)
    except NotFoundError:
        raise NotFoundError("subject not found") from None
    return subject_id


def refuse_if_restricted(ledger: KycLedger, tenant_id: str, subject_id: str, now: datetime) -> None:
    """Raise ``ProcessingRestrictedError`` while the subject's processing is restricted."""
    retention = ledger.subject_retention(tenant_id, subject_id)
    if retention is not None and retention.restricted(now):
        raise ProcessingRestrictedError("processing of this subject's data is restricted (legal hold or "
                                        "pending erasure); no new data is accepted")


def retention_view(ledger: KycLedger, tenant_id: str, subject_id: str, now: datetime) -> dict[str, object]:
    retention = ledger.subject_retention(tenant_id, subject_id)
    if retention is None:
        return {"subject_id": subject_id, "processing_restricted": False, "hold_basis": None, "hold_until": None,
                "erasure_deferred": False, "shredded": False, "media_purged": False}
    return {"subject_id": subject_id, "processing_restricted": retention.restricted(now),
            "hold_basis": retention.hold_basis if retention.under_hold(now) else None,
            "hold_until": retention.hold_until.isoformat() if retention.under_hold(now) and retention.hold_until
            else None,
            "erasure_deferred": retention.erasure_requested is not None and not retention.shredded,
            "shredded": retention.shredded, "media_purged": retention.media_purged}

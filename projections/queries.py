"""Read-model queries the API and CLIs call (``GET /v1/sessions/{id}``, usage, review queue, audit).

Every query takes the caller's tenant: another tenant's rows answer ``NotFoundError``, exactly as
the ledger does (domain/errors.py: the two must look the same).
"""

from __future__ import annotations

from typing import Any

from domain.errors import NotFoundError
from projections.schema import (
    AUDIT_TIMELINE,
    ERASURES,
    INVOICE_LINES,
    QUOTA_COUNTERS,
    REVIEW_QUEUE,
    SESSION_SUBJECTS,
    SESSIONS,
)
from projections.view import Row, ViewReader


def session_state(reader: ViewReader, tenant_id: str, session_id: str) -> Row:
    """Status, checks with outcomes, decision with reasons, review: what GET /v1/sessions/{id} serves."""
    row = reader.get(SESSIONS, (session_id,))
    if row is None or row["tenant_id"] != tenant_id:
        raise NotFoundError("session not found", session_id=session_id)
    return row


def audit_timeline(reader: ViewReader, tenant_id: str, session_id: str) -> list[Row]:
    """Every event of the session in order, with notification id, chain position and entry hash."""
    session_state(reader, tenant_id, session_id)
    return reader.select(AUDIT_TIMELINE, {"session_id": session_id}, order_by=("version",))


def review_queue(reader: ViewReader, tenant_id: str, queue: str | None = None) -> list[Row]:
    """Open manual reviews of the tenant, oldest first (optionally one queue)."""
    where: dict[str, Any] = {"tenant_id": tenant_id}
    if queue is not None:
        where["queue"] = queue
    return reader.select(REVIEW_QUEUE, where, order_by=("position",))


def invoice(reader: ViewReader, tenant_id: str, month: str) -> dict[str, Any]:
    """The tenant's invoice for ``month`` (YYYY-MM): lines per module with the event ids counted."""
    lines = reader.select(INVOICE_LINES, {"tenant_id": tenant_id, "month": month}, order_by=("module",))
    return {"tenant_id": tenant_id, "month": month, "currency": "USD", "lines": lines,
            "total_micros": sum(int(line["amount_micros"]) for line in lines)}


def quota_usage(reader: ViewReader, tenant_id: str, month: str, sandbox: bool = False) -> dict[str, int]:
    """Calls per module in ``month`` (live or sandbox): what quota checks compare to the plan."""
    rows = reader.select(QUOTA_COUNTERS, {"tenant_id": tenant_id, "month": month, "sandbox": int(sandbox)})
    return {row["module"]: int(row["used"]) for row in rows}


def erasure_register(reader: ViewReader, tenant_id: str) -> list[Row]:
    """The tenant's erased subjects with the ledger entry of each SubjectErased event."""
    return reader.select(ERASURES, {"tenant_id": tenant_id}, order_by=("position",))


def subjects_of_session(reader: ViewReader, tenant_id: str, session_id: str) -> list[str]:
    """The data subjects whose personal data the session recorded (erasure by session)."""
    session_state(reader, tenant_id, session_id)
    return [r["subject_id"] for r in reader.select(SESSION_SUBJECTS, {"session_id": session_id})]

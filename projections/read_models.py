"""The read-model projection: one single-dispatch ``process_event`` over the ledger's domain events.

Read models (docs/architecture.md §1): session state, manual-review queue, audit timeline, tenants, usage and
invoice lines, quota counters, the erasure register and the session-subject links. Rows depend on
event data and ledger position only (never on the clock), so a rebuild from zero reproduces every
table exactly. Nothing personal is projected: ``PersonalData`` values stay sealed in the ledger.
"""

from __future__ import annotations

from datetime import timedelta
from functools import singledispatch
from typing import Any

from domain.personal_data import PersonalData
from domain.sessions.aggregate import VerificationSession
from domain.sessions.status import SessionStatus
from domain.sessions.values import ROUTE_STATUS, Decision, Route
from domain.subjects import DataSubject
from domain.tenancy import Tenant
from domain.usage import UsageRecord
from projections.billing import meter_usage, record_tenant
from projections.schema import (
    AUDIT_TIMELINE,
    ERASURES,
    REVIEW_QUEUE,
    SESSION_SUBJECTS,
    SESSIONS,
    SUBJECTS,
    TENANTS,
)
from projections.status_events import event_id, status_message
from projections.view import LedgerEntry, ViewTransaction

PROJECTION_NAME = "read_models"


def apply_event(event: Any, entry: LedgerEntry, tx: ViewTransaction) -> None:
    """Project one event: the session timeline first, then the event's own handler."""
    if isinstance(event, VerificationSession.Event):
        _timeline(event, entry, tx)
    process_event(event, entry, tx)


def _timeline(event: Any, entry: LedgerEntry, tx: ViewTransaction) -> None:
    message = status_message(event, entry)
    summary = {k: v for k, v in message.payload.items() if k not in ("ledger", "tenant_id", "session_id",
                                                                      "occurred_at", "event_id")} if message else {}
    tx.upsert(AUDIT_TIMELINE, {
        "session_id": str(event.originator_id), "version": event.originator_version, "tenant_id": event.tenant_id,
        "topic": type(event).TOPIC,
        "notification_id": entry.notification_id, "position": entry.position, "entry_hash": entry.entry_hash,
        "recorded_at": event.timestamp.isoformat(), "actor": event.actor, "request_id": event.request_id,
        "summary": summary,
    })


def _touch(tx: ViewTransaction, event: Any, entry: LedgerEntry, **changes: Any) -> None:
    row = tx.get(SESSIONS, (str(event.originator_id),))
    if row is None:  # a session created before this read model existed cannot be partially projected
        return
    row.update(changes, updated_at=event.timestamp.isoformat(), last_position=entry.position)
    tx.upsert(SESSIONS, row)


@singledispatch
def process_event(event: Any, entry: LedgerEntry, tx: ViewTransaction) -> None:
    """Events no read model needs are ignored."""


@process_event.register
def _(event: VerificationSession.Created, entry: LedgerEntry, tx: ViewTransaction) -> None:
    expires = event.created_at + timedelta(seconds=int(event.configuration["session_ttl_seconds"]))
    tx.upsert(SESSIONS, {
        "session_id": str(event.originator_id), "tenant_id": event.tenant, "status": str(SessionStatus.PENDING),
        "attempt": 1, "reference": event.reference, "checks": {}, "decision": None, "review": None,
        "extracted_fields": [], "created_at": event.created_at.isoformat(),
        "expires_at": expires.isoformat(),
        "updated_at": event.timestamp.isoformat(), "last_position": entry.position,
    })


def _checks(tx: ViewTransaction, event: Any) -> dict[str, Any]:
    row = tx.get(SESSIONS, (str(event.originator_id),))
    return dict(row["checks"]) if row else {}


@process_event.register
def _(event: VerificationSession.CheckRequested, entry: LedgerEntry, tx: ViewTransaction) -> None:
    checks = _checks(tx, event)
    checks.setdefault(event.check, {"status": "requested", "attempt": event.attempt})
    _touch(tx, event, entry, checks=checks)


@process_event.register
def _(event: VerificationSession.CheckCompleted, entry: LedgerEntry, tx: ViewTransaction) -> None:
    result = event.result
    checks = _checks(tx, event)
    checks[result["check"]] = {
        "status": "completed", "attempt": event.attempt, "outcome": result["outcome"],
        "reasons": list(result["reasons"]), "scores": dict(result["scores"]), "models": list(result["models"]),
        "event_id": event_id(event),
    }
    _touch(tx, event, entry, checks=checks)


@process_event.register
def _(event: VerificationSession.DocumentDataExtracted, entry: LedgerEntry, tx: ViewTransaction) -> None:
    row = tx.get(SESSIONS, (str(event.originator_id),))
    names = sorted(set(row["extracted_fields"] if row else []) | set(event.fields))
    _touch(tx, event, entry, extracted_fields=names)
    subjects = {v.subject_id for v in event.fields.values() if isinstance(v, PersonalData)}
    for subject in sorted(subjects):
        tx.upsert(SESSION_SUBJECTS, {"session_id": str(event.originator_id), "subject_id": subject,
                                     "tenant_id": event.tenant_id})


@process_event.register
def _(event: VerificationSession.DecisionMade, entry: LedgerEntry, tx: ViewTransaction) -> None:
    outcome = event.outcome
    decision = {
        "attempt": event.attempt, "decision": outcome["decision"], "route": outcome["route"],
        "score": outcome["score"], "reason_codes": list(outcome.get("reason_codes", [])),
        "user_message_code": outcome.get("user_message_code"), "user_message": outcome.get("user_message"),
        "policy_hash": event.policy_hash, "event_id": event_id(event), "by": "policy",
    }
    _touch(tx, event, entry, decision=decision, status=str(ROUTE_STATUS[Route(outcome["route"])]))


@process_event.register
def _(event: VerificationSession.ManualReviewRequested, entry: LedgerEntry, tx: ViewTransaction) -> None:
    _touch(tx, event, entry, status=str(SessionStatus.MANUAL_REVIEW),
           review={"queue": event.queue, "reason": event.reason, "claimed_by": None, "attempt": event.attempt})
    tx.upsert(REVIEW_QUEUE, {
        "session_id": str(event.originator_id), "tenant_id": event.tenant_id, "queue": event.queue,
        "reason": event.reason, "attempt": event.attempt, "requested_at": event.timestamp.isoformat(),
        "claimed_by": None, "position": entry.position,
    })


@process_event.register
def _(event: VerificationSession.ReviewClaimed, entry: LedgerEntry, tx: ViewTransaction) -> None:
    item = tx.get(REVIEW_QUEUE, (str(event.originator_id),))
    if item is not None:
        tx.upsert(REVIEW_QUEUE, {**item, "claimed_by": event.reviewer})
    row = tx.get(SESSIONS, (str(event.originator_id),))
    review = dict(row["review"] or {}) if row else {}
    _touch(tx, event, entry, review={**review, "claimed_by": event.reviewer})


@process_event.register
def _(event: VerificationSession.ReviewReleased, entry: LedgerEntry, tx: ViewTransaction) -> None:
    item = tx.get(REVIEW_QUEUE, (str(event.originator_id),))
    if item is not None:
        tx.upsert(REVIEW_QUEUE, {**item, "claimed_by": None})
    row = tx.get(SESSIONS, (str(event.originator_id),))
    review = dict(row["review"] or {}) if row else {}
    _touch(tx, event, entry, review={**review, "claimed_by": None})


@process_event.register
def _(event: VerificationSession.ReviewDecisionProposed, entry: LedgerEntry, tx: ViewTransaction) -> None:
    # Four eyes: the first verdict waits for a second reviewer, so the case is free to claim again.
    item = tx.get(REVIEW_QUEUE, (str(event.originator_id),))
    if item is not None:
        tx.upsert(REVIEW_QUEUE, {**item, "claimed_by": None})
    row = tx.get(SESSIONS, (str(event.originator_id),))
    review = dict(row["review"] or {}) if row else {}
    _touch(tx, event, entry, review={**review, "claimed_by": None,
                                     "proposal": {"decision": event.decision, "by": event.reviewer,
                                                  "four_eyes": event.four_eyes}})


@process_event.register
def _(event: VerificationSession.ReviewDecided, entry: LedgerEntry, tx: ViewTransaction) -> None:
    tx.delete(REVIEW_QUEUE, {"session_id": str(event.originator_id)})
    accepted = event.decision == Decision.ACCEPTED
    decision = {"attempt": event.attempt, "decision": event.decision, "reason_codes": [event.reason],
                "event_id": event_id(event), "by": "reviewer",
                "reviewers": [a["id"] for a in event.approvals] or [event.reviewer]}
    row = tx.get(SESSIONS, (str(event.originator_id),))
    review = dict(row["review"] or {}) if row else {}
    _touch(tx, event, entry, decision=decision, review={**review, "decision": event.decision},
           status=str(SessionStatus.VERIFIED if accepted else SessionStatus.FAILED))


@process_event.register
def _(event: VerificationSession.RetryRequested, entry: LedgerEntry, tx: ViewTransaction) -> None:
    tx.delete(REVIEW_QUEUE, {"session_id": str(event.originator_id)})
    _touch(tx, event, entry, status=str(SessionStatus.PENDING), attempt=event.attempt, checks={}, review=None)


@process_event.register
def _(event: VerificationSession.Expired, entry: LedgerEntry, tx: ViewTransaction) -> None:
    _touch(tx, event, entry, status=str(SessionStatus.EXPIRED))


@process_event.register
def _(event: VerificationSession.Cancelled, entry: LedgerEntry, tx: ViewTransaction) -> None:
    tx.delete(REVIEW_QUEUE, {"session_id": str(event.originator_id)})
    _touch(tx, event, entry, status=str(SessionStatus.CANCELLED))


@process_event.register
def _(event: Tenant.Created, entry: LedgerEntry, tx: ViewTransaction) -> None:
    record_tenant(tx, event.tenant_id_public, str(event.originator_id), event.plan)


def _tenant_row(tx: ViewTransaction, event: Any) -> dict[str, Any] | None:
    rows = tx.select(TENANTS, {"aggregate_id": str(event.originator_id)})
    return rows[0] if rows else None


@process_event.register
def _(event: Tenant.PlanChanged, entry: LedgerEntry, tx: ViewTransaction) -> None:
    row = _tenant_row(tx, event)
    if row is not None:
        record_tenant(tx, row["tenant_id"], row["aggregate_id"], event.plan, bool(row["suspended"]))


@process_event.register
def _(event: Tenant.Suspended, entry: LedgerEntry, tx: ViewTransaction) -> None:
    row = _tenant_row(tx, event)
    if row is not None:
        record_tenant(tx, row["tenant_id"], row["aggregate_id"], row["plan"], True)


@process_event.register
def _(event: Tenant.Reactivated, entry: LedgerEntry, tx: ViewTransaction) -> None:
    row = _tenant_row(tx, event)
    if row is not None:
        record_tenant(tx, row["tenant_id"], row["aggregate_id"], row["plan"], False)


@process_event.register
def _(event: UsageRecord.Created, entry: LedgerEntry, tx: ViewTransaction) -> None:
    meter_usage(tx, event, entry, event_id(event))


@process_event.register
def _(event: DataSubject.Created, entry: LedgerEntry, tx: ViewTransaction) -> None:
    tx.upsert(SUBJECTS, {"aggregate_id": str(event.originator_id), "tenant_id": event.owner_tenant_id,
                         "subject_id": event.subject_id})


@process_event.register
def _(event: DataSubject.Erased, entry: LedgerEntry, tx: ViewTransaction) -> None:
    subject = tx.get(SUBJECTS, (str(event.originator_id),))
    if subject is None:
        return
    tenant, subject_id = subject["tenant_id"], subject["subject_id"]
    tx.upsert(ERASURES, {
        "tenant_id": tenant, "subject_id": subject_id, "key_id": event.key_id,
        "key_destroyed_at": event.key_destroyed_at.isoformat(), "reason": event.reason,
        "event_id": event_id(event), "notification_id": entry.notification_id, "position": entry.position,
        "entry_hash": entry.entry_hash,
    })
    # The subject's links go with it (docs/architecture.md §5: erasure purges read-model rows of the subject).
    tx.delete(SESSION_SUBJECTS, {"tenant_id": tenant, "subject_id": subject_id})

"""The session search's index: a projection of its own over the sessions' status-changing events.

One row per session (``projections.schema.SESSION_INDEX``) with what ``GET /v1/sessions`` and the
auditors' search filter on (tenant, environment, creation time, status, route of the latest
decision) and one row per reviewer (``SESSION_REVIEWERS``), in the order the ledger recorded the
sessions' creation. Rows depend on event data and ledger position only, so a rebuild reproduces them.

The projection has its own name and tracking position (``INDEX_PROJECTION``): on a ledger that
existed before the index did, it starts from zero and indexes every session ever created, with no
separate migration step (docs/architecture.md §1: read models follow the log and record their
position). Each handler mirrors the aggregate's own state change (``domain.sessions.aggregate``,
``review_steps``, ``capture_steps``); the search still re-reads each result from the ledger.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import singledispatch
from typing import Any

from domain.audit import is_sandbox_actor
from domain.sessions import topics
from domain.sessions.aggregate import VerificationSession
from domain.sessions.status import SessionStatus
from domain.sessions.values import ROUTE_STATUS, Decision, Route
from projections.schema import SESSION_INDEX, SESSION_REVIEWERS
from projections.view import LedgerEntry, ViewTransaction

INDEX_PROJECTION = "session_index"
INDEX_TOPICS = (
    topics.CREATED, topics.DECISION_MADE, topics.MANUAL_REVIEW_REQUESTED, topics.RETRY_REQUESTED,
    topics.REVIEW_CLAIMED, topics.REVIEW_RELEASED, topics.REVIEW_DECISION_PROPOSED, topics.REVIEW_DECIDED,
    topics.EXPIRED, topics.CANCELLED,
)
"""Every topic that changes what the index holds; the follower maps no other event."""

LIVE, SANDBOX = "live", "sandbox"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_microseconds(moment: datetime) -> int:
    """``moment`` as whole microseconds since the Unix epoch (a moment without offset is taken as UTC)."""
    aware = moment if moment.utcoffset() is not None else moment.replace(tzinfo=UTC)
    return (aware - _EPOCH) // timedelta(microseconds=1)


def environment_of(actor: str) -> str:
    """``sandbox`` when a sandbox key acted (``domain.audit``), else ``live``: a session's environment
    is that of the key that opened it, as ``SessionCommands.session_environment`` reads it."""
    return SANDBOX if is_sandbox_actor(actor) else LIVE


@singledispatch
def apply_index_event(event: Any, entry: LedgerEntry, tx: ViewTransaction) -> None:
    """Events that change nothing the search filters on are ignored."""


def _update(tx: ViewTransaction, event: Any, **changes: Any) -> None:
    row = tx.get(SESSION_INDEX, (str(event.originator_id),))
    if row is not None:  # always there when the projection starts from zero with the ledger
        tx.upsert(SESSION_INDEX, {**row, **changes})


def _reviewer(tx: ViewTransaction, event: Any, member_id: str | None) -> None:
    row = tx.get(SESSION_INDEX, (str(event.originator_id),))
    if row is None or not member_id:  # domain.sessions.search.reviewers_of skips an empty id too
        return
    tx.upsert(SESSION_REVIEWERS, {"session_id": row["session_id"], "member_id": member_id,
                                  "tenant_id": row["tenant_id"], "environment": row["environment"],
                                  "created_id": row["created_id"]})


@apply_index_event.register
def _(event: VerificationSession.Created, entry: LedgerEntry, tx: ViewTransaction) -> None:
    tx.upsert(SESSION_INDEX, {
        "session_id": str(event.originator_id), "tenant_id": event.tenant, "environment": environment_of(event.actor),
        "created_id": entry.notification_id, "created_at_us": epoch_microseconds(event.created_at),
        "status": str(SessionStatus.PENDING), "route": None, "route_attempt": 0,
    })


@apply_index_event.register
def _(event: VerificationSession.DecisionMade, entry: LedgerEntry, tx: ViewTransaction) -> None:
    route = Route(event.outcome["route"])
    row = tx.get(SESSION_INDEX, (str(event.originator_id),))
    if row is None:
        return
    row["status"] = str(ROUTE_STATUS[route])
    if event.attempt >= row["route_attempt"]:  # the latest attempt's decision names the route
        row.update(route=str(route), route_attempt=event.attempt)
    tx.upsert(SESSION_INDEX, row)


@apply_index_event.register
def _(event: VerificationSession.ManualReviewRequested, entry: LedgerEntry, tx: ViewTransaction) -> None:
    _update(tx, event, status=str(SessionStatus.MANUAL_REVIEW))


@apply_index_event.register
def _(event: VerificationSession.RetryRequested, entry: LedgerEntry, tx: ViewTransaction) -> None:
    _update(tx, event, status=str(SessionStatus.PENDING))


@apply_index_event.register
def _(event: VerificationSession.ReviewClaimed, entry: LedgerEntry, tx: ViewTransaction) -> None:
    _reviewer(tx, event, event.reviewer)


@apply_index_event.register
def _(event: VerificationSession.ReviewReleased, entry: LedgerEntry, tx: ViewTransaction) -> None:
    _reviewer(tx, event, event.reviewer)


@apply_index_event.register
def _(event: VerificationSession.ReviewDecisionProposed, entry: LedgerEntry, tx: ViewTransaction) -> None:
    _reviewer(tx, event, event.reviewer)


@apply_index_event.register
def _(event: VerificationSession.ReviewDecided, entry: LedgerEntry, tx: ViewTransaction) -> None:
    _reviewer(tx, event, event.reviewer)
    accepted = event.decision == Decision.ACCEPTED
    _update(tx, event, status=str(SessionStatus.VERIFIED if accepted else SessionStatus.FAILED))


@apply_index_event.register
def _(event: VerificationSession.Expired, entry: LedgerEntry, tx: ViewTransaction) -> None:
    _update(tx, event, status=str(SessionStatus.EXPIRED))


@apply_index_event.register
def _(event: VerificationSession.Cancelled, entry: LedgerEntry, tx: ViewTransaction) -> None:
    _update(tx, event, status=str(SessionStatus.CANCELLED))

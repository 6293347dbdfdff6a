"""Which attempts the work-recovery follower offers again (projections.open_work), and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from projections.open_work import (
    CHECK_REQUESTED,
    DECISION_MADE,
    RETRY_REQUESTED,
    OpenAttempts,
)

pytestmark = pytest.mark.unit

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
GRACE = timedelta(seconds=60)


@dataclass
class Event:
    originator_id: UUID
    attempt: int = 1
    tenant_id: str = "ten_a"
    timestamp: datetime = T0


def opened(*sessions: UUID, at: datetime = T0) -> OpenAttempts:
    attempts = OpenAttempts(GRACE, timedelta(minutes=30))
    for n, session in enumerate(sessions, start=1):
        attempts.apply(n, CHECK_REQUESTED, Event(session, timestamp=at))
    return attempts


def test_an_attempt_is_due_only_after_the_grace_period() -> None:
    session = uuid4()
    attempts = opened(session)
    assert attempts.due(T0 + GRACE - timedelta(seconds=1)) == []
    [due] = attempts.due(T0 + GRACE)
    assert (due.tenant_id, due.session_id, due.attempt, due.job_id) == ("ten_a", session, 1, f"{session}:1")


def test_every_check_of_one_request_opens_the_attempt_once() -> None:
    session = uuid4()
    attempts = opened(session)
    attempts.apply(2, CHECK_REQUESTED, Event(session, timestamp=T0 + timedelta(seconds=5)))
    assert len(attempts) == 1 and attempts.low_water_mark(10) == 0  # the first request keeps it in reach


def test_a_decision_a_newer_attempt_or_the_end_of_the_session_closes_it() -> None:
    decided, retried, cancelled, other = uuid4(), uuid4(), uuid4(), uuid4()
    attempts = opened(decided, retried, cancelled, other)
    attempts.apply(5, DECISION_MADE, Event(decided))
    attempts.apply(6, RETRY_REQUESTED, Event(retried, attempt=2))
    attempts.apply(7, "kycledger.session.Cancelled", Event(cancelled))
    attempts.apply(8, DECISION_MADE, Event(other, attempt=2))  # another attempt's decision: not this one
    assert [a.session_id for a in attempts.due(T0 + GRACE)] == [other]


def test_offers_back_off_and_their_ids_let_jetstream_drop_the_copies() -> None:
    attempts = opened(uuid4())
    [attempt] = attempts.due(T0 + GRACE)
    first = attempt.offer_id(T0 + GRACE, GRACE)
    assert first == attempt.job_id  # the API's own id: dropped while its message is still queued
    attempts.offered(attempt, T0 + GRACE)
    assert attempts.due(T0 + 3 * GRACE - timedelta(seconds=1)) == []  # waits twice as long
    [again] = attempts.due(T0 + 3 * GRACE)
    second = again.offer_id(T0 + 3 * GRACE, GRACE)
    assert second == f"{attempt.job_id}:r3" and second != first  # new to the stream: a lost job comes back
    assert again.offer_id(T0 + 3 * GRACE + timedelta(seconds=59), GRACE) == second  # same for every follower
    for _ in range(30):
        attempts.offered(again, T0)
    assert again.due_at == T0 + timedelta(minutes=30)  # bounded


def test_an_unreachable_queue_is_tried_again_soon() -> None:
    attempts = opened(uuid4())
    [attempt] = attempts.due(T0 + GRACE)
    attempts.retry_later(attempt, T0 + GRACE, timedelta(seconds=5))
    assert attempts.due(T0 + GRACE + timedelta(seconds=5)) == [attempt] and attempt.offers == 0


def test_the_low_water_mark_stays_before_the_oldest_open_attempt() -> None:
    first, second = uuid4(), uuid4()
    attempts = opened(first, second)  # notifications 1 and 2
    assert attempts.low_water_mark(40) == 0
    attempts.apply(41, DECISION_MADE, Event(first))
    assert attempts.low_water_mark(41) == 1
    attempts.apply(42, DECISION_MADE, Event(second))
    assert attempts.low_water_mark(42) == 42


def test_grace_must_be_positive() -> None:
    with pytest.raises(ValueError):
        OpenAttempts(timedelta(0), timedelta(minutes=1))

"""Which session attempts the ledger says still need the ML workers: requested and not yet decided.

Pure bookkeeping over the notification log for the work-recovery follower (``ops.runners.work_recovery``;
docs/architecture.md §1, "The ledger is the outbox"). A ``CheckRequested`` opens an attempt; its
decision, a newer attempt or the end of the session closes it. An attempt still open a grace period
after it was requested is due to be offered to the work queue again, and after each offer the next
one waits twice as long (up to ``max_interval``), so a long queue is not flooded with copies. The
follower's durable position is the low-water mark: just before the oldest attempt still open, so a
restarted follower re-reads every request that may still be unprocessed, and nothing before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from domain.sessions import topics

CHECK_REQUESTED = topics.CHECK_REQUESTED
DECISION_MADE = topics.DECISION_MADE
RETRY_REQUESTED = topics.RETRY_REQUESTED
SESSION_ENDED = (topics.CANCELLED, topics.EXPIRED,
                 topics.MANUAL_REVIEW_REQUESTED, topics.REVIEW_DECIDED)
WATCHED_TOPICS = (CHECK_REQUESTED, DECISION_MADE, RETRY_REQUESTED, *SESSION_ENDED)


@dataclass
class OpenAttempt:
    """One attempt of a session whose checks were requested and which has no decision yet."""

    tenant_id: str
    session_id: UUID
    attempt: int
    notification_id: int  # of its first CheckRequested: the low-water mark keeps it in reach
    requested_at: datetime
    due_at: datetime
    offers: int = 0

    @property
    def job_id(self) -> str:
        return f"{self.session_id}:{self.attempt}"

    def offer_id(self, now: datetime, grace: timedelta) -> str:
        """``Nats-Msg-Id`` of an offer. The first carries the job id the API publishes with, so JetStream
        drops it while the API's message is still queued (a long queue gets no copy). A later one
        carries the grace periods elapsed: the same for every follower at that time (their copies
        are dropped too) and new to the stream, so a job lost with its worker is queued again."""
        if self.offers == 0:
            return self.job_id
        return f"{self.job_id}:r{int((now - self.requested_at) / grace)}"


class OpenAttempts:
    """The attempts still open, fed in log order with ``apply``; ``due`` lists the ones to offer."""

    def __init__(self, grace: timedelta, max_interval: timedelta) -> None:
        if grace <= timedelta(0) or max_interval < grace:
            raise ValueError("grace must be positive and no longer than max_interval")
        self.grace = grace
        self.max_interval = max_interval
        self._open: dict[tuple[UUID, int], OpenAttempt] = {}

    def __len__(self) -> int:
        return len(self._open)

    def apply(self, notification_id: int, topic: str, event: Any) -> None:
        """Take one watched event (``WATCHED_TOPICS``) into account; other topics are ignored."""
        session_id = UUID(str(event.originator_id))
        if topic == CHECK_REQUESTED:
            key = (session_id, int(event.attempt))
            if key not in self._open:
                self._open[key] = OpenAttempt(str(event.tenant_id), session_id, int(event.attempt), notification_id,
                                              event.timestamp, event.timestamp + self.grace)
        elif topic == DECISION_MADE:
            self.close(session_id, int(event.attempt))
        elif topic == RETRY_REQUESTED:
            self._close_where(lambda key: key[0] == session_id and key[1] < int(event.attempt))
        elif topic in SESSION_ENDED:
            self._close_where(lambda key: key[0] == session_id)

    def close(self, session_id: UUID, attempt: int) -> None:
        self._open.pop((session_id, attempt), None)

    def _close_where(self, matches: Any) -> None:
        for key in [k for k in self._open if matches(k)]:
            del self._open[key]

    def due(self, now: datetime) -> list[OpenAttempt]:
        """Open attempts whose time has come, oldest request first."""
        return sorted((a for a in self._open.values() if a.due_at <= now), key=lambda a: a.notification_id)

    def offered(self, attempt: OpenAttempt, now: datetime) -> None:
        """Offered to the queue now: look again after twice the previous wait (bounded)."""
        attempt.offers += 1
        attempt.due_at = now + min(self.max_interval, self.grace * 2 ** min(attempt.offers, 20))

    def retry_later(self, attempt: OpenAttempt, now: datetime, wait: timedelta) -> None:
        """Not offered (the queue is unreachable): try again after ``wait``."""
        attempt.due_at = now + wait

    def low_water_mark(self, read_position: int) -> int:
        """The position to resume from after a restart: before the oldest open attempt, else all read."""
        oldest = min((a.notification_id for a in self._open.values()), default=None)
        return read_position if oldest is None else min(read_position, oldest - 1)

"""The work-recovery follower: the ledger is the outbox for the ML work queue (docs/architecture.md §1).

Routes commit ``CheckRequested`` and then publish the job on NATS as a fast path only. This follower,
run by ``kycledger worker`` and ``dev``, reads the notification log from its position, keeps the
attempts still open (``projections.open_work``), and offers every attempt still undecided after the
grace period (``KYC_OUTBOX_GRACE_S``) to the work queue again, after re-reading the session: a
failed publish, an API replica killed between commit and publish (or during an instant call) or a
worker killed mid-job delays a session and never strands it. Offers carry a ``Nats-Msg-Id`` derived
from the job and the time since the request, so the followers of several workers queue one copy.

At-least-once processing, exactly-once recording: the pipeline records each check of an attempt once
and the decision worker decides each attempt once, so a job offered twice costs one session read.
The position saved is the low-water mark (just before the oldest attempt still open), in the
read-model store beside the other followers' positions; it only moves forward.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from uuid import UUID

from domain.application import KycLedger
from domain.sessions.aggregate import VerificationSession
from domain.sessions.status import SessionStatus
from projections.open_work import WATCHED_TOPICS, OpenAttempt, OpenAttempts
from projections.view import ReadModelView, StaleBatchError

log = logging.getLogger("kycledger.work_recovery")

RECOVERY_NAME = "work_recovery"
MAX_OFFER_INTERVAL = timedelta(minutes=30)
UNREACHABLE_RETRY = timedelta(seconds=5)  # the queue did not take an offer: try again this soon
OFFER_TIMEOUT_S = 5.0
PAGE = 500


class JobQueue(Protocol):
    """The JetStream work queue (``adapters.nats.work_queue.JetStreamWorkQueue``)."""

    async def enqueue(self, tenant_id: str, session_id: UUID, attempt: int, sandbox: bool,
                      message_id: str | None = None) -> str:
        """Publish one job; JetStream drops a second publish with the same ``message_id``."""
        ...


@dataclass(frozen=True)
class Offer:
    """A job to put on the queue again."""

    attempt: OpenAttempt
    sandbox: bool
    message_id: str


@dataclass
class RecoveryStats:
    offered: int = 0
    closed_on_check: int = 0
    unreachable: int = 0
    failures: int = 0


def utc_now() -> datetime:
    return datetime.now(UTC)


class WorkRecovery:
    """Follows the log and decides which attempts to offer again; the publishing is the handle's."""

    def __init__(self, ledger: KycLedger, positions: ReadModelView, grace: timedelta,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.ledger = ledger
        self.positions = positions
        self.clock = clock
        self.grace = grace
        self.open = OpenAttempts(grace, max(grace, MAX_OFFER_INTERVAL))
        self.stats = RecoveryStats()
        self.saved = positions.position(RECOVERY_NAME)
        self.read_position = self.saved

    def follow(self) -> int:
        """Read the watched events recorded after ``read_position``; returns how many were read."""
        recorder = self.ledger.recorder
        tip = recorder.max_notification_id() or 0
        read = 0
        while self.read_position < tip:
            page = recorder.select_notifications(self.read_position + 1, PAGE, stop=tip, topics=WATCHED_TOPICS)
            for notification in page:
                self.open.apply(notification.id, notification.topic, self.ledger.mapper.to_domain_event(notification))
            read += len(page)
            # Fewer than a page: nothing else up to the tip we looked at (ids commit in order).
            self.read_position = page[-1].id if len(page) == PAGE else tip
        return read

    def due_offers(self) -> list[Offer]:
        """The open attempts whose grace has passed and that the ledger confirms are still undecided."""
        now, offers = self.clock(), []
        for attempt in self.open.due(now):
            session = self._session(attempt.session_id)
            if session is None or not _still_open(session, attempt.attempt):
                self.open.close(attempt.session_id, attempt.attempt)
                self.stats.closed_on_check += 1
                continue
            sandbox = self.ledger.session_environment(attempt.session_id) == "sandbox"
            offers.append(Offer(attempt, sandbox, attempt.offer_id(now, self.grace)))
        return offers

    def offered(self, offer: Offer) -> None:
        self.open.offered(offer.attempt, self.clock())
        self.stats.offered += 1
        log.info("offered job %s to the work queue again (%s)", offer.attempt.job_id, offer.message_id)

    def not_offered(self, offer: Offer) -> None:
        self.open.retry_later(offer.attempt, self.clock(), UNREACHABLE_RETRY)
        self.stats.unreachable += 1

    def save_position(self) -> None:
        """Persist the low-water mark when it moved (another worker's follower may be ahead: fine)."""
        mark = self.open.low_water_mark(self.read_position)
        if mark <= self.saved:
            return
        try:
            with self.positions.transaction(RECOVERY_NAME, mark):
                pass
        except StaleBatchError:
            pass  # another follower saved a later mark: both derive from the same log
        self.saved = mark

    def _session(self, session_id: UUID) -> VerificationSession | None:
        session: VerificationSession | None = self.ledger.find(session_id, VerificationSession)
        return session


def _still_open(session: VerificationSession, attempt: int) -> bool:
    return session.status == SessionStatus.PENDING and session.attempt == attempt and attempt not in session.decisions


class WorkRecoveryHandle:
    """Runs a ``WorkRecovery`` in a background thread with its own event loop; ``stop()`` ends it."""

    def __init__(self, recovery: WorkRecovery, queue_factory: Callable[[], Any], poll_seconds: float = 1.0) -> None:
        self.recovery = recovery
        self._queue_factory = queue_factory  # built inside the loop: a NATS client belongs to its loop
        self.poll_seconds = poll_seconds
        self.rounds = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._loop()), name="work-recovery", daemon=True)

    def start(self) -> WorkRecoveryHandle:
        self._thread.start()
        return self

    async def _loop(self) -> None:
        queue = self._queue_factory()
        pause = self.poll_seconds
        try:
            while not self._stop.is_set():
                try:
                    await self.round(queue)
                    pause = self.poll_seconds
                except Exception as error:  # the position did not move: nothing is lost, back off
                    self.recovery.stats.failures += 1
                    log.warning("work recovery round failed (%s); retrying", type(error).__name__)
                    pause = min(10.0, max(self.poll_seconds, pause * 2))
                self.rounds += 1
                await asyncio.sleep(pause)
        finally:
            closer = getattr(queue, "aclose", None)
            if callable(closer):
                await closer()

    async def round(self, queue: JobQueue) -> int:
        """One pass: read the log, offer what is due, save the position; returns the offers made."""
        await asyncio.to_thread(self.recovery.follow)
        made = 0
        for offer in await asyncio.to_thread(self.recovery.due_offers):
            attempt = offer.attempt
            try:
                await asyncio.wait_for(queue.enqueue(attempt.tenant_id, attempt.session_id, attempt.attempt,
                                                     offer.sandbox, message_id=offer.message_id), OFFER_TIMEOUT_S)
            except Exception as error:
                log.warning("work queue unreachable (%s); job %s offered again later", type(error).__name__,
                            attempt.job_id)
                self.recovery.not_offered(offer)
                continue
            self.recovery.offered(offer)
            made += 1
        await asyncio.to_thread(self.recovery.save_position)
        return made

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

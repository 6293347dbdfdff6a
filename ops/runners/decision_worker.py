"""The decision worker: follows the ledger's notification log and lets ``SessionDecider`` decide.

Every ``CheckCompleted`` re-examines its session (checks may complete in any order,
requirements/liveness pattern B); sessions created are remembered for TTL expiry. The position is saved only after the
batch's decisions are stored, so a crash re-delivers and the re-read skips what is decided.
Written against the eventsourcing ``Application`` API only, so it runs on every backend.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from services.decisions.decider import CREATED_TOPIC, TRIGGER_TOPICS, SessionDecider

# Fault injection for the crash test only: exit hard right after the N-th decision is stored and
# before the position advances (the window exactly-once must survive).
CRASH_AFTER_ENV = "KYC_DECISION_WORKER_CRASH_AFTER"


class PositionFile:
    """The last processed notification id, replaced atomically (write temp, fsync, rename)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def load(self) -> int:
        if self.path is None or not self.path.exists():
            return 0
        return int(self.path.read_text(encoding="ascii").strip() or 0)

    def save(self, position: int) -> None:
        if self.path is None:
            return
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="ascii") as handle:
            handle.write(str(position))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)


class DecisionWorker(SessionDecider):
    """Records the policy decision of every session whose requested checks are all in."""

    def __init__(
        self,
        app: Application[UUID],
        position: PositionFile | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(app, clock)
        self.position_store = position or PositionFile(None)
        self.position = self.position_store.load()
        self.open_sessions: set[UUID] = set()
        self._crash_after = int(os.environ.get(CRASH_AFTER_ENV, "0") or 0)
        self._rebuild_open_sessions()

    # ------------------------------------------------------------------ following the log
    def _rebuild_open_sessions(self) -> None:
        """After a restart, find the sessions created before our position (for TTL expiry)."""
        start, page = 1, self.app.log_section_size
        while start <= self.position:
            batch = self.app.notification_log.select(start, page, stop=self.position, topics=[CREATED_TOPIC])
            if not batch:
                break
            self.open_sessions.update(UUID(str(n.originator_id)) for n in batch)
            start = batch[-1].id + 1

    def run_once(self) -> int:
        """Process every notification after our position; returns how many were read."""
        read = 0
        while True:
            batch = self.app.notification_log.select(self.position + 1, self.app.log_section_size)
            if not batch:
                return read
            for notification in batch:
                if notification.topic == CREATED_TOPIC:
                    self.open_sessions.add(UUID(str(notification.originator_id)))
                elif notification.topic in TRIGGER_TOPICS:
                    self.consider(UUID(str(notification.originator_id)))
                self.position = notification.id
                read += 1
            self.position_store.save(self.position)  # after the batch's decisions are stored

    def run_forever(self, poll_seconds: float = 0.5, idle_exit: bool = False) -> None:
        while True:
            read = self.run_once()
            self.expire_overdue()
            if idle_exit and read == 0:
                return
            if read == 0:
                time.sleep(poll_seconds)

    def consider(self, session_id: UUID) -> bool:
        decided = super().consider(session_id)
        if decided:
            self._maybe_crash()
        return decided

    def _maybe_crash(self) -> None:
        if self._crash_after and self.stats.decided >= self._crash_after:
            os._exit(137)  # no cleanup, no position save: simulates a kill right after the write

    # ------------------------------------------------------------------ expiry
    def expire_overdue(self) -> int:
        """Expire pending sessions past their TTL (requirements/pipeline §1 ``session_ttl``)."""
        now, expired = self.clock(), 0
        for session_id in sorted(self.open_sessions):
            done = self.expire_if_overdue(session_id, now)
            if done is None or done:
                self.open_sessions.discard(session_id)
            expired += bool(done)
        self.stats.expired += expired
        return expired


def main(argv: list[str] | None = None) -> int:
    """``python -m ops.runners.decision_worker [--data-dir DIR | --db URL] [--position-file F] [--until-idle]``."""
    parser = argparse.ArgumentParser(prog="decision_worker", description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--data-dir")
    where.add_argument("--db")
    parser.add_argument("--position-file", type=Path, help="where the last processed position is kept")
    parser.add_argument("--until-idle", action="store_true", help="exit when the log is fully processed")
    parser.add_argument("--poll-seconds", type=float, default=0.5)
    args = parser.parse_args(argv)
    from ops.bootstrap import open_runtime

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    runtime = open_runtime(data_dir=args.data_dir, db_url=args.db)
    try:
        worker = DecisionWorker(runtime.ledger, PositionFile(args.position_file))
        worker.run_forever(poll_seconds=args.poll_seconds, idle_exit=args.until_idle)
        stats: dict[str, Any] = vars(worker.stats)
        print({k: v for k, v in stats.items() if k != "errors"}, flush=True)
        for line in worker.stats.errors:
            print(f"error: {line}", file=sys.stderr)
        return 1 if worker.stats.errors else 0
    finally:
        runtime.close()


if __name__ == "__main__":
    sys.exit(main())

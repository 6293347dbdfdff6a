"""The decision process: follows the ledger's notification log and records each decision once.

Exactly once without a distributed transaction (issue 3 section 3):
- the aggregate refuses a second decision for an attempt (``DecisionAlreadyRecordedError``), and a
  decision is only attempted when ``session.awaiting_decision`` says the attempt has none;
- eventsourcing's optimistic concurrency makes a concurrent duplicate write fail (``IntegrityError``),
  after which the worker re-reads the session and finds it decided;
- the position is saved only after the decision is stored, so a crash between the two re-delivers the
  notification and the re-read skips it. Losing the position file only costs a re-scan.
Checks may complete in any order (seed 004 pattern B): every ``CheckCompleted`` re-examines the session.
Written against the eventsourcing ``Application`` API only, so it runs on every backend.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError

from domain.audit import audit_context
from domain.errors import DomainError
from domain.policy_registry import TenantPolicyRegistry
from domain.sessions.aggregate import VerificationSession
from domain.sessions.errors import DecisionAlreadyRecordedError
from domain.sessions.status import SessionStatus
from policies.document import DEFAULT_POLICY, SUPERSEDED_DEFAULT_HASHES, PolicyDocument
from policies.process import plan_decision

log = logging.getLogger("kycledger.decision_worker")

WORKER_ACTOR = "system:decision-worker"
SANDBOX_SUFFIX = ":sandbox"  # api.auth.Principal.actor: a sandbox key acts as key:<id>:sandbox
TRIGGER_TOPICS = ("kycledger.session.CheckCompleted",)
CREATED_TOPIC = "kycledger.session.Created"
POLICY_ACTIVATED_TOPIC = "kycledger.policy.PolicyActivated"
# Fault injection for the crash test only: exit hard right after the N-th decision is stored and
# before the position advances (the window exactly-once must survive).
CRASH_AFTER_ENV = "KYC_DECISION_WORKER_CRASH_AFTER"


def _topic(event: object) -> str:
    return str(getattr(type(event), "TOPIC", ""))


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


@dataclass
class WorkerStats:
    decided: int = 0
    skipped: int = 0
    expired: int = 0
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)


class DecisionWorker:
    """Records the policy decision of every session whose requested checks are all in."""

    def __init__(
        self,
        app: Application[UUID],
        position: PositionFile | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.app = app
        self.position_store = position or PositionFile(None)
        self.position = self.position_store.load()
        self.clock = clock
        self.stats = WorkerStats()
        self.open_sessions: set[UUID] = set()
        self._chose_old_default: set[str] = set()  # tenants that activated a superseded default themselves
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

    # ------------------------------------------------------------------ deciding
    def _load_session(self, session_id: UUID) -> VerificationSession | None:
        try:
            session: object = self.app.repository.get(session_id)
        except AggregateNotFoundError:
            return None
        return session if isinstance(session, VerificationSession) else None

    def _policy_for(self, tenant: str) -> tuple[PolicyDocument, TenantPolicyRegistry | None]:
        """The tenant's active policy; the default one is activated (recorded) on first use.

        A tenant that never chose a policy follows the built-in default: when the one this worker
        activated for it is a superseded default (``SUPERSEDED_DEFAULT_HASHES``, e.g. one that accepted
        a passive liveness pass), the current default is activated, recorded beside the decision, so
        the history shows when it changed. A document the tenant activated itself is kept.
        """
        registry: object
        try:
            registry = self.app.repository.get(TenantPolicyRegistry.create_id(tenant))
        except AggregateNotFoundError:
            registry = TenantPolicyRegistry.open(tenant)
        assert isinstance(registry, TenantPolicyRegistry)
        active = registry.active_hash
        if active is not None and not self._follows_superseded_default(registry, active):
            return PolicyDocument.from_dict(registry.document(active)), None
        registry.activate(DEFAULT_POLICY.to_dict(), DEFAULT_POLICY.policy_hash)
        return DEFAULT_POLICY, registry

    def _follows_superseded_default(self, registry: TenantPolicyRegistry, active: str) -> bool:
        """True when ``active`` is a superseded built-in default that this worker activated itself."""
        if active not in SUPERSEDED_DEFAULT_HASHES or registry.tenant in self._chose_old_default:
            return False
        activations = [e for e in self.app.events.get(registry.id)
                       if _topic(e) == POLICY_ACTIVATED_TOPIC and getattr(e, "policy_hash", "") == active]
        automatic = bool(activations) and str(getattr(activations[-1], "actor", "")).startswith(WORKER_ACTOR)
        if not automatic:  # someone activated that document on purpose: keep it, and stop looking
            self._chose_old_default.add(registry.tenant)
        return automatic

    def actor_for(self, session_id: UUID) -> str:
        """The worker's actor, marked ``:sandbox`` when a sandbox key opened the session.

        Issue 5: every event of a sandbox session carries the sandbox marker. The session's first
        event (``Created``) was recorded under the opening key's actor, which is the recorded flag;
        the pipeline marks its results the same way (``ops.pipeline``, ``PIPELINE_ACTOR:sandbox``).
        """
        created = next(iter(self.app.events.get(session_id, limit=1)), None)
        sandbox = created is not None and str(getattr(created, "actor", "")).endswith(SANDBOX_SUFFIX)
        return WORKER_ACTOR + (SANDBOX_SUFFIX if sandbox else "")

    def consider(self, session_id: UUID) -> bool:
        """Decide the session's current attempt if it awaits one; True if a decision was stored."""
        for _ in range(5):  # a concurrent writer moves the version on: re-read and look again
            session = self._load_session(session_id)
            if session is None or not session.awaiting_decision:
                self.stats.skipped += 1
                return False
            request_id = f"decision-{session.id}-{session.attempt}"
            try:
                with audit_context(session.tenant, self.actor_for(session.id), request_id):
                    policy, new_registry = self._policy_for(session.tenant)
                    events = list(self.app.events.get(session.id))
                    plan = plan_decision(events, session.attempt, policy)
                    session.record_decision(plan.attempt, plan.policy_hash, plan.inputs, plan.outcome_record)
                    self.app.save(new_registry, session)  # policy activation and decision, one transaction
            except DecisionAlreadyRecordedError:
                self.stats.skipped += 1
                return False
            except IntegrityError:
                self.stats.conflicts += 1
                continue
            except DomainError as exc:  # bad recorded input: report, never guess a decision
                self.stats.errors.append(f"{session_id}: {exc.code}: {exc.message}")
                log.error("cannot decide session %s: %s", session_id, exc.code)
                return False
            self.stats.decided += 1
            self._maybe_crash()
            return True
        self.stats.errors.append(f"{session_id}: too many concurrent writes")
        return False

    def _maybe_crash(self) -> None:
        if self._crash_after and self.stats.decided >= self._crash_after:
            os._exit(137)  # no cleanup, no position save: simulates a kill right after the write

    # ------------------------------------------------------------------ expiry
    def expire_overdue(self) -> int:
        """Expire pending sessions past their TTL (seed 002 ``session_ttl``)."""
        now, expired = self.clock(), 0
        for session_id in sorted(self.open_sessions):
            session = self._load_session(session_id)
            if session is None or session.is_final:
                self.open_sessions.discard(session_id)
                continue
            due = session.status == SessionStatus.PENDING and session.is_overdue(now)
            if not due or session.awaiting_decision:
                continue
            try:
                with audit_context(session.tenant, self.actor_for(session.id), f"expire-{session.id}"):
                    session.expire(now)
                    self.app.save(session)
            except (IntegrityError, DomainError):
                continue  # changed under us; the next sweep looks again
            self.open_sessions.discard(session_id)
            expired += 1
        self.stats.expired += expired
        return expired


def main(argv: list[str] | None = None) -> int:
    """``python -m ops.decision_worker [--data-dir DIR | --db URL] [--position-file F] [--until-idle]``."""
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

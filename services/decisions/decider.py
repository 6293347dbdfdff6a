"""The one path to a decision: records the policy decision of a session whose checks are all in.

The decision worker (``ops.runners.decision_worker``) follows the ledger and calls ``consider``;
the verification pipeline calls it at once after recording a session's results.

Exactly once without a distributed transaction (docs/architecture.md §1):
- the aggregate refuses a second decision for an attempt (``DecisionAlreadyRecordedError``), and a
  decision is only attempted when ``session.awaiting_decision`` says the attempt has none;
- eventsourcing's optimistic concurrency makes a concurrent duplicate write fail (``IntegrityError``),
  after which the worker re-reads the session and finds it decided;
- the runner saves its position only after the decision is stored, so a crash between the two re-delivers the
  notification and the re-read skips it. Losing the position file only costs a re-scan.
Checks may complete in any order (requirements/liveness pattern B): every ``CheckCompleted`` re-examines the session.
Written against the eventsourcing ``Application`` API only, so it runs on every backend.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError

from domain.audit import SANDBOX_MARK, audit_context
from domain.errors import DomainError
from domain.policy_registry import POLICY_ACTIVATED_TOPIC, TenantPolicyRegistry
from domain.sessions import topics
from domain.sessions.aggregate import VerificationSession
from domain.sessions.errors import DecisionAlreadyRecordedError
from domain.sessions.status import SessionStatus
from policies.document import DEFAULT_POLICY, SUPERSEDED_DEFAULT_HASHES, PolicyDocument
from policies.process import plan_decision

log = logging.getLogger("kycledger.decision_worker")

WORKER_ACTOR = "system:decision-worker"
TRIGGER_TOPICS = (topics.CHECK_COMPLETED,)
CREATED_TOPIC = topics.CREATED


def _topic(event: object) -> str:
    return str(getattr(type(event), "TOPIC", ""))


@dataclass
class WorkerStats:
    decided: int = 0
    skipped: int = 0
    expired: int = 0
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)


class SessionDecider:
    """Decides a session's current attempt once all its requested checks are in, and expires overdue ones."""

    def __init__(self, app: Application[UUID], clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.app = app
        self.clock = clock
        self.stats = WorkerStats()
        self._chose_old_default: set[str] = set()  # tenants that activated a superseded default themselves

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

        Every event of a sandbox session carries the sandbox marker (requirements/platform §13). The session's first
        event (``Created``) was recorded under the opening key's actor, which is the recorded flag;
        the pipeline marks its results the same way (``services.verification.pipeline``, ``PIPELINE_ACTOR:sandbox``).
        """
        created = next(iter(self.app.events.get(session_id, limit=1)), None)
        sandbox = created is not None and str(getattr(created, "actor", "")).endswith(SANDBOX_MARK)
        return WORKER_ACTOR + (SANDBOX_MARK if sandbox else "")

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
            return True
        self.stats.errors.append(f"{session_id}: too many concurrent writes")
        return False

    def expire_if_overdue(self, session_id: UUID, now: datetime) -> bool | None:
        """Expire the session if it is pending past its TTL (requirements/pipeline §1 ``session_ttl``).

        True when expired now; False when not due or changed under us (look again later); None when
        the session is gone or final (stop looking).
        """
        session = self._load_session(session_id)
        if session is None or session.is_final:
            return None
        due = session.status == SessionStatus.PENDING and session.is_overdue(now)
        if not due or session.awaiting_decision:
            return False
        try:
            with audit_context(session.tenant, self.actor_for(session.id), f"expire-{session.id}"):
                session.expire(now)
                self.app.save(session)
        except (IntegrityError, DomainError):
            return False  # changed under us; the next sweep looks again
        return True

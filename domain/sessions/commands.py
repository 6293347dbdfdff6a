"""Application-level commands for verification sessions and tenant policies.

``SessionCommands`` is a mixin for the eventsourcing ``Application`` (the lead composes
``KycLedger(TenantCommands, SessionCommands, Application)``). Commands speak ids, load with
``self.repository.get`` and store with ``self.save``. Every command takes the tenant id and answers
``NotFoundError`` for a session of another tenant: the two must look the same to a caller.
The clock is ``self.now()``, overridable for tests and deterministic replays.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from domain.audit import calling_key_environment, is_sandbox_actor
from domain.checks import CheckResult
from domain.errors import NotFoundError
from domain.liveness_allowance import ChallengeAllowance
from domain.personal_data import PersonalData
from domain.policy_registry import TenantPolicyRegistry
from domain.sessions.aggregate import VerificationSession
from domain.sessions.configuration import SessionConfiguration

if TYPE_CHECKING:  # provided by eventsourcing.application.Application at composition
    from eventsourcing.application import Repository
    from eventsourcing.domain import DomainEventProtocol
    from eventsourcing.persistence import EventStore, Recording


ENVIRONMENT_MEMO_SIZE = 100_000  # session ids -> "sandbox"/"live": a few MB at most


class SessionCommands:
    """Commands that drive a ``VerificationSession`` from creation to decision."""

    if TYPE_CHECKING:
        repository: Repository[UUID]
        events: EventStore[UUID]

        def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]: ...

    def now(self) -> datetime:
        """The time commands run at: the application's injected ``clock`` if it has one."""
        clock = getattr(self, "clock", None)
        if callable(clock):
            value = clock()
            assert isinstance(value, datetime)
            return value
        return datetime.now(UTC)

    # ------------------------------------------------------------------ loading
    def get_session(self, tenant_id: str, session_id: UUID) -> VerificationSession:
        """The session, or ``NotFoundError`` if it does not exist or belongs to another tenant."""
        try:
            session: object = self.repository.get(session_id)
        except AggregateNotFoundError:
            raise NotFoundError("session not found", session_id=str(session_id)) from None
        if not isinstance(session, VerificationSession) or session.tenant != tenant_id:
            raise NotFoundError("session not found", session_id=str(session_id))
        caller = calling_key_environment()
        if caller is not None and self.session_environment(session_id) != caller:
            # A live key and a sandbox session (or the reverse) look like another tenant's session.
            raise NotFoundError("session not found", session_id=str(session_id))
        return session

    def session_environment(self, session_id: UUID) -> str:
        """``"sandbox"`` when a sandbox key opened the session (its ``Created`` actor says so), else ``"live"``.

        Never changes for a session, so it is read once and remembered (a bounded memo: every
        API-key call that loads a session asks)."""
        memo: dict[UUID, str] = self.__dict__.setdefault("_session_environments", {})
        known = memo.get(session_id)
        if known is not None:
            return known
        created = next(iter(self.events.get(session_id, limit=1)), None)
        environment = "sandbox" if is_sandbox_actor(str(getattr(created, "actor", ""))) else "live"
        if created is not None:
            if len(memo) >= ENVIRONMENT_MEMO_SIZE:
                # oldest first; another thread changing the memo meanwhile only skips one eviction
                with contextlib.suppress(RuntimeError, KeyError, StopIteration):
                    memo.pop(next(iter(memo)))
            memo[session_id] = environment
        return environment

    def session_events(self, tenant_id: str, session_id: UUID) -> list[DomainEventProtocol[UUID]]:
        """Every recorded event of the session, in order (replay reads these)."""
        self.get_session(tenant_id, session_id)
        return list(self.events.get(session_id))

    # ------------------------------------------------------------------ session lifecycle
    def create_session(
        self,
        tenant_id: str,
        configuration: SessionConfiguration,
        reference: str | None = None,
        session_id: UUID | None = None,
    ) -> UUID:
        """Open a verification session. A document that any requested check reads is always validated
        (``SessionConfiguration.with_document_validation``): every entry point opens sessions here."""
        session = VerificationSession.start(
            tenant_id, configuration.with_document_validation(), now=self.now(), reference=reference,
            session_id=session_id,
        )
        self.save(session)
        return session.id

    def create_challenged_session(self, tenant_id: str, configuration: SessionConfiguration, reference: str,
                                  environment: str, session_id: UUID | None = None) -> UUID:
        """Open an active-liveness session for the person ``reference``, within their challenge
        allowance (``domain.liveness_allowance``): the session and the issue are saved together. The
        document is validated as on every other path (``create_session``)."""
        allowance, now = self.admit_challenge(tenant_id, reference, environment)
        session = VerificationSession.start(tenant_id, configuration.with_document_validation(), now=now,
                                            reference=reference,
                                            session_id=session_id)
        allowance.record_issue(session.id, now, session.expires_at)
        self.save(allowance, session)
        return session.id

    def admit_challenge(self, tenant_id: str, reference: str, environment: str) -> tuple[ChallengeAllowance, datetime]:
        """The person's allowance, or ``ChallengeStillOpenError`` / ``ChallengeRateLimitedError`` now."""
        allowance_id = ChallengeAllowance.create_id(tenant_id, environment, reference)
        try:
            allowance: object = self.repository.get(allowance_id)
        except AggregateNotFoundError:
            allowance = ChallengeAllowance.open(tenant_id, environment, reference)
        assert isinstance(allowance, ChallengeAllowance)
        now = self.now()
        allowance.admit(now, lambda sid: self._challenge_unanswered(tenant_id, sid, now))
        return allowance, now

    def _challenge_unanswered(self, tenant_id: str, session_id: UUID, now: datetime) -> bool:
        try:
            session = self.get_session(tenant_id, session_id)
        except NotFoundError:
            return False
        answered = any(c["kind"] == "liveness_frames" for c in session.captures.get(session.attempt, []))
        return session.status.value == "pending" and not answered and not session.is_overdue(now)

    def record_capture(
        self,
        tenant_id: str,
        session_id: UUID,
        kind: str,
        content_sha256: str,
        blob_ref: str,
        metadata: Mapping[str, Any],
    ) -> None:
        session = self.get_session(tenant_id, session_id)
        session.record_capture(kind, content_sha256, blob_ref, metadata, now=self.now())
        self.save(session)

    def request_check(self, tenant_id: str, session_id: UUID, check: str) -> None:
        session = self.get_session(tenant_id, session_id)
        session.request_check(check)
        self.save(session)

    def request_checks(self, tenant_id: str, session_id: UUID, checks: Sequence[str],
                       along: Sequence[Aggregate] = ()) -> None:
        """Request several checks of the current attempt in one transaction: the work-recovery
        follower sees the whole request or none of it (docs/architecture.md §2, one step one command).

        ``along`` are facts of the same request step saved in the same transaction (the workflow's
        usage record when a session is completed), so one request step is one write.
        """
        session = self.get_session(tenant_id, session_id)
        for check in checks:
            session.request_check(check)
        self.save(session, *along)

    def record_check_result(
        self, tenant_id: str, session_id: UUID, attempt: int, result: CheckResult
    ) -> None:
        session = self.get_session(tenant_id, session_id)
        session.record_check_result(attempt, result)
        self.save(session)

    def record_extracted_data(
        self, tenant_id: str, session_id: UUID, attempt: int, fields: Mapping[str, PersonalData]
    ) -> None:
        session = self.get_session(tenant_id, session_id)
        session.record_extracted_data(attempt, fields)
        self.save(session)

    def record_decision(
        self,
        tenant_id: str,
        session_id: UUID,
        attempt: int,
        policy_hash: str,
        inputs: Sequence[Mapping[str, Any]],
        outcome: Mapping[str, Any],
    ) -> None:
        """Record the policy's decision; ``DecisionAlreadyRecordedError`` if the attempt has one."""
        session = self.get_session(tenant_id, session_id)
        self.policy_document(tenant_id, policy_hash)  # the decision must be replayable from the ledger
        session.record_decision(attempt, policy_hash, [dict(i) for i in inputs], outcome)
        self.save(session)

    def request_retry(self, tenant_id: str, session_id: UUID, step: str, reason: str) -> None:
        session = self.get_session(tenant_id, session_id)
        session.request_retry(step, reason, now=self.now())
        self.save(session)

    def request_help(self, tenant_id: str, session_id: UUID, step: str, topic: str) -> None:
        session = self.get_session(tenant_id, session_id)
        session.request_help(step, topic)
        self.save(session)

    def request_manual_review(self, tenant_id: str, session_id: UUID, reason: str) -> None:
        session = self.get_session(tenant_id, session_id)
        session.request_manual_review(reason)
        self.save(session)

    def expire(self, tenant_id: str, session_id: UUID) -> None:
        session = self.get_session(tenant_id, session_id)
        session.expire(now=self.now())
        self.save(session)

    def cancel(self, tenant_id: str, session_id: UUID, reason: str) -> None:
        session = self.get_session(tenant_id, session_id)
        session.cancel(reason, now=self.now())
        self.save(session)

    # ------------------------------------------------------------------ policies
    def _policy_registry(self, tenant_id: str) -> TenantPolicyRegistry | None:
        try:
            registry: object = self.repository.get(TenantPolicyRegistry.create_id(tenant_id))
        except AggregateNotFoundError:
            return None
        assert isinstance(registry, TenantPolicyRegistry)
        return registry

    def activate_policy(self, tenant_id: str, document: dict[str, Any], policy_hash: str) -> bool:
        """Activate a policy document for the tenant; False if it was already the active one."""
        registry = self._policy_registry(tenant_id) or TenantPolicyRegistry.open(tenant_id)
        changed = registry.activate(document, policy_hash)
        if changed:
            self.save(registry)
        return changed

    def active_policy(self, tenant_id: str) -> tuple[str, dict[str, Any]] | None:
        """(hash, document) of the tenant's active policy, or None if it never activated one."""
        registry = self._policy_registry(tenant_id)
        if registry is None or registry.active_hash is None:
            return None
        return registry.active_hash, registry.document(registry.active_hash)

    def policy_document(self, tenant_id: str, policy_hash: str) -> dict[str, Any]:
        """A document the tenant activated at some point, by hash; ``NotFoundError`` otherwise."""
        registry = self._policy_registry(tenant_id)
        if registry is None:
            raise NotFoundError("no policy recorded for this tenant", policy_hash=policy_hash)
        return registry.document(policy_hash)

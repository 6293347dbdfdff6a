"""Application commands of manual review by named people (the ``Application`` mixin beside
``SessionCommands``): claim and decide under the tenant's review rules, and those rules.

Who submitted a case is read from the record: the actors of the session's ``Created`` and
``ManualReviewRequested`` events, and the person each personal key among them was issued to, so
an onboarding agent's reviewer key cannot take the case their own integration key opened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.errors import DomainError
from domain.personal_data import PersonalData
from domain.ports.blobs import session_subject_id
from domain.review_settings import TenantReviewSettings, review_settings_uuid
from domain.sessions import topics
from domain.sessions.aggregate import VerificationSession
from domain.sessions.review import Reviewer, ReviewRules, parse_review_note

if TYPE_CHECKING:
    from eventsourcing.application import Repository
    from eventsourcing.domain import DomainEventProtocol
    from eventsourcing.persistence import Recording

    from domain.tenancy import ApiKey

SUBMITTING_TOPICS = frozenset({topics.CREATED, topics.MANUAL_REVIEW_REQUESTED})


class ReviewCommands:
    """Claim and decide manual reviews; read and change the tenant's review rules."""

    if TYPE_CHECKING:
        repository: Repository[UUID]

        def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]: ...
        def get_session(self, tenant_id: str, session_id: UUID) -> VerificationSession: ...
        def session_events(self, tenant_id: str, session_id: UUID) -> list[DomainEventProtocol[UUID]]: ...
        def get_api_key(self, key_id: str) -> ApiKey: ...

    def claim_review(self, tenant_id: str, session_id: UUID, reviewer: Reviewer) -> None:
        session = self.get_session(tenant_id, session_id)
        session.claim_review(reviewer, self.submitters(tenant_id, session_id))
        self.save(session)

    def release_review(self, tenant_id: str, session_id: UUID, reviewer: Reviewer) -> None:
        session = self.get_session(tenant_id, session_id)
        session.release_review(reviewer)
        self.save(session)

    def decide_review(self, tenant_id: str, session_id: UUID, reviewer: Reviewer, decision: str,
                      reason: str, note: str | None = None) -> bool:
        """True when the case is decided, False when the verdict waits for a second reviewer. A note
        goes with the verdict, in the same transaction."""
        session = self.get_session(tenant_id, session_id)
        if note is not None:
            session.note_review(reviewer, PersonalData.of(session_subject_id(tenant_id, session_id),
                                                          parse_review_note(note)))
        decided = session.decide_review(reviewer, decision, reason, self.review_rules(tenant_id),
                                        self.submitters(tenant_id, session_id))
        self.save(session)
        return decided

    def submitters(self, tenant_id: str, session_id: UUID) -> frozenset[str]:
        """The actors who opened the session or asked for its review, and the people behind them."""
        found: set[str] = set()
        for recorded in self.session_events(tenant_id, session_id):
            if getattr(type(recorded), "TOPIC", "") not in SUBMITTING_TOPICS:
                continue
            actor = str(getattr(recorded, "actor", ""))
            found.add(actor)
            if actor.startswith("key:"):
                try:
                    member = self.get_api_key(actor.split(":")[1]).member_id
                except DomainError:
                    member = None
                if member is not None:
                    found.add(member)
        return frozenset(found)

    def review_rules(self, tenant_id: str) -> ReviewRules:
        settings = self._review_settings(tenant_id)
        return settings.current if settings is not None else ReviewRules()

    def set_review_rules(self, tenant_id: str, rules: ReviewRules) -> bool:
        """Record the tenant's new rules; False when they are already in force."""
        settings = self._review_settings(tenant_id) or TenantReviewSettings(owner_tenant_id=tenant_id)
        changed = settings.change(rules)
        if changed:
            self.save(settings)
        return changed

    def _review_settings(self, tenant_id: str) -> TenantReviewSettings | None:
        try:
            settings: object = self.repository.get(review_settings_uuid(tenant_id))
        except AggregateNotFoundError:
            return None
        return settings if isinstance(settings, TenantReviewSettings) else None

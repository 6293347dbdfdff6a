"""A tenant's manual-review rules: when a case needs two different reviewers (maker-checker).

Recorded as events of one aggregate per tenant, so which rule was in force when a case was decided
is on the record. The defaults are what a regulated institution expects of "four eyes": a
compliance escalation (sanctions/PEP, requirements/pipeline §9) and overturning a rejection each need a
second reviewer; a tenant may add "every review decision" or, with its own justification on the
record, turn a rule off.
"""

from __future__ import annotations

from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.base import LedgerAggregate
from domain.sessions.review import ReviewRules
from domain.tenancy import LEDGER_NAMESPACE


def review_settings_uuid(tenant_id: str) -> UUID:
    return uuid5(LEDGER_NAMESPACE, f"tenant/{tenant_id}/review-settings")


class TenantReviewSettings(LedgerAggregate):
    """The review rules of one tenant; absent until its admin first changes them (defaults apply)."""

    TOPIC = "kycledger.review.TenantReviewSettings"

    @classmethod
    def create_id(cls, owner_tenant_id: str) -> UUID:
        return review_settings_uuid(owner_tenant_id)

    @event("Created", topic="kycledger.review.SettingsOpened")
    def __init__(self, owner_tenant_id: str) -> None:
        self.owner_tenant_id = owner_tenant_id
        self.rules = ReviewRules().to_record()

    @property
    def current(self) -> ReviewRules:
        return ReviewRules.from_record(self.rules)

    def change(self, rules: ReviewRules) -> bool:
        if rules.to_record() == self.rules:
            return False
        self._changed(rules=rules.to_record())
        return True

    @event("RulesChanged", topic="kycledger.review.RulesChanged")
    def _changed(self, rules: dict[str, bool]) -> None:
        self.rules = dict(rules)

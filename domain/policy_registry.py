"""Which policy document each tenant has active, and every document it ever activated.

Activating a policy is an event that carries the document itself (docs/architecture.md §6), so a
decision that names a policy hash can be replayed from the ledger alone. One registry per tenant,
with a deterministic id (uuid5 of a natural key).
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.base import LedgerAggregate
from domain.errors import NotFoundError
from domain.sessions.canonical import canonical_json, sha256_hex
from domain.sessions.errors import InvalidPolicyError


def policy_document_hash(document: dict[str, Any]) -> str:
    """The policy id: sha256 of the document's canonical JSON."""
    return sha256_hex(canonical_json(document))


POLICY_ACTIVATED_TOPIC = "kycledger.policy.PolicyActivated"


class TenantPolicyRegistry(LedgerAggregate):
    """The active policy of one tenant and the documents it activated, by hash."""

    TOPIC = "kycledger.policy.TenantPolicyRegistry"

    @staticmethod
    def create_id(tenant: str) -> UUID:
        """Deterministic: one registry per tenant, found without an index."""
        return uuid5(NAMESPACE_URL, f"kycledger:/tenants/{tenant}/policy-registry")

    @classmethod
    def open(cls, tenant: str) -> TenantPolicyRegistry:
        return cls(tenant=tenant)

    @event("Created", topic="kycledger.policy.RegistryOpened")
    def __init__(self, tenant: str) -> None:
        self.tenant = tenant
        self.active_hash: str | None = None
        self.documents: dict[str, dict[str, Any]] = {}
        self.history: list[str] = []

    def activate(self, document: dict[str, Any], policy_hash: str) -> bool:
        """Make ``document`` the tenant's policy; False when it already is (idempotent)."""
        if not isinstance(document, dict) or not document:
            raise InvalidPolicyError("a policy document is a non-empty JSON object")
        actual = policy_document_hash(document)
        if actual != policy_hash:
            raise InvalidPolicyError("policy hash does not match its document", expected=policy_hash)
        if self.active_hash == policy_hash:
            return False
        self._activated(policy_hash=policy_hash, document=document)
        return True

    @event("PolicyActivated", topic=POLICY_ACTIVATED_TOPIC)
    def _activated(self, policy_hash: str, document: dict[str, Any]) -> None:
        self.documents[policy_hash] = document
        self.active_hash = policy_hash
        self.history.append(policy_hash)

    def document(self, policy_hash: str) -> dict[str, Any]:
        """The document recorded under ``policy_hash``."""
        try:
            return self.documents[policy_hash]
        except KeyError:
            raise NotFoundError("policy not recorded for this tenant", policy_hash=policy_hash) from None

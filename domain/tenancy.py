"""Tenants and their API keys (requirements/platform §2, §6, §7 and §17).

A tenant holds API keys. A key has a public id and one or two active secrets: rotation adds a new
secret and keeps the previous one valid until the overlap ends, so clients can roll over without
downtime; revocation ends every secret at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.audit import PLATFORM_TENANT
from domain.base import LedgerAggregate
from domain.credentials import CredentialSecret
from domain.errors import ApiKeyRevokedError, ConflictError, InvalidArgumentError

LEDGER_NAMESPACE = uuid5(NAMESPACE_URL, "https://kycledger.org/ids")


TENANT_SUSPENDED_TOPIC = "kycledger.tenant.Suspended"
TENANT_REACTIVATED_TOPIC = "kycledger.tenant.Reactivated"


class Plan(StrEnum):
    """Plans of requirements/platform §7."""

    FREE = "free"
    PRO = "pro"
    ENTERPRISE = "enterprise"


class KeyRole(StrEnum):
    """What a key may do (README "Who may do what"; docs/architecture.md §8).

    ``client`` is the tenant's integration key (its servers); ``admin``, ``reviewer``,
    ``compliance`` and ``auditor`` keys belong to a named person (``ApiKey.member_id``); ``operator``
    keys belong to a platform operator and to no tenant. An ``auditor`` key without a person and an
    ``operator`` key under a tenant are what earlier versions issued: the first still reads (its key
    id names the reader), the second is refused (``operator_key_retired``).
    """

    CLIENT = "client"
    AUDITOR = "auditor"
    OPERATOR = "operator"
    ADMIN = "admin"
    REVIEWER = "reviewer"
    COMPLIANCE = "compliance"


PERSONAL_KEY_ROLES: frozenset[str] = frozenset({"admin", "reviewer", "compliance", "auditor", "operator"})
"""Roles whose keys are issued to a person only."""


def tenant_uuid(tenant_id: str) -> UUID:
    return uuid5(LEDGER_NAMESPACE, f"tenant/{tenant_id}")


def api_key_uuid(key_id: str) -> UUID:
    """Deterministic aggregate id for a public key id: lookups by key id need no index."""
    return uuid5(LEDGER_NAMESPACE, f"api-key/{key_id}")


class Tenant(LedgerAggregate):
    """A client organisation; its id is the public ``tenant_id`` used on every record."""

    TOPIC = "kycledger.tenant.Tenant"

    @dataclass(frozen=True)
    class Created(LedgerAggregate.Created):
        TOPIC = "kycledger.tenant.Created"
        tenant_id_public: str
        name: str
        plan: str

    def __init__(self, tenant_id_public: str, name: str, plan: str) -> None:
        self.tenant_id_public = tenant_id_public
        self.name = name
        self.plan = plan
        self.suspended = False

    @classmethod
    def create_id(cls, tenant_id_public: str, name: str, plan: str) -> UUID:
        return tenant_uuid(tenant_id_public)

    @event("PlanChanged", topic="kycledger.tenant.PlanChanged")
    def change_plan(self, plan: str) -> None:
        self.plan = Plan(plan).value

    @event("Suspended", topic=TENANT_SUSPENDED_TOPIC)
    def suspend(self, reason: str) -> None:
        self.suspended = True

    @event("Reactivated", topic=TENANT_REACTIVATED_TOPIC)
    def reactivate(self) -> None:
        self.suspended = False


class ApiKey(LedgerAggregate):
    """An API key of one tenant; its secrets are sealed by persistence (``CredentialSecret``)."""

    TOPIC = "kycledger.tenant.ApiKey"

    @dataclass(frozen=True)
    class Created(LedgerAggregate.Created):
        TOPIC = "kycledger.tenant.ApiKeyCreated"
        key_id: str
        owner_tenant_id: str
        role: str
        sandbox: bool
        secret: CredentialSecret
        member_id: str | None
        # v2 binds a key to the person it was issued to; v1 keys (earlier versions) belong to nobody.
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["member_id"] = None

    def __init__(
        self, key_id: str, owner_tenant_id: str, role: str, sandbox: bool, secret: CredentialSecret,
        member_id: str | None,
    ) -> None:
        self.key_id = key_id
        self.owner_tenant_id = owner_tenant_id
        self.role = KeyRole(role).value
        self.sandbox = sandbox
        self.secret = secret
        self.member_id = member_id
        self.previous_secret: CredentialSecret | None = None
        self.previous_valid_until: datetime | None = None
        self.revoked = False

    @classmethod
    def create_id(
        cls, key_id: str, owner_tenant_id: str, role: str, sandbox: bool, secret: CredentialSecret,
        member_id: str | None,
    ) -> UUID:
        return api_key_uuid(key_id)

    @property
    def is_platform_key(self) -> bool:
        """A platform operator's key: it belongs to no tenant."""
        return self.owner_tenant_id == PLATFORM_TENANT

    @property
    def is_retired_operator_key(self) -> bool:
        """An operator key made under a tenant by an earlier version: refused, never migrated, because
        nothing says which person it stood for or whether that tenant's staff could use it."""
        return self.role == KeyRole.OPERATOR and not self.is_platform_key

    def rotate(self, new_secret: CredentialSecret, overlap_until: datetime) -> None:
        """Make ``new_secret`` current; the old one stays valid until ``overlap_until``."""
        self._require_active()
        if overlap_until.tzinfo is None:
            raise InvalidArgumentError("overlap_until must be timezone-aware")
        self._rotated(new_secret=new_secret, overlap_until=overlap_until)

    @event("Rotated", topic="kycledger.tenant.ApiKeyRotated")
    def _rotated(self, new_secret: CredentialSecret, overlap_until: datetime) -> None:
        self.previous_secret = self.secret
        self.previous_valid_until = overlap_until
        self.secret = new_secret

    def revoke(self, reason: str) -> None:
        if self.revoked:
            raise ConflictError("API key already revoked", key_id=self.key_id)
        self._revoked(reason=reason)

    @event("Revoked", topic="kycledger.tenant.ApiKeyRevoked")
    def _revoked(self, reason: str) -> None:
        self.revoked = True

    def valid_secrets(self, now: datetime) -> list[CredentialSecret]:
        """The secrets that authenticate a request at ``now``: current, and previous during overlap."""
        if self.revoked:
            return []
        secrets = [self.secret]
        overlap_ends = self.previous_valid_until
        if self.previous_secret is not None and overlap_ends is not None and now < overlap_ends:
            secrets.append(self.previous_secret)
        return secrets

    def _require_active(self) -> None:
        if self.revoked:
            raise ApiKeyRevokedError("API key is revoked", key_id=self.key_id)

"""The kycledger eventsourcing Application: one ordered, hash-chained log for every fact.

Commands speak ids (as the eventsourcing examples do) and run inside an ``audit_context``. The
composition root (``ops/bootstrap.py``) picks persistence through the eventsourcing environment
and passes the transcodings that seal personal data and credentials.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate

from domain.credentials import new_key_id, new_secret
from domain.errors import InvalidArgumentError, NotFoundError
from domain.member_commands import IssuedKey, MemberCommands, TenantOpened
from domain.members import Member, MemberRole
from domain.platform_commands import PlatformCommands
from domain.sessions.commands import SessionCommands
from domain.sessions.review_commands import ReviewCommands
from domain.subjects import DataSubject, KeyDestruction, SubjectKeyShredder, subject_uuid
from domain.tenancy import ApiKey, KeyRole, Plan, Tenant, api_key_uuid, tenant_uuid

LEDGER_NAME = "kycledger"
DEFAULT_ROTATION_OVERLAP = timedelta(days=7)

A = TypeVar("A")


def utc_now() -> datetime:
    return datetime.now(UTC)


__all__ = ["DEFAULT_ROTATION_OVERLAP", "LEDGER_NAME", "IssuedKey", "KycLedger", "utc_now"]


class KycLedger(ReviewCommands, MemberCommands, PlatformCommands, SessionCommands, Application[UUID]):
    """The ledger application. Persistence and sealing are configured by the composition root."""

    name = LEDGER_NAME

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        transcodings: Sequence[Any] = (),
        shredder: SubjectKeyShredder | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._extra_transcodings = tuple(transcodings)
        self._shredder = shredder
        self.clock = clock
        super().__init__(env)

    def register_transcodings(self, transcoder: Any) -> None:
        super().register_transcodings(transcoder)
        for transcoding in self._extra_transcodings:
            transcoder.register(transcoding)

    # --- reading -----------------------------------------------------------------------------

    def _get(self, aggregate_id: UUID, kind: type[A], what: str, **details: object) -> A:
        try:
            aggregate: object = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFoundError(f"{what} not found", **details) from None
        if not isinstance(aggregate, kind):
            raise NotFoundError(f"{what} not found", **details)
        return aggregate

    def get_tenant(self, tenant_id: str) -> Tenant:
        return self._get(tenant_uuid(tenant_id), Tenant, "tenant", tenant_id=tenant_id)

    def get_api_key(self, key_id: str) -> ApiKey:
        return self._get(api_key_uuid(key_id), ApiKey, "API key", key_id=key_id)

    # --- tenants and keys ----------------------------------------------------------------------

    def create_tenant(self, name: str, plan: str = Plan.FREE.value) -> IssuedKey:
        """Create a tenant with its first client key; returns the key with its secret, once."""
        tenant, key = self._tenant_with_key(name, plan)
        self.save(tenant, key)
        return IssuedKey(tenant.tenant_id_public, key.key_id, key.secret, key.role, sandbox=key.sandbox)

    def open_tenant(self, name: str, plan: str, admin_name: str) -> TenantOpened:
        """A tenant with its first integration key and its first administrator with their key, in one
        transaction: what the platform operator hands over, once."""
        tenant, key = self._tenant_with_key(name, plan)
        admin = Member.enrol(tenant.tenant_id_public, admin_name, [MemberRole.ADMIN])
        admin_key = self._issue(admin, KeyRole.ADMIN, sandbox=False)
        self.save(tenant, key, admin, admin_key)
        return TenantOpened(IssuedKey(tenant.tenant_id_public, key.key_id, key.secret, key.role,
                                      sandbox=key.sandbox),
                            IssuedKey(tenant.tenant_id_public, admin_key.key_id, admin_key.secret, admin_key.role,
                                      admin.member_id))

    def _tenant_with_key(self, name: str, plan: str) -> tuple[Tenant, ApiKey]:
        name = name.strip()
        if not name or len(name) > 200:
            raise InvalidArgumentError("tenant name must be 1-200 characters")
        try:
            plan = Plan(plan).value
        except ValueError:
            raise InvalidArgumentError("unknown plan", plan=plan, allowed=[p.value for p in Plan]) from None
        tenant_id = "ten_" + secrets.token_hex(8)
        tenant = Tenant(tenant_id_public=tenant_id, name=name, plan=plan)
        return tenant, self._new_key(tenant_id, KeyRole.CLIENT.value, sandbox=plan == Plan.FREE.value)

    def create_api_key(self, tenant_id: str, role: str = KeyRole.CLIENT.value, sandbox: bool = False) -> IssuedKey:
        """A tenant's integration key. Keys of the other roles belong to a person
        (``issue_member_key``) or, for operators, to the platform (``create_operator``)."""
        tenant = self.get_tenant(tenant_id)
        if role == KeyRole.OPERATOR:
            raise InvalidArgumentError("operator keys are platform-level, never under a tenant",
                                       hint="kycledger operators create --name NAME")
        if role != KeyRole.CLIENT:
            raise InvalidArgumentError("keys of this role belong to a named person of the tenant", role=role,
                                       hint="kycledger members create --tenant T --name NAME --role ROLE")
        key = self._new_key(tenant.tenant_id_public, role, sandbox)
        self.save(key)
        return IssuedKey(tenant_id, key.key_id, key.secret, key.role, sandbox=key.sandbox)

    def _new_key(self, tenant_id: str, role: str, sandbox: bool) -> ApiKey:
        return ApiKey(key_id=new_key_id(sandbox), owner_tenant_id=tenant_id, role=role, sandbox=sandbox,
                      secret=new_secret(), member_id=None)

    def rotate_api_key(self, key_id: str, overlap: timedelta = DEFAULT_ROTATION_OVERLAP) -> IssuedKey:
        """New current secret; the previous one keeps working for ``overlap``."""
        if overlap < timedelta(0) or overlap > timedelta(days=90):
            raise InvalidArgumentError("rotation overlap must be between 0 and 90 days")
        key = self.get_api_key(key_id)
        key.rotate(new_secret(), overlap_until=self.clock() + overlap)
        self.save(key)
        return IssuedKey(key.owner_tenant_id, key.key_id, key.secret, key.role, key.member_id, key.sandbox)

    def revoke_api_key(self, key_id: str, reason: str) -> None:
        key = self.get_api_key(key_id)
        key.revoke(reason)
        self.save(key)

    # --- data subjects -------------------------------------------------------------------------

    def record_usage(self, records: Sequence[Aggregate]) -> None:
        """Record a billable use (``domain.usage.UsageRecord``, with any ``QuotaThreshold`` it crossed)."""
        self.save(*records)

    def erase_subject(self, tenant_id: str, subject_id: str, reason: str) -> KeyDestruction:
        """Crypto-shred a subject: destroy its data key first, then record the evidence.

        Destruction is idempotent, so if recording fails the command can simply be repeated.
        """
        if self._shredder is None:
            raise InvalidArgumentError("this ledger has no subject key vault configured")
        evidence = self._shredder.destroy(subject_id)
        try:
            subject = self._get(subject_uuid(tenant_id, subject_id), DataSubject, "subject")
        except NotFoundError:
            subject = DataSubject(owner_tenant_id=tenant_id, subject_id=subject_id)
        subject.record_erasure(evidence, reason)
        self.save(subject)
        return evidence

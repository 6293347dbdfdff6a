"""Commands and queries of the platform around the sessions: tenants, audit reads, retention, NATS users.

Part of ``KycLedger`` (docs/architecture.md §2: aggregates are loaded and saved only by ``domain/``
and ``services/``; every entry point calls a command here instead of saving an aggregate itself).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.audit_access import AuditAccess
from domain.errors import NotFoundError
from domain.members import Actor
from domain.nats_access import NatsCredentialExistsError, TenantNatsUser, nats_user_uuid
from domain.retention import SubjectRetention, subject_retention_uuid
from domain.tenancy import Tenant, tenant_uuid

if TYPE_CHECKING:
    from eventsourcing.application import Repository
    from eventsourcing.persistence import Recording

A = TypeVar("A")


class PlatformCommands:
    """Tenant administration, audit-access records, retention and NATS-user reads and writes."""

    if TYPE_CHECKING:
        repository: Repository[UUID]

        def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]: ...

        def now(self) -> datetime: ...

    def find(self, aggregate_id: UUID, kind: type[A]) -> A | None:
        """The aggregate of ``kind`` with this id, or None (for followers that read what they follow)."""
        try:
            found: object = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, kind) else None

    def _tenant(self, tenant_id: str) -> Tenant:
        tenant = self.find(tenant_uuid(tenant_id), Tenant)
        if tenant is None:
            raise NotFoundError("tenant not found", tenant_id=tenant_id)
        return tenant

    # --- tenants (operators) -----------------------------------------------------------------

    def change_tenant_plan(self, tenant_id: str, plan: str) -> None:
        """Move the tenant to ``plan`` (nothing is recorded when it is already on it)."""
        tenant = self._tenant(tenant_id)
        if tenant.plan != plan:
            tenant.change_plan(plan)
            self.save(tenant)

    def suspend_tenant(self, tenant_id: str, reason: str) -> None:
        """Suspend the tenant: its keys are refused until it is reactivated (idempotent)."""
        tenant = self._tenant(tenant_id)
        if not tenant.suspended:
            tenant.suspend(reason)
            self.save(tenant)

    def reactivate_tenant(self, tenant_id: str) -> None:
        """Lift the tenant's suspension (idempotent)."""
        tenant = self._tenant(tenant_id)
        if tenant.suspended:
            tenant.reactivate()
            self.save(tenant)

    # --- audit reads --------------------------------------------------------------------------

    def record_audit_access(self, tenant_id: str, key_id: str, role: str, resource: str, scope: str,
                            request_id: str, member: Actor | None = None) -> None:
        """Record a read of audit data (``AuditAccess.record``)."""
        self.save(AuditAccess.record(tenant_id, key_id, role, resource, scope, request_id, member))

    # --- retention ----------------------------------------------------------------------------

    def subject_retention(self, tenant_id: str, subject_id: str) -> SubjectRetention | None:
        """The subject's retention record (holds, deferred erasure), or None when nothing was recorded."""
        return self.find(subject_retention_uuid(tenant_id, subject_id), SubjectRetention)

    # --- NATS users ---------------------------------------------------------------------------

    def issue_nats_user(self, tenant_id: str, public_key: str, *, rotate: bool,
                        overlap: timedelta) -> tuple[TenantNatsUser, datetime]:
        """Record the tenant's first NATS user key or (``rotate``) move it to ``public_key``; the key it
        replaces works until ``overlap`` has passed. The user as recorded, and when."""
        user = self.find(nats_user_uuid(tenant_id), TenantNatsUser)
        if user is None and rotate:
            raise NotFoundError("this tenant has no NATS credential to rotate yet", tenant_id=tenant_id)
        if user is not None and not rotate:
            raise NatsCredentialExistsError("this tenant already has a NATS credential; its seed is shown only "
                                            "once: rotate it to get a new one", tenant_id=tenant_id)
        now = self.now()
        if user is None:
            user = TenantNatsUser(owner_tenant_id=tenant_id, public_key=public_key)
        else:
            user.rotate(public_key, now, overlap)
        try:
            self.save(user)
        except IntegrityError:  # another request issued or rotated it at the same moment
            raise NatsCredentialExistsError("this tenant's NATS credential changed meanwhile; try again",
                                            tenant_id=tenant_id) from None
        return user, now

"""Auditor reads as ledger facts (issue 6: "every auditor read itself recorded as a ledger event").

An auditor looking at a case is itself evidence: who read which session, bundle, replay or what-if,
in which request. Each read is one ``AuditAccess`` aggregate whose id derives from the request and
the resource, so a retried recording of the same read cannot count twice. The record names ids and
scopes only: nothing personal.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid5

from domain.base import LedgerAggregate
from domain.errors import InvalidArgumentError
from domain.tenancy import LEDGER_NAMESPACE

AUDIT_RESOURCES: frozenset[str] = frozenset({
    "session_audit", "session_bundle", "period_bundle", "session_replay", "session_what_if",
})


def audit_access_uuid(tenant_id: str, request_id: str, resource: str, scope: str) -> UUID:
    return uuid5(LEDGER_NAMESPACE, f"tenant/{tenant_id}/audit-access/{request_id}/{resource}/{scope}")


class AuditAccess(LedgerAggregate):
    """One read by an auditor (or operator) key of a tenant's audit material."""

    TOPIC = "kycledger.audit.AuditAccess"

    @dataclass(frozen=True)
    class Created(LedgerAggregate.Created):
        TOPIC = "kycledger.audit.AuditAccessRecorded"
        owner_tenant_id: str
        key_id: str
        role: str
        resource: str
        scope: str
        access_request_id: str

    def __init__(self, owner_tenant_id: str, key_id: str, role: str, resource: str, scope: str,
                 access_request_id: str) -> None:
        self.owner_tenant_id = owner_tenant_id
        self.key_id = key_id
        self.role = role
        self.resource = resource
        self.scope = scope
        self.access_request_id = access_request_id

    @classmethod
    def create_id(cls, owner_tenant_id: str, key_id: str, role: str, resource: str, scope: str,
                  access_request_id: str) -> UUID:
        return audit_access_uuid(owner_tenant_id, access_request_id, resource, scope)

    @classmethod
    def record(cls, tenant_id: str, key_id: str, role: str, resource: str, scope: str,
               request_id: str) -> AuditAccess:
        """A read of ``resource`` (one of ``AUDIT_RESOURCES``) over ``scope`` (a session id or period)."""
        if resource not in AUDIT_RESOURCES:
            raise InvalidArgumentError("unknown audit resource", resource=resource)
        if not scope or len(scope) > 200:
            raise InvalidArgumentError("audit scope must be 1-200 characters")
        return cls(owner_tenant_id=tenant_id, key_id=key_id, role=role, resource=resource, scope=scope,
                   access_request_id=request_id)

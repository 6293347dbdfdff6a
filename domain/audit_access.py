"""Reads of a tenant's evidence as ledger facts: the access log of who looked at what, and when.

An auditor or a reviewer looking at a case is itself evidence: who read which session, bundle,
replay, what-if, review evidence or captured image, in which request. Each read is one
``AuditAccess`` aggregate whose id derives from the request and the resource, so a retried
recording of the same read cannot count twice. The record names ids, scopes and the reading
person (member id and display name; version 1 records, from before keys belonged to people, name
the key only); nothing of the person being verified.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid5

from domain.base import LedgerAggregate
from domain.errors import InvalidArgumentError
from domain.members import Actor
from domain.tenancy import LEDGER_NAMESPACE

AUDIT_RESOURCES: frozenset[str] = frozenset({
    "session_audit", "session_bundle", "period_bundle", "session_replay", "session_what_if",
    "ledger_checkpoints", "ledger_inclusion", "ledger_consistency",
    "review_evidence", "review_capture", "review_portrait", "session_search", "session_access_log",
    "admin_members", "admin_keys",
})


def audit_access_uuid(tenant_id: str, request_id: str, resource: str, scope: str) -> UUID:
    return uuid5(LEDGER_NAMESPACE, f"tenant/{tenant_id}/audit-access/{request_id}/{resource}/{scope}")


class AuditAccess(LedgerAggregate):
    """One read of a tenant's evidence by an auditor or a reviewer."""

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
        member_id: str | None
        member_name: str | None
        class_version = 2  # v2 names the reading person

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["member_id"] = None
            state["member_name"] = None

    def __init__(self, owner_tenant_id: str, key_id: str, role: str, resource: str, scope: str,
                 access_request_id: str, member_id: str | None, member_name: str | None) -> None:
        self.owner_tenant_id = owner_tenant_id
        self.key_id = key_id
        self.role = role
        self.resource = resource
        self.scope = scope
        self.access_request_id = access_request_id
        self.member_id = member_id
        self.member_name = member_name

    @classmethod
    def create_id(cls, owner_tenant_id: str, key_id: str, role: str, resource: str, scope: str,
                  access_request_id: str, member_id: str | None, member_name: str | None) -> UUID:
        return audit_access_uuid(owner_tenant_id, access_request_id, resource, scope)

    @classmethod
    def record(cls, tenant_id: str, key_id: str, role: str, resource: str, scope: str,
               request_id: str, member: Actor | None = None) -> AuditAccess:
        """A read of ``resource`` (one of ``AUDIT_RESOURCES``) over ``scope`` (a session id, period or
        capture) by ``member`` through key ``key_id``."""
        if resource not in AUDIT_RESOURCES:
            raise InvalidArgumentError("unknown audit resource", resource=resource)
        if not scope or len(scope) > 200:
            raise InvalidArgumentError("audit scope must be 1-200 characters")
        return cls(owner_tenant_id=tenant_id, key_id=key_id, role=role, resource=resource, scope=scope,
                   access_request_id=request_id, member_id=member.member_id if member else None,
                   member_name=member.display_name if member else None)

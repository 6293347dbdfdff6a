"""Every read of a tenant's evidence becomes a ledger event (``domain.audit_access.AuditAccess``),
naming the person behind the key when there is one: the access log of who looked at what, when."""

from __future__ import annotations

from typing import Any

from litestar import Request

from api.auth import Principal
from api.deps import ApiDependencies
from domain.members import Actor


def record_read(deps: ApiDependencies, request: Request[Any, Any, Any], principal: Principal, resource: str,
                scope: str) -> None:
    """Record the read inside the request's audit context (its trace id ties it to the answer)."""
    request_id = str((request.scope.get("state") or {}).get("trace_id") or "untraced")
    person = Actor(principal.member_id, principal.member_name) \
        if principal.member_id is not None and principal.member_name is not None else None
    deps.ledger.record_audit_access(principal.tenant_id, principal.key_id, principal.role, resource, scope,
                                    request_id, person)

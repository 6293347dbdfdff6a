"""Role guards and the request's principal: who may do what (README "Who may do what").

Each guard admits a fixed set of key roles and refuses every other one with 403 and a code that
names the role the operation needs (``admin_role_required``, ``reviewer_role_required``...), so a
caller whose key predates a role change learns what credential to ask its admin for.

- ``integration_access``: the tenant's integration (``client``) key: sessions, modules, the
  mobile flow, reads of its own cases.
- ``erasure_access``: integration or admin keys (data-subject requests arrive through the tenant's
  own systems; its admin may erase too).
- ``admin_access``: the tenant's administrators: its people and keys, webhooks, policy, retention,
  review settings.
- ``reviewer_access``: reviewers and compliance officers: the review queue and its evidence.
- ``auditor_access`` (GET) and ``auditor_query_access`` (read-only POST such as what-if): auditors.
- ``operator_access``: platform operators, whose keys belong to no tenant.
- ``ledger_access``: signed checkpoints and Merkle proofs (hashes only), for auditors and operators.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from api.auth import Principal
from api.errors import ApiProblem

SAFE_METHODS = frozenset({"GET", "HEAD"})
Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], None]


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """The authenticated caller; the platform middleware sets it before any guarded handler runs."""
    state = connection.scope.get("state") or {}
    principal = state.get("principal")
    if not isinstance(principal, Principal):
        raise ApiProblem(401, "unauthenticated", "request authentication failed")
    return principal


def role_refused(role: str, allowed: tuple[str, ...]) -> ApiProblem:
    needed = " or ".join(allowed)
    return ApiProblem(403, f"{allowed[0]}_role_required",
                      f"this operation needs a {needed} key; this key's role is {role}",
                      required_roles=list(allowed), key_role=role)


def requires(*allowed: str, read_only: bool = False) -> Guard:
    """A guard admitting keys of the ``allowed`` roles (only for GET/HEAD when ``read_only``)."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        role = principal_of(connection).role
        if role not in allowed:
            raise role_refused(role, allowed)
        if read_only and connection.scope.get("method") not in SAFE_METHODS:
            raise ApiProblem(403, "read_only_role", f"a {role} key only reads", key_role=role)

    guard.__name__ = f"requires_{'_or_'.join(allowed)}"
    return guard


integration_access = requires("client")
client_access = integration_access  # the integration key's historical name
erasure_access = requires("client", "admin")
admin_access = requires("admin")
reviewer_access = requires("reviewer", "compliance")
auditor_access = requires("auditor", read_only=True)
auditor_query_access = requires("auditor")
operator_access = requires("operator")
ledger_access = requires("auditor", "operator", read_only=True)  # checkpoints and proofs: hashes only

ROLE_GUARDS: frozenset[Guard] = frozenset({
    integration_access, erasure_access, admin_access, reviewer_access, auditor_access, auditor_query_access,
    operator_access, ledger_access,
})
"""Every guard above: each ``/v1`` and ``/kyc`` route carries exactly one of them (a test checks)."""

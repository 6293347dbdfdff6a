"""Role guards and the request's principal (issue 5: client, read-only auditor, operator keys).

- ``client_access``: product routes. Client keys may do everything; auditor keys only read
  (GET/HEAD); operator keys are for the back-office only.
- ``auditor_access``: ledger proofs and audit reads, for auditor and operator keys.
- ``operator_access``: the back-office, for operator keys only.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from api.auth import Principal
from api.errors import ApiProblem

SAFE_METHODS = frozenset({"GET", "HEAD"})


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """The authenticated caller; the platform middleware sets it before any guarded handler runs."""
    state = connection.scope.get("state") or {}
    principal = state.get("principal")
    if not isinstance(principal, Principal):
        raise ApiProblem(401, "unauthenticated", "request authentication failed")
    return principal


def _forbidden() -> ApiProblem:
    return ApiProblem(403, "forbidden", "this API key's role may not call this operation")


def client_access(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    role = principal_of(connection).role
    if role == "client" or (role == "auditor" and connection.scope.get("method") in SAFE_METHODS):
        return
    raise _forbidden()


def auditor_access(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    role = principal_of(connection).role
    if role in ("auditor", "operator") and connection.scope.get("method") in SAFE_METHODS:
        return
    raise _forbidden()


def operator_access(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if principal_of(connection).role != "operator":
        raise _forbidden()


def auditor_query_access(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Auditor and operator keys, any method: for read-only queries sent as POST (what-if bodies).

    Such a handler writes nothing but the record of the read itself.
    """
    if principal_of(connection).role not in ("auditor", "operator"):
        raise _forbidden()

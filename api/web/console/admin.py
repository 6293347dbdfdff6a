"""The tenant administrator's console screens: the tenant's people with their roles, and its keys.

Read-only views over the same commands as ``/v1/admin/members`` and ``/v1/admin/keys``
(``api.controllers.admin``), reached with the person's console session: only a signed-in member
holding the ``admin`` role sees them, never another tenant's, never a secret (keys show their id,
role, holder, environment and whether they are revoked). Every look is an ``AuditAccess`` event
naming the administrator (docs/architecture.md §8: tenant admins manage their own keys and people;
every read of the tenant's records is on the record).
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get

from api.access_log import record_read
from api.auth import Principal
from api.controllers.admin import key_view, member_view
from api.deps import ApiDependencies
from api.errors import ApiProblem
from api.params import Deps
from api.web.console.controller import request_id, signed_in
from domain.audit import audit_context
from domain.people.console_commands import ConsolePerson

ADMIN_ROLE = "admin"


def administering(request: Request[Any, Any, Any], deps: ApiDependencies) -> ConsolePerson:
    """The signed-in person, who must hold the tenant admin role (403 ``admin_role_required``)."""
    person, _ = signed_in(request, deps)
    if ADMIN_ROLE not in person.roles:
        raise ApiProblem(403, "admin_role_required", "these screens are for the tenant's administrators")
    return person


def _recorded(deps: ApiDependencies, request: Request[Any, Any, Any], person: ConsolePerson, resource: str) -> None:
    reader = Principal(tenant_id=person.tenant_id, key_id="console", role=ADMIN_ROLE, sandbox=False,
                       member_id=person.member_id, member_name=person.display_name)
    with audit_context(person.tenant_id, person.actor, request_id(request)):
        record_read(deps, request, reader, resource, person.tenant_id)


class ConsoleAdminController(Controller):
    """The tenant's members and keys, for its signed-in administrators."""

    path = "/console/api/admin"
    tags = ("console",)
    include_in_schema = False

    @get("/members", operation_id="consoleAdminMembers", sync_to_thread=True)
    def members(self, request: Request[Any, Any, Any], deps: Deps) -> dict[str, Any]:
        person = administering(request, deps)
        found = [msgspec.to_builtins(member_view(m)) for m in deps.ledger.members(person.tenant_id)]
        _recorded(deps, request, person, "admin_members")
        return {"members": found}

    @get("/keys", operation_id="consoleAdminKeys", sync_to_thread=True)
    def keys(self, request: Request[Any, Any, Any], deps: Deps) -> dict[str, Any]:
        person = administering(request, deps)
        found = [msgspec.to_builtins(key_view(k)) for k in deps.ledger.tenant_keys(person.tenant_id)]
        _recorded(deps, request, person, "admin_keys")
        return {"keys": found}

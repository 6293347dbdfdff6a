"""The tenant administrator's people and keys (README "Who may do what").

Admin keys only, each the credential of a named administrator. An admin enrols the tenant's people
(reviewers, compliance officers, auditors, onboarding agents, other admins), issues each of them
keys for the roles they hold, changes their roles or withdraws their access, and manages the
tenant's integration keys. Another tenant's member or key answers 404. Secrets appear once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, cast

import msgspec
from litestar import Controller, get, post, put
from litestar.params import PathParameter

from api.controllers.operator import IssuedKeyView, KeyView
from api.dto import Dto
from api.guards import admin_access
from api.middleware import SECRET_OPT
from api.openapi import body, ok
from api.params import Caller, Deps
from api.schemas.enums import KeyRoleName, TenantRoleName
from domain.member_commands import IssuedKey
from domain.members import Member
from domain.tenancy import ApiKey

MemberId = Annotated[str, PathParameter(pattern=r"^[A-Za-z0-9_\-]{1,64}$", description="member id (mem_...)")]
KeyId = Annotated[str, PathParameter(pattern=r"^[A-Za-z0-9_\-]{1,100}$", description="API key id (kyck_...)")]
_ROLES = msgspec.Meta(min_length=1, max_length=5)
_ROLE = msgspec.Meta(pattern="^(admin|reviewer|compliance|auditor|client)$")
_REASON = msgspec.Meta(pattern=r"^[a-z][a-z0-9_.:-]{0,79}$", description="a short lowercase code")
_MEMBER = "mem_0123456789abcdef"
_KEY = "kyck_0123456789abcdef01234567"
_MEMBER_VIEW = {"member_id": _MEMBER, "display_name": "Riley Reviewer", "roles": ["reviewer"], "active": True}
_ISSUED = {"tenant_id": "ten_0123456789abcdef", "api_key_id": _KEY, "api_key_secret": "kycs_shown-once-store-it-now",
           "role": "reviewer", "member_id": _MEMBER}


class MemberCreate(Dto, frozen=True, kw_only=True):
    display_name: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    roles: Annotated[list[TenantRoleName], _ROLES]


class RolesChange(Dto, frozen=True, kw_only=True):
    roles: Annotated[list[TenantRoleName], _ROLES]


class Deactivation(Dto, frozen=True, kw_only=True):
    reason: Annotated[str, _REASON]


class MemberKeyCreate(Dto, frozen=True, kw_only=True):
    role: Annotated[str, _ROLE]
    sandbox: bool = False


class IntegrationKeyCreate(Dto, frozen=True, kw_only=True):
    sandbox: bool = False


class KeyRotate(Dto, frozen=True, kw_only=True):
    overlap_hours: Annotated[float, msgspec.Meta(ge=0, le=90 * 24)] = 24 * 7


class MemberView(Dto, frozen=True, kw_only=True):
    member_id: str
    display_name: str
    roles: list[TenantRoleName]
    active: bool


def member_view(member: Member) -> MemberView:
    return MemberView(member_id=member.member_id, display_name=member.display_name,
                      roles=[cast(TenantRoleName, r) for r in member.roles], active=member.active)


def key_view(key: ApiKey) -> KeyView:
    return KeyView(api_key_id=key.key_id, tenant_id=key.owner_tenant_id, role=cast(KeyRoleName, key.role),
                   sandbox=key.sandbox, revoked=key.revoked, member_id=key.member_id,
                   environment="sandbox" if key.sandbox else "live")


def issued_view(key: IssuedKey) -> IssuedKeyView:
    return IssuedKeyView(tenant_id=key.tenant_id, api_key_id=key.key_id, api_key_secret=key.secret.reveal(),
                         role=cast(KeyRoleName, key.role), member_id=key.member_id,
                         environment="sandbox" if key.sandbox else "live")


class AdminController(Controller):
    path = "/v1/admin"
    tags = ("tenant admin",)
    guards = (admin_access,)

    @get("/members", operation_id="listMembers", sync_to_thread=True, summary="The tenant's people and their roles",
         responses=ok(dict[str, Any], {"members": [_MEMBER_VIEW]}))
    def members(self, deps: Deps, principal: Caller) -> dict[str, Any]:
        return {"members": [member_view(m) for m in deps.ledger.members(principal.tenant_id)]}

    @post("/members", operation_id="createMember", sync_to_thread=True, status_code=201,
          summary="Enrol a named person with roles (admin, reviewer, compliance, auditor, agent)",
          responses=ok(MemberView, _MEMBER_VIEW, status=201, description="Enrolled"))
    def create_member(self, deps: Deps, principal: Caller,
                      data: Annotated[MemberCreate, body({"display_name": "Riley Reviewer", "roles": ["reviewer"]})],
                      ) -> MemberView:
        return member_view(deps.ledger.add_member(principal.tenant_id, data.display_name, data.roles))

    @get("/members/{member_id:str}", operation_id="getMember", sync_to_thread=True, summary="One person",
         responses=ok(MemberView, _MEMBER_VIEW))
    def get_member(self, deps: Deps, principal: Caller, member_id: MemberId) -> MemberView:
        return member_view(deps.ledger.get_member(principal.tenant_id, member_id))

    @put("/members/{member_id:str}/roles", operation_id="changeMemberRoles", sync_to_thread=True,
         summary="Replace a person's roles: their keys of a withdrawn role stop working at once",
         responses=ok(MemberView, {**_MEMBER_VIEW, "roles": ["compliance", "reviewer"]}))
    def change_roles(self, deps: Deps, principal: Caller, member_id: MemberId,
                     data: Annotated[RolesChange, body({"roles": ["reviewer", "compliance"]})]) -> MemberView:
        return member_view(deps.ledger.change_member_roles(principal.tenant_id, member_id, data.roles))

    @post("/members/{member_id:str}/deactivate", operation_id="deactivateMember", sync_to_thread=True,
          status_code=200, summary="Withdraw a person's access: every key of theirs stops working at once",
          responses=ok(MemberView, {**_MEMBER_VIEW, "active": False}))
    def deactivate(self, deps: Deps, principal: Caller, member_id: MemberId,
                   data: Annotated[Deactivation, body({"reason": "left_the_company"})]) -> MemberView:
        return member_view(deps.ledger.deactivate_member(principal.tenant_id, member_id, data.reason))

    @post("/members/{member_id:str}/keys", operation_id="createMemberKey", sync_to_thread=True, status_code=201,
          opt={SECRET_OPT: True},
          summary="A key for a person, for one role they hold (an agent's key is a personal integration key: "
                  "role client); the secret is shown once",
          responses=ok(IssuedKeyView, _ISSUED, status=201, description="Created"))
    def create_member_key(self, deps: Deps, principal: Caller, member_id: MemberId,
                          data: Annotated[MemberKeyCreate, body({"role": "reviewer"})]) -> IssuedKeyView:
        return issued_view(deps.ledger.issue_member_key(principal.tenant_id, member_id, data.role, data.sandbox))

    @get("/keys", operation_id="listTenantKeys", sync_to_thread=True,
         summary="Every key of the tenant with its role and holder (never a secret)",
         responses=ok(dict[str, Any], {"keys": [{"api_key_id": _KEY, "tenant_id": "ten_0123456789abcdef",
                                                 "role": "client", "sandbox": False, "revoked": False,
                                                 "member_id": None}]}))
    def keys(self, deps: Deps, principal: Caller) -> dict[str, Any]:
        return {"keys": [key_view(k) for k in deps.ledger.tenant_keys(principal.tenant_id)]}

    @post("/keys", operation_id="createIntegrationKey", sync_to_thread=True, status_code=201,
          opt={SECRET_OPT: True}, summary="A new integration key for the tenant's servers (shown once)",
          responses=ok(IssuedKeyView, {**_ISSUED, "role": "client", "member_id": None}, status=201,
                       description="Created"))
    def create_key(self, deps: Deps, principal: Caller,
                   data: Annotated[IntegrationKeyCreate, body({"sandbox": False})]) -> IssuedKeyView:
        return issued_view(deps.ledger.create_api_key(principal.tenant_id, "client", data.sandbox))

    @post("/keys/{key_id:str}/rotate", operation_id="rotateTenantKey", sync_to_thread=True, status_code=200,
          opt={SECRET_OPT: True},
          summary="New secret (shown once); the previous one keeps working during the overlap",
          responses=ok(IssuedKeyView, _ISSUED))
    def rotate(self, deps: Deps, principal: Caller, key_id: KeyId,
               data: Annotated[KeyRotate, body({"overlap_hours": 168})]) -> IssuedKeyView:
        return issued_view(deps.ledger.rotate_tenant_key(principal.tenant_id, key_id,
                                                         timedelta(hours=data.overlap_hours)))

    @post("/keys/{key_id:str}/revoke", operation_id="revokeTenantKey", sync_to_thread=True, status_code=200,
          summary="End every secret of one of the tenant's keys now",
          responses=ok(KeyView, {"api_key_id": _KEY, "tenant_id": "ten_0123456789abcdef", "role": "client",
                                 "sandbox": False, "revoked": True, "member_id": None}))
    def revoke(self, deps: Deps, principal: Caller, key_id: KeyId,
               data: Annotated[Deactivation, body({"reason": "key_leaked"})]) -> KeyView:
        deps.ledger.revoke_tenant_key(principal.tenant_id, key_id, data.reason)
        return key_view(deps.ledger.get_tenant_key(principal.tenant_id, key_id))

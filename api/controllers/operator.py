"""Platform operator back-office (requirements/platform §2 and §18): tenants, plans, suspensions, usage.

Platform operator keys only (``kycledger operators create``): they belong to no tenant, and no
tenant key of any role reaches these routes. Operators act across tenants by design, but they do
not act *inside* one: they open a tenant with its first integration key and its first
administrator's key, can give a tenant a new administrator (recovery), and can revoke a key in an
emergency; they never rotate a tenant's key or mint its integration, reviewer or auditor keys,
because whoever holds a secret can act as its owner. Every change is an event whose actor is the
operator's key. A new key's secret appears in exactly one answer (requirements/platform §7).
"""

from __future__ import annotations

from typing import Annotated, Any, cast

import msgspec
from litestar import Controller, get, post
from litestar.params import PathParameter, QueryParameter

from api.dto import Dto
from api.guards import operator_access
from api.middleware import SECRET_OPT
from api.openapi import body, ok
from api.params import Deps
from api.schemas.enums import EnvironmentName, KeyRoleName, PlanName
from api.usage_report import tenant_usage
from domain.application import IssuedKey
from domain.tenancy import Plan
from domain.usage import MONTHLY_QUOTAS, Module, billing_period, parse_plan, price_micro_usd

TenantId = Annotated[str, PathParameter(pattern=r"^[A-Za-z0-9_\-]{1,64}$", description="tenant id (ten_...)")]
KeyId = Annotated[str, PathParameter(pattern=r"^[A-Za-z0-9_\-]{1,100}$", description="API key id (kyck_...)")]
Period = Annotated[str | None, QueryParameter(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", required=False,
                                         description="billing month YYYY-MM (default: current)")]
_PLAN = msgspec.Meta(pattern="^(free|pro|enterprise)$")
_NAME = msgspec.Meta(min_length=1, max_length=120)
_REASON = msgspec.Meta(min_length=1, max_length=500)
_TENANT = "ten_0123456789abcdef"
_KEY = "kyck_0123456789abcdef01234567"


class TenantCreate(Dto, frozen=True, kw_only=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    plan: Annotated[str, _PLAN] = Plan.FREE.value
    admin_name: Annotated[str, _NAME] = "Administrator"


class AdminCreate(Dto, frozen=True, kw_only=True):
    display_name: Annotated[str, _NAME]


class PlanChange(Dto, frozen=True, kw_only=True):
    plan: Annotated[str, _PLAN]


class Reason(Dto, frozen=True, kw_only=True):
    reason: Annotated[str, _REASON]


class IssuedKeyView(Dto, frozen=True, kw_only=True):
    tenant_id: str
    api_key_id: str
    api_key_secret: str
    role: KeyRoleName
    member_id: str | None = None
    environment: Annotated[EnvironmentName, msgspec.Meta(
        description="sandbox: simulated results from documented magic inputs, never billed; live: real models, "
                    "billed. Also in the key id's prefix (kyck_live_..., kyck_sandbox_...)")] = "live"


class TenantOpenedView(Dto, frozen=True, kw_only=True):
    tenant_id: str
    api_key_id: str
    api_key_secret: str
    role: KeyRoleName
    admin: IssuedKeyView
    environment: Annotated[EnvironmentName, msgspec.Meta(
        description="sandbox: simulated results from documented magic inputs, never billed; live: real models, "
                    "billed. Also in the key id's prefix (kyck_live_..., kyck_sandbox_...)")] = "live"


class TenantView(Dto, frozen=True, kw_only=True):
    tenant_id: str
    name: str
    plan: PlanName
    suspended: bool


class KeyView(Dto, frozen=True, kw_only=True):
    api_key_id: str
    tenant_id: str
    role: KeyRoleName
    sandbox: bool
    revoked: bool
    member_id: str | None = None
    environment: Annotated[EnvironmentName, msgspec.Meta(
        description="sandbox: simulated results from documented magic inputs, never billed; live: real models, "
                    "billed. Also in the key id's prefix (kyck_live_..., kyck_sandbox_...)")] = "live"


_ISSUED = {"tenant_id": _TENANT, "api_key_id": _KEY, "api_key_secret": "kycs_shown-once-store-it-now", "role": "client",
           "member_id": None}
_ADMIN = {**_ISSUED, "role": "admin", "member_id": "mem_0123456789abcdef",
          "api_key_id": "kyck_fedcba9876543210fedcba98"}
_OPENED = {k: v for k, v in _ISSUED.items() if k != "member_id"} | {"admin": _ADMIN}
_TENANT_VIEW = {"tenant_id": _TENANT, "name": "Acme Bank", "plan": "pro", "suspended": False}
_KEY_VIEW = {"api_key_id": _KEY, "tenant_id": _TENANT, "role": "client", "sandbox": False, "revoked": False,
             "member_id": None}


def _issued(key: IssuedKey) -> IssuedKeyView:
    return IssuedKeyView(tenant_id=key.tenant_id, api_key_id=key.key_id, api_key_secret=key.secret.reveal(),
                         role=cast(KeyRoleName, key.role), member_id=key.member_id,
                         environment=cast(EnvironmentName, key.environment))


def _tenant_view(deps: Deps, tenant_id: str) -> TenantView:
    t = deps.ledger.get_tenant(tenant_id)
    return TenantView(tenant_id=t.tenant_id_public, name=t.name, plan=cast(PlanName, t.plan), suspended=t.suspended)


def _key_view(deps: Deps, key_id: str) -> KeyView:
    k = deps.ledger.get_api_key(key_id)
    return KeyView(api_key_id=k.key_id, tenant_id=k.owner_tenant_id, role=cast(KeyRoleName, k.role), sandbox=k.sandbox,
                   revoked=k.revoked, member_id=k.member_id, environment="sandbox" if k.sandbox else "live")


class OperatorTenantController(Controller):
    path = "/v1/operator/tenants"
    tags = ("operator",)
    guards = (operator_access,)

    @post("/", operation_id="createTenant", sync_to_thread=True, status_code=201, opt={SECRET_OPT: True},
          summary="Create a tenant with its first integration key and its first administrator's key (secrets "
                  "shown once: hand them over, the administrator manages everything after)",
          responses=ok(TenantOpenedView, _OPENED, status=201, description="Created"))
    def create(self, deps: Deps,
               data: Annotated[TenantCreate, body({"name": "Acme Bank", "plan": "pro", "admin_name": "Dana Admin"})],
               ) -> TenantOpenedView:
        opened = deps.ledger.open_tenant(data.name, data.plan, data.admin_name)
        first = opened.integration
        return TenantOpenedView(tenant_id=first.tenant_id, api_key_id=first.key_id,
                                api_key_secret=first.secret.reveal(), role=cast(KeyRoleName, first.role),
                                admin=_issued(opened.admin), environment=cast(EnvironmentName, first.environment))

    @get("/{tenant_id:str}", operation_id="getTenant", sync_to_thread=True, summary="A tenant",
         responses=ok(TenantView, _TENANT_VIEW))
    def get_tenant(self, deps: Deps, tenant_id: TenantId) -> TenantView:
        return _tenant_view(deps, tenant_id)

    @post("/{tenant_id:str}/plan", operation_id="changeTenantPlan", sync_to_thread=True, status_code=200,
          summary="Move a tenant to another plan", responses=ok(TenantView, _TENANT_VIEW))
    def change_plan(self, deps: Deps, tenant_id: TenantId,
                    data: Annotated[PlanChange, body({"plan": "enterprise"})]) -> TenantView:
        deps.ledger.change_tenant_plan(tenant_id, parse_plan(data.plan).value)
        return _tenant_view(deps, tenant_id)

    @post("/{tenant_id:str}/suspend", operation_id="suspendTenant", sync_to_thread=True, status_code=200,
          summary="Suspend a tenant: its keys are refused until reactivated",
          responses=ok(TenantView, {**_TENANT_VIEW, "suspended": True}))
    def suspend(self, deps: Deps, tenant_id: TenantId,
                data: Annotated[Reason, body({"reason": "unpaid invoice 2025-09"})]) -> TenantView:
        deps.ledger.suspend_tenant(tenant_id, data.reason)
        return _tenant_view(deps, tenant_id)

    @post("/{tenant_id:str}/reactivate", operation_id="reactivateTenant", sync_to_thread=True, status_code=200,
          summary="Lift a suspension", responses=ok(TenantView, _TENANT_VIEW))
    def reactivate(self, deps: Deps, tenant_id: TenantId) -> TenantView:
        deps.ledger.reactivate_tenant(tenant_id)
        return _tenant_view(deps, tenant_id)

    @post("/{tenant_id:str}/admins", operation_id="createTenantAdmin", sync_to_thread=True, status_code=201,
          opt={SECRET_OPT: True},
          summary="A new administrator of the tenant with their first key (a tenant from an earlier version, "
                  "or one whose administrators lost access); the secret is shown once",
          responses=ok(IssuedKeyView, _ADMIN, status=201, description="Created"))
    def create_admin(self, deps: Deps, tenant_id: TenantId,
                     data: Annotated[AdminCreate, body({"display_name": "Dana Admin"})]) -> IssuedKeyView:
        return _issued(deps.ledger.enrol_with_key(tenant_id, data.display_name, "admin")[1])

    @get("/{tenant_id:str}/usage", operation_id="getTenantUsage", sync_to_thread=True,
         summary="Calls, billed calls, amounts and quota thresholds per module for one month",
         responses=ok(dict[str, Any], {"tenant_id": _TENANT, "period": "2025-09", "plan": "pro",
                                       "total_micro_usd": 150000, "modules": [
                                           {"module": "face_match", "live_calls": 3, "sandbox_calls": 1,
                                            "billed_calls": 3, "amount_micro_usd": 150000,
                                            "monthly_quota": 5000, "thresholds_reached": []}]}))
    def usage(self, deps: Deps, tenant_id: TenantId, period: Period = None) -> dict[str, Any]:
        tenant = deps.ledger.get_tenant(tenant_id)
        return tenant_usage(deps.ledger, tenant_id, period or billing_period(deps.clock()), tenant.plan)


class OperatorKeyController(Controller):
    path = "/v1/operator/keys"
    tags = ("operator",)
    guards = (operator_access,)

    @get("/{key_id:str}", operation_id="getApiKey", sync_to_thread=True, summary="An API key (never its secret)",
         responses=ok(KeyView, _KEY_VIEW))
    def get_key(self, deps: Deps, key_id: KeyId) -> KeyView:
        return _key_view(deps, key_id)

    @post("/{key_id:str}/revoke", operation_id="revokeApiKey", sync_to_thread=True, status_code=200,
          summary="End every secret of a key now (an emergency stop; rotating a tenant's key is its admin's job)",
          responses=ok(KeyView, {**_KEY_VIEW, "revoked": True}))
    def revoke(self, deps: Deps, key_id: KeyId,
               data: Annotated[Reason, body({"reason": "laptop stolen"})]) -> KeyView:
        deps.ledger.revoke_api_key(key_id, data.reason)
        return _key_view(deps, key_id)


class PlanView(Dto, frozen=True, kw_only=True):
    plan: PlanName
    monthly_quotas: dict[str, int]
    price_micro_usd: dict[str, int]


class OperatorPlanController(Controller):
    path = "/v1/operator/plans"
    tags = ("operator",)
    guards = (operator_access,)

    @get("/", operation_id="listPlans", summary="Plans with their monthly quotas and per-call prices",
         responses=ok(list[PlanView], [{"plan": "pro", "monthly_quotas": {"liveness": 5000},
                                        "price_micro_usd": {"liveness": 30000}}]))
    async def plans(self) -> list[PlanView]:
        return [PlanView(plan=plan.value,
                         monthly_quotas={m.value: MONTHLY_QUOTAS[plan][m] for m in Module},
                         price_micro_usd={m.value: price_micro_usd(plan, m, billed=True) for m in Module})
                for plan in Plan]


"""The tenant's own bill (requirements/platform §7, §16): usage per module and month, and the invoice of
a closed month whose every line lists the ledger events it counts.

Billing is the bank's administration, not its servers' work: the tenant's admin keys read it (least
privilege: an integration key runs verifications and never needs the bill). The operator's view of
any tenant stays at ``/v1/operator/tenants/{id}/usage``.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get
from litestar.params import QueryParameter

from api.errors import ApiProblem
from api.guards import admin_access
from api.invoice_report import invoice
from api.openapi import ok
from api.params import Caller, Deps
from api.usage_report import tenant_usage
from domain.usage import billing_period

PERIOD_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
Period = Annotated[str | None, QueryParameter(pattern=PERIOD_PATTERN, required=False,
                                              description="month YYYY-MM (UTC); default the current month")]
ClosedPeriod = Annotated[str, QueryParameter(pattern=PERIOD_PATTERN, description="a closed month, YYYY-MM (UTC)")]
_TENANT = "ten_0123456789abcdef"
_USAGE = {"tenant_id": _TENANT, "period": "2026-01", "plan": "pro", "total_micro_usd": 330000, "modules": [
    {"module": "workflow", "live_calls": 1, "sandbox_calls": 0, "billed_calls": 1, "amount_micro_usd": 210000,
     "monthly_quota": 5000, "thresholds_reached": []},
    {"module": "ocr", "live_calls": 1, "sandbox_calls": 2, "billed_calls": 1, "amount_micro_usd": 120000,
     "monthly_quota": 5000, "thresholds_reached": []}]}
_INVOICE = {"tenant_id": _TENANT, "period": "2026-01", "currency": "USD", "total_micro_usd": 330000, "lines": [
    {"module": "ocr", "quantity": 1, "amount_micro_usd": 120000, "events": [
        {"event_id": "5a0b1c2d-3e4f-5061-8293-a4b5c6d7e8f9:1", "position": 42, "price_micro_usd": 120000}]},
    {"module": "workflow", "quantity": 1, "amount_micro_usd": 210000, "events": [
        {"event_id": "0f1e2d3c-4b5a-5968-8776-655443322110:1", "position": 57, "price_micro_usd": 210000}]}]}


class BillingController(Controller):
    path = "/v1/billing"
    tags = ("billing",)
    guards = (admin_access,)

    @get("/usage", operation_id="getOwnUsage", sync_to_thread=True,
         summary="The tenant's calls, billed calls, amounts and quotas per module for a month (micro-USD)",
         responses=ok(dict[str, Any], _USAGE))
    def usage(self, deps: Deps, principal: Caller, period: Period = None) -> dict[str, Any]:
        tenant = deps.ledger.get_tenant(principal.tenant_id)
        return tenant_usage(deps.ledger, principal.tenant_id, period or billing_period(deps.clock()), tenant.plan)

    @get("/invoice", operation_id="getOwnInvoice", sync_to_thread=True,
         summary="The invoice of a closed month: one line a module, each listing the usage events it counts "
                 "(event id and ledger position), so the line re-derives from the ledger",
         responses=ok(dict[str, Any], _INVOICE))
    def invoice(self, deps: Deps, principal: Caller, period: ClosedPeriod) -> dict[str, Any]:
        current = billing_period(deps.clock())
        if period >= current:
            raise ApiProblem(409, "period_not_closed", "an invoice covers a month that has ended; read the "
                             "month so far at /v1/billing/usage", period=period, current_period=current)
        return invoice(deps.ledger, principal.tenant_id, period)

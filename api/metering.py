"""Metering: the one call a product route makes per billable call (requirements/platform §7 and §16).

``meter(request, "face_match")`` reserves one use of the tenant's monthly quota for the module (an
atomic counter that never passes the plan's hard limit: past it the call answers 429), then records
a ``UsageRecord`` event (``billed=False`` for sandbox keys, which count against the Free plan's
allowance instead of the tenant's plan) and, when this use crosses 80% or 100% of the quota, a
``QuotaThreshold`` event. Call it after validating the input and before running the model.

``meter`` blocks on the database: call it from a ``sync_to_thread=True`` handler, or
``await ameter(...)`` from an async one.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import anyio.to_thread
from eventsourcing.domain import Aggregate
from litestar.connection import ASGIConnection

from api.deps import deps_of
from api.errors import ApiProblem
from api.guards import principal_of
from domain.tenancy import Plan
from domain.usage import (
    QuotaThreshold,
    UsageRecord,
    billing_period,
    monthly_quota,
    parse_module,
    parse_plan,
    price_micro_usd,
    threshold_counts,
)

Connection = ASGIConnection[Any, Any, Any, Any]


@dataclass(frozen=True)
class UsageReceipt:
    """What was metered; requirements/platform §8.1 echoes ``{"module", "billed"}`` as ``usage``."""

    module: str
    billed: bool
    sandbox: bool
    period: str
    used: int
    limit: int

    def as_usage(self) -> dict[str, object]:
        return {"module": self.module, "billed": self.billed}


def _seconds_to_next_month(now: datetime) -> int:
    days = calendar.monthrange(now.year, now.month)[1]
    end = now.replace(day=days, hour=23, minute=59, second=59, microsecond=0)
    return max(1, int((end - now).total_seconds()) + 1)


def _next_call_id(connection: Connection) -> str:
    state = connection.scope.setdefault("state", {})
    seq = int(state.get("meter_seq", 0)) + 1
    state["meter_seq"] = seq
    return f"{state.get('trace_id', 'untraced')}:{seq}"


def meter(connection: Connection, module: str) -> UsageReceipt:
    """Reserve and record one billable use of ``module`` by the calling key; 429 past the quota."""
    receipt, records = reserve_usage(connection, module)
    deps_of(connection).ledger.record_usage(records)
    return receipt


def reserve_usage(connection: Connection, module: str) -> tuple[UsageReceipt, list[Aggregate]]:
    """Reserve one billable use of ``module`` (429 past the quota) and return the usage facts to record.

    For a route whose own command records them in its transaction (one request step, one write:
    docs/architecture.md §2); ``meter`` records them on their own.
    """
    deps = deps_of(connection)
    principal = principal_of(connection)
    mod = parse_module(module)
    plan = Plan.FREE if principal.sandbox else parse_plan(deps.ledger.get_tenant(principal.tenant_id).plan)
    limit = monthly_quota(plan, mod)
    now = deps.clock()
    period = billing_period(now)
    env = "sandbox" if principal.sandbox else "live"
    used = deps.quota_counter.consume(f"{principal.tenant_id}/{period}/{mod.value}/{env}", limit)
    if used is None:
        retry = _seconds_to_next_month(now)
        raise ApiProblem(429, "quota_exceeded", f"monthly {mod.value} quota of the {plan.value} plan is used up",
                         headers={"Retry-After": str(retry)}, module=mod.value, limit=limit, period=period)
    billed = not principal.sandbox
    records: list[Aggregate] = [UsageRecord(
        owner_tenant_id=principal.tenant_id, key_id=principal.key_id, module=mod.value, period=period,
        sandbox=principal.sandbox, billed=billed, price_micro_usd=price_micro_usd(plan, mod, billed),
        used_in_period=used, call_id=_next_call_id(connection))]
    for percent, at in threshold_counts(limit).items():
        if used == at:
            records.append(QuotaThreshold(owner_tenant_id=principal.tenant_id, module=mod.value, period=period,
                                          sandbox=principal.sandbox, percent=percent, used=used, limit=limit))
    return UsageReceipt(module=mod.value, billed=billed, sandbox=principal.sandbox, period=period, used=used,
                        limit=limit), records


async def ameter(connection: Connection, module: str) -> UsageReceipt:
    """``meter`` for async handlers: runs it in a worker thread (the audit context goes along)."""
    return await anyio.to_thread.run_sync(meter, connection, module)

"""Usage per tenant and month, read from the ledger's usage events (requirements/platform §7 and §16).

Reads the notification log filtered to the usage topics, so it costs one pass over those events
only; a usage projection can replace it later without changing the HTTP contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.application import KycLedger
from domain.tenancy import Plan
from domain.usage import Module, QuotaThreshold, UsageRecord, monthly_quota

USAGE_TOPICS = (UsageRecord.Created.TOPIC, QuotaThreshold.Created.TOPIC)
PAGE = 1000


@dataclass
class ModuleUsage:
    module: str
    live_calls: int = 0
    sandbox_calls: int = 0
    billed_calls: int = 0
    amount_micro_usd: int = 0
    thresholds_reached: list[int] = field(default_factory=list)


def _events(ledger: KycLedger) -> Any:
    start: int | None = None
    while True:
        page = ledger.recorder.select_notifications(start, PAGE, topics=USAGE_TOPICS, inclusive_of_start=False)
        if not page:
            return
        for notification in page:
            yield ledger.mapper.to_domain_event(notification)
        start = page[-1].id


def tenant_usage(ledger: KycLedger, tenant_id: str, period: str, plan: str) -> dict[str, Any]:
    """Calls, billed calls and amount per module for ``tenant_id`` in ``period`` (``YYYY-MM``)."""
    modules = {m.value: ModuleUsage(module=m.value) for m in Module}
    for event in _events(ledger):
        if getattr(event, "owner_tenant_id", None) != tenant_id or getattr(event, "period", None) != period:
            continue
        row = modules[event.module]
        if isinstance(event, UsageRecord.Created):
            if event.sandbox:
                row.sandbox_calls += 1
            else:
                row.live_calls += 1
            if event.billed:
                row.billed_calls += 1
                row.amount_micro_usd += event.price_micro_usd
        elif isinstance(event, QuotaThreshold.Created) and not event.sandbox:
            row.thresholds_reached.append(event.percent)
    plan_value = Plan(plan)
    return {
        "tenant_id": tenant_id, "period": period, "plan": plan_value.value,
        "total_micro_usd": sum(r.amount_micro_usd for r in modules.values()),
        "modules": [{"module": r.module, "live_calls": r.live_calls, "sandbox_calls": r.sandbox_calls,
                     "billed_calls": r.billed_calls, "amount_micro_usd": r.amount_micro_usd,
                     "monthly_quota": monthly_quota(plan_value, Module(r.module)),
                     "thresholds_reached": sorted(r.thresholds_reached)} for r in modules.values()],
    }

"""Usage metering, invoice lines and quota counters from ``UsageRecord`` events (domain/usage.py).

requirements/platform §7 ("usage-based (metered events table)", "Quota: per module") and §16
(prices). The price of each call is decided when it is recorded (``domain.usage.price_micro_usd``)
and carried by the event, so the invoice is a pure sum over the ledger: each line lists the event
ids it counts. Sandbox calls (``billed=False``) never reach an invoice; they count against the
sandbox's own quota counters, apart from live usage.
"""

from __future__ import annotations

from typing import Any

from domain.tenancy import Plan
from projections.schema import INVOICE_LINES, QUOTA_COUNTERS, TENANTS, USAGE
from projections.view import LedgerEntry, ViewTransaction


def record_tenant(tx: ViewTransaction, tenant_id: str, aggregate_id: str, plan: str,
                  suspended: bool = False) -> None:
    tx.upsert(TENANTS, {"tenant_id": tenant_id, "aggregate_id": aggregate_id, "plan": plan,
                        "sandbox": int(plan == Plan.FREE), "suspended": int(suspended)})


def meter_usage(tx: ViewTransaction, event: Any, entry: LedgerEntry, event_id: str) -> None:
    """One ``UsageRecord.Created``: a usage row, its quota counter and (if billed) its invoice line."""
    tenant, module, month = event.owner_tenant_id, event.module, event.period
    billed, price = bool(event.billed), int(event.price_micro_usd) if event.billed else 0
    tx.upsert(USAGE, {"event_id": event_id, "tenant_id": tenant, "module": module, "month": month,
                      "call_id": event.call_id, "sandbox": int(event.sandbox), "billed": int(billed),
                      "price_micros": price, "position": entry.position})
    key = (tenant, module, month, int(event.sandbox))
    counter = tx.get(QUOTA_COUNTERS, key)
    tx.upsert(QUOTA_COUNTERS, {"tenant_id": tenant, "module": module, "month": month, "sandbox": int(event.sandbox),
                               "used": (counter["used"] if counter else 0) + 1})
    if not billed:
        return
    line = tx.get(INVOICE_LINES, (tenant, month, module))
    event_ids = [*(line["event_ids"] if line else []), event_id]
    tx.upsert(INVOICE_LINES, {"tenant_id": tenant, "month": month, "module": module, "quantity": len(event_ids),
                              "amount_micros": (line["amount_micros"] if line else 0) + price,
                              "event_ids": event_ids})

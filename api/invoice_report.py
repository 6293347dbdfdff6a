"""A tenant's invoice for a closed month, read from the ledger's ``UsageRecord`` events.

requirements/platform §7: usage-based billing, every billable call a ``UsageRecord``, invoice lines
that list the events they count. Each line is one module: its quantity, its amount (the sum of the
prices the events carry, decided when each call was recorded: ``domain.usage.price_micro_usd``) and
every event it counts, by event id (``<usage record id>:1``) and ledger position, so an auditor
re-derives the line from the events (and proves each one with ``/v1/ledger/inclusion``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from domain.application import KycLedger
from domain.usage import UsageRecord

PAGE = 1000


def _usage_events(ledger: KycLedger) -> Iterator[tuple[int, Any]]:
    """(ledger position, event) of every usage record, oldest first."""
    start: int | None = None
    while True:
        page = ledger.recorder.select_notifications(start, PAGE, topics=(UsageRecord.Created.TOPIC,),
                                                    inclusive_of_start=False)
        if not page:
            return
        for notification in page:
            yield notification.id, ledger.mapper.to_domain_event(notification)
        start = page[-1].id


def invoice(ledger: KycLedger, tenant_id: str, period: str) -> dict[str, Any]:
    """The invoice lines of ``tenant_id`` for ``period`` (``YYYY-MM``): billed calls only, one line a module."""
    lines: dict[str, dict[str, Any]] = {}
    for position, event in _usage_events(ledger):
        if event.owner_tenant_id != tenant_id or event.period != period or not event.billed:
            continue
        line = lines.setdefault(event.module, {"module": event.module, "quantity": 0, "amount_micro_usd": 0,
                                               "events": []})
        line["quantity"] += 1
        line["amount_micro_usd"] += int(event.price_micro_usd)
        line["events"].append({"event_id": f"{event.originator_id}:{event.originator_version}",
                               "position": position, "price_micro_usd": int(event.price_micro_usd)})
    ordered = [lines[m] for m in sorted(lines)]
    return {"tenant_id": tenant_id, "period": period, "currency": "USD", "lines": ordered,
            "total_micro_usd": sum(line["amount_micro_usd"] for line in ordered)}

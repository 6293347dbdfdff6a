"""The tenant's own bill: usage per module and month, and a closed month's invoice whose every line
re-derives from the ledger events it lists (requirements/platform §7, §16)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from domain.usage import UsageRecord, billing_period
from tests.e2e.api.helpers import ApiStack

pytestmark = pytest.mark.e2e


@pytest.fixture
def last_month(stack: ApiStack) -> Iterator[str]:
    """Moves the server clock 40 days back for the test's calls; yields that month."""
    stack.clock.offset = timedelta(days=-40)
    try:
        yield billing_period(stack.clock())
    finally:
        stack.clock.offset = timedelta()


def _rederive(stack: ApiStack, tenant_id: str, period: str, line: dict[str, Any]) -> None:
    """What an auditor does: read each listed event from the ledger and recompute the line."""
    events = []
    for listed in line["events"]:
        originator, version = listed["event_id"].rsplit(":", 1)
        event = list(stack.rt.ledger.events.get(UUID(originator)))[int(version) - 1]
        assert isinstance(event, UsageRecord.Created)
        at = stack.rt.ledger.recorder.select_notifications(listed["position"], 1)[0]
        assert at.originator_id == event.originator_id and at.originator_version == event.originator_version
        events.append(event)
    assert all((e.owner_tenant_id, e.period, e.module, e.billed) == (tenant_id, period, line["module"], True)
               for e in events)
    assert len({e.originator_id for e in events}) == line["quantity"] == len(events)
    assert sum(e.price_micro_usd for e in events) == line["amount_micro_usd"]


def test_a_closed_months_invoice_re_derives_from_the_events_it_lists(stack: ApiStack, last_month: str) -> None:
    tenant = stack.new_tenant(plan="pro")
    client = stack.client(tenant)
    sandbox = stack.client(stack.new_key(tenant.tenant_id, sandbox=True))
    stranger = stack.client(stack.new_tenant(plan="pro"))
    for module, times in (("ocr", 2), ("face_match", 1), ("workflow", 1)):
        for _ in range(times):
            assert client.post(f"/v1/probe/meter/{module}", {}).status_code == 200
    assert sandbox.post("/v1/probe/meter/ocr", {}).json()["billed"] is False  # never on an invoice
    assert stranger.post("/v1/probe/meter/ocr", {}).status_code == 200  # another tenant's call
    stack.clock.offset = timedelta()
    admin = stack.client(stack.new_key(tenant.tenant_id, "admin"))
    answer = admin.get("/v1/billing/invoice", params={"period": last_month})
    assert answer.status_code == 200, answer.text
    bill = answer.json()
    lines = {line["module"]: line for line in bill["lines"]}
    assert {m: line["quantity"] for m, line in lines.items()} == {"face_match": 1, "ocr": 2, "workflow": 1}
    assert lines["ocr"]["amount_micro_usd"] == 240_000 and lines["workflow"]["amount_micro_usd"] == 210_000
    assert bill["total_micro_usd"] == sum(line["amount_micro_usd"] for line in bill["lines"]) == 500_000
    for line in bill["lines"]:
        _rederive(stack, tenant.tenant_id, last_month, line)
    usage = admin.get("/v1/billing/usage", params={"period": last_month}).json()
    ocr = next(m for m in usage["modules"] if m["module"] == "ocr")
    assert (ocr["live_calls"], ocr["sandbox_calls"], ocr["billed_calls"]) == (2, 1, 2)
    assert usage["total_micro_usd"] == bill["total_micro_usd"]


def test_the_current_month_has_no_invoice_yet_and_only_admins_read_the_bill(stack: ApiStack) -> None:
    tenant = stack.new_tenant(plan="pro")
    admin = stack.client(stack.new_key(tenant.tenant_id, "admin"))
    current = billing_period(stack.clock())
    open_month = admin.get("/v1/billing/invoice", params={"period": current})
    assert open_month.status_code == 409 and open_month.json()["code"] == "period_not_closed"
    assert admin.get("/v1/billing/invoice", params={"period": "2026-13"}).status_code == 400
    assert admin.get("/v1/billing/invoice").status_code == 400  # the month is required
    assert admin.get("/v1/billing/usage").json()["period"] == current
    for role in ("client", "auditor", "reviewer"):
        key = tenant if role == "client" else stack.new_key(tenant.tenant_id, role)
        refused = stack.client(key).get("/v1/billing/usage")
        assert refused.status_code == 403 and refused.json()["code"] == "admin_role_required", role

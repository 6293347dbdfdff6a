"""Standalone module calls are recorded and billed as module calls and fire no session webhook or NATS
event; the mobile routes bill the same modules as a session's workflow (requirements/platform §3, §16)."""

from __future__ import annotations

from typing import Any

import pytest

from domain.module_calls import ModuleCall
from domain.tenancy import Plan
from domain.usage import Module, UsageRecord, price_micro_usd
from projections.status_events import status_message
from projections.view import LedgerEntry
from services.webhooks.dispatcher import WebhookDispatcher
from tests.e2e.api.helpers import ApiStack
from tests.e2e.routes.support import FACES, MRZ_TD3, b64

pytestmark = pytest.mark.e2e

TD3_MRZ = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"


def _events_after(stack: ApiStack, position: int) -> list[tuple[Any, LedgerEntry]]:
    found = []
    for n in stack.rt.ledger.recorder.select_notifications(position, 10_000, inclusive_of_start=False):
        found.append((stack.rt.ledger.mapper.to_domain_event(n), LedgerEntry(n.id, 0, "")))
    return found


def _position(stack: ApiStack) -> int:
    return int(stack.rt.ledger.recorder.max_notification_id() or 0)


def _usage(stack: ApiStack, tenant_id: str, position: int) -> list[Any]:
    return [e for e, _ in _events_after(stack, position)
            if isinstance(e, UsageRecord.Created) and e.owner_tenant_id == tenant_id]


def test_a_module_call_opens_no_session_and_fires_nothing(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    client = stack.client(tenant)
    before = _position(stack)
    for _ in range(3):
        answer = client.post("/v1/document/validate", {"mrz": TD3_MRZ})
        assert answer.status_code == 200, answer.text
    assert client.post("/v1/kya/check", {"email": "anna@example.com"}).status_code == 200
    events = [(e, n) for e, n in _events_after(stack, before) if getattr(e, "tenant_id", "") == tenant.tenant_id]
    calls = [e for e, _ in events if isinstance(e, ModuleCall.Created)]
    assert [c.module for c in calls] == ["validate", "validate", "validate", "kya"]
    assert not [e for e, _ in events if type(e).__module__.startswith("domain.sessions")]
    # what the NATS relay and the webhook dispatcher would send for these events: nothing
    assert all(status_message(e, entry) is None and not WebhookDispatcher._messages(e, entry) for e, entry in events)
    assert sorted(u.module for u in _usage(stack, tenant.tenant_id, before)) == ["kya", "validate", "validate",
                                                                              "validate"]


def test_the_mobile_routes_bill_what_the_same_session_costs_through_complete(stack: ApiStack) -> None:
    tenant = stack.new_tenant(plan="pro")
    client = stack.client(tenant)
    before = _position(stack)
    sid = client.post("/v1/sessions", {"checks": ["ocr", "face_match", "liveness"],
                                       "liveness_type": "passive"}).json()["id"]
    assert client.post("/kyc/id-scan", {"sessionId": sid, "rawImage": b64(MRZ_TD3)}).status_code == 201
    selfie = client.post("/kyc/selfie", {"sessionId": sid, "selfieImage": b64(FACES / "obama.jpg")})
    assert selfie.status_code == 201, selfie.text
    billed = _usage(stack, tenant.tenant_id, before)
    assert sorted(u.module for u in billed) == ["face_match", "liveness", "ocr", "validate"]
    assert sum(u.price_micro_usd for u in billed) == price_micro_usd(Plan.PRO, Module.WORKFLOW, True) == 210_000

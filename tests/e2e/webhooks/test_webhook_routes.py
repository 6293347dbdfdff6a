"""Webhook management over HTTP: register (secret once), list, rotate, disable, deliveries with
attempts, manual redelivery with the same webhook-id, a session's own webhook_url, quota thresholds.
Endpoints are the tenant admin's; a session's own webhook_url stays with the integration key."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from standardwebhooks import Webhook

from adapters.webhooks.address_policy import resolve_target
from adapters.webhooks.http_sender import PinnedHttpSender
from domain.audit import audit_context
from domain.errors import DomainError
from domain.usage import QuotaThreshold
from ops.runners.relays import open_read_model_view
from services.webhooks.admin import LedgerWebhookAdmin
from services.webhooks.dispatcher import WebhookDispatcher
from tests.e2e.api.helpers import ApiStack
from tests.e2e.audit.support import SELFIE, b64, decide_captured, decided_session, start_stack
from tests.integration.webhooks.receiver import Receiver, running_receiver

pytestmark = pytest.mark.e2e
COMPLETED = "verification.completed"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiStack]:
    s = start_stack(Path(tmp_path_factory.mktemp("webhooks")))
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as r:
        yield r


def _dispatch(stack: ApiStack) -> WebhookDispatcher:
    dispatcher = WebhookDispatcher(stack.rt.ledger, open_read_model_view(stack.rt),
                                   PinnedHttpSender(allow_private=True, timeout_s=5), rng=random.Random(1))
    dispatcher.schedule_pending()
    dispatcher.deliver_due()
    return dispatcher


def test_register_once_deliver_list_attempts_and_redeliver_with_the_same_id(stack: ApiStack,
                                                                            receiver: Receiver) -> None:
    owner = stack.new_tenant()
    client = stack.client(owner)
    admin = stack.client(stack.new_key(owner.tenant_id, "admin"))  # webhooks are the tenant admin's
    body = {"url": receiver.url, "event_types": [COMPLETED]}
    created = admin.post("/v1/webhooks", body, idempotency_key="hook-1")
    assert created.status_code == 201, created.text
    endpoint_id, secret = created.json()["endpoint_id"], created.json()["secret"]
    assert secret.startswith("whsec_")
    replay = admin.post("/v1/webhooks", body, idempotency_key="hook-1")
    assert replay.status_code == 409 and replay.json()["code"] == "secret_not_replayed"  # shown once
    listed = admin.get("/v1/webhooks").json()["endpoints"]
    assert [e["endpoint_id"] for e in listed] == [endpoint_id] and secret not in json.dumps(listed)
    sid = decided_session(stack, client, owner.tenant_id)
    _dispatch(stack)
    (request,) = [r for r in receiver.requests if json.loads(r.body)["data"]["session_id"] == sid]
    payload = Webhook(secret).verify(request.body, request.headers)
    assert payload["type"] == COMPLETED and payload["data"]["status"] == "verified"
    deliveries = admin.get(f"/v1/webhooks/{endpoint_id}/deliveries").json()["deliveries"]
    (delivery,) = deliveries
    assert delivery["status"] == "succeeded" and [a["status_code"] for a in delivery["attempts"]] == [200]
    again = admin.post(f"/v1/webhooks/{endpoint_id}/redeliver", {"message_id": delivery["message_id"]})
    assert again.status_code == 202 and again.json()["status"] == "pending"
    _dispatch(stack)
    assert receiver.requests[-1].headers["webhook-id"] == request.headers["webhook-id"]
    attempts = admin.get(f"/v1/webhooks/{endpoint_id}/deliveries").json()["deliveries"][0]["attempts"]
    assert [a["outcome"] for a in attempts] == ["succeeded", "succeeded"]


def test_rotate_disable_and_another_tenant_sees_nothing(stack: ApiStack, receiver: Receiver) -> None:
    owner = stack.new_tenant()
    client = stack.client(owner)
    admin = stack.client(stack.new_key(owner.tenant_id, "admin"))  # webhooks are the tenant admin's
    endpoint_id = admin.post("/v1/webhooks", {"url": receiver.url, "event_types": [COMPLETED]}).json()["endpoint_id"]
    rotated = admin.post(f"/v1/webhooks/{endpoint_id}/rotate-secret")
    assert rotated.status_code == 200 and rotated.json()["secret"].startswith("whsec_")
    assert admin.get(f"/v1/webhooks/{endpoint_id}").json()["secret_rotated_until"]
    intruder = stack.client(stack.new_key(stack.new_tenant().tenant_id, "admin"))
    assert intruder.get(f"/v1/webhooks/{endpoint_id}").status_code == 404
    assert intruder.request("DELETE", f"/v1/webhooks/{endpoint_id}").status_code == 404
    assert intruder.get("/v1/webhooks").json() == {"endpoints": []}
    disabled = admin.request("DELETE", f"/v1/webhooks/{endpoint_id}")
    assert disabled.status_code == 200 and disabled.json()["disabled"] is True
    assert admin.request("DELETE", f"/v1/webhooks/{endpoint_id}").status_code == 409
    decided_session(stack, client, owner.tenant_id)
    before = len(receiver.requests)
    _dispatch(stack)
    assert len(receiver.requests) == before  # a disabled endpoint hears nothing


def test_a_sessions_own_webhook_url_hears_that_session_only(stack: ApiStack, receiver: Receiver) -> None:
    owner = stack.new_tenant()
    client = stack.client(owner)
    created = client.post("/v1/sessions", {"checks": ["face_match", "liveness"], "webhook_url": receiver.url})
    assert created.status_code == 201, created.text
    secret = created.json()["webhook_secret"]
    assert secret.startswith("whsec_")
    own = created.json()["id"]
    for kind in ("selfie", "document_front"):
        upload = client.post(f"/v1/sessions/{own}/documents", {"type": kind, "image_base64": b64(SELFIE)})
        assert upload.status_code == 201
    decide_captured(stack, owner.tenant_id, own)
    other = decided_session(stack, client, owner.tenant_id)
    _dispatch(stack)
    mine = [json.loads(r.body) for r in receiver.requests]
    assert [(m["type"], m["data"]["session_id"]) for m in mine] == [(COMPLETED, own)]
    Webhook(secret).verify(receiver.requests[0].body, receiver.requests[0].headers)
    assert other not in json.dumps(mine)


def test_session_webhook_url_is_ssrf_checked_and_quota_thresholds_are_delivered(stack: ApiStack,
                                                                               receiver: Receiver) -> None:
    owner = stack.new_tenant()
    client = stack.client(owner)
    admin = stack.client(stack.new_key(owner.tenant_id, "admin"))  # webhooks are the tenant admin's
    strict = LedgerWebhookAdmin(stack.rt.ledger, resolve_target, allow_private=False)
    for url in (receiver.url, "http://169.254.169.254/latest/meta-data", "http://[::1]:9/x"):
        with pytest.raises(DomainError) as refused:
            strict.register(owner.tenant_id, url, [COMPLETED])
        assert refused.value.code == "webhook_target_refused"
    bad = client.post("/v1/sessions", {"webhook_url": "http://no-such-host.invalid/hook"})
    assert bad.status_code == 422 and bad.json()["code"] == "webhook_target_refused"
    endpoint = admin.post("/v1/webhooks", {"url": receiver.url, "event_types": ["quota.threshold_reached"]})
    assert endpoint.status_code == 201
    with audit_context(owner.tenant_id, "key:test", "quota-test"):
        stack.rt.ledger.save(QuotaThreshold(owner_tenant_id=owner.tenant_id, module="face_match", period="2026-01",
                                            sandbox=False, percent=80, used=4000, limit=5000))
    _dispatch(stack)
    (request,) = receiver.requests
    data = Webhook(endpoint.json()["secret"]).verify(request.body, request.headers)["data"]
    assert (data["module"], data["percent"], data["used"], data["limit"]) == ("face_match", 80, 4000, 5000)

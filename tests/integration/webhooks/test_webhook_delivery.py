"""Webhooks to a real HTTP receiver on 127.0.0.1, verified with the Standard Webhooks library."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from standardwebhooks import Webhook

from adapters.webhooks.address_policy import resolve_target
from adapters.webhooks.http_sender import PinnedHttpSender
from domain.audit import audit_context
from domain.webhooks import RETRY_SCHEDULE, AttemptOutcome, DeliveryStatus
from ops.bootstrap import LedgerRuntime
from ops.runners.relays import open_read_model_view
from services.webhooks.dispatcher import (
    WebhookDispatcher,
    get_delivery,
    get_endpoint,
    redeliver,
    register_endpoint,
    rotate_endpoint_secret,
)
from tests.integration.decisions.seeding import open_ledger_at
from tests.integration.webhooks.receiver import Receiver, running_receiver
from tests.unit.projections.support import PII_NAME, verified_session
from tests.unit.sessions.support import Clock

pytestmark = pytest.mark.integration
TENANT = "ten_hooks"


@pytest.fixture
def rt(tmp_path: Path) -> Iterator[LedgerRuntime]:
    runtime = open_ledger_at(tmp_path)
    yield runtime
    runtime.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as r:
        yield r


def _dispatcher(rt: LedgerRuntime, clock: Clock, timeout_s: float = 5.0) -> WebhookDispatcher:
    sender = PinnedHttpSender(allow_private=True, timeout_s=timeout_s)
    return WebhookDispatcher(rt.ledger, open_read_model_view(rt), sender, clock=clock, rng=random.Random(3))


def _register(rt: LedgerRuntime, url: str, types: list[str]) -> tuple[str, str]:
    with audit_context(TENANT, "client:test", "req-hook"):
        return register_endpoint(rt.ledger, TENANT, url, types, resolve_target, allow_private=True)


def _attempt_events(rt: LedgerRuntime, delivery: Any) -> list[Any]:
    return [e for e in rt.ledger.events.get(delivery.id) if type(e).__name__ == "AttemptRecorded"]


def test_completed_verification_arrives_signed_thin_and_verifiable(rt: LedgerRuntime, receiver: Receiver) -> None:
    endpoint_id, secret = _register(rt, receiver.url, ["verification.completed", "decision.made"])
    sid = verified_session(rt.ledger, TENANT)
    dispatcher = _dispatcher(rt, Clock(datetime.now(UTC)))
    assert dispatcher.schedule_pending() == 2
    assert dispatcher.deliver_due() == [AttemptOutcome.SUCCEEDED] * 2
    assert dispatcher.schedule_pending() == 0  # nothing is scheduled twice
    by_type = {json.loads(r.body)["type"]: r for r in receiver.requests}
    completed = by_type["verification.completed"]
    payload = Webhook(secret).verify(completed.body, completed.headers)
    assert payload["data"]["session_id"] == str(sid) and payload["data"]["status"] == "verified"
    assert payload["data"]["ledger"]["position"] > 0
    assert completed.headers["webhook-id"].endswith("/verification.completed")
    assert all(PII_NAME not in r.body.decode() for r in receiver.requests)
    delivery = get_delivery(rt.ledger, TENANT, endpoint_id, completed.headers["webhook-id"])
    assert [e.status_code for e in _attempt_events(rt, delivery)] == [200]


def test_during_rotation_both_secrets_sign_and_either_verifies(rt: LedgerRuntime, receiver: Receiver) -> None:
    clock = Clock(datetime.now(UTC))
    endpoint_id, old = _register(rt, receiver.url, ["verification.completed"])
    with audit_context(TENANT, "client:test", "req-rotate"):
        new = rotate_endpoint_secret(rt.ledger, TENANT, endpoint_id, clock())
    verified_session(rt.ledger, TENANT)
    dispatcher = _dispatcher(rt, clock)
    dispatcher.schedule_pending()
    dispatcher.deliver_due()
    (request,) = receiver.requests
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    for secret in (old, new):
        Webhook(secret).verify(request.body, request.headers)
    with pytest.raises(Exception, match="No matching signature"):
        Webhook("whsec_" + "A" * 32).verify(request.body, request.headers)


def test_retries_back_off_and_honour_retry_after_then_succeed(rt: LedgerRuntime, receiver: Receiver) -> None:
    clock = Clock(datetime.now(UTC))
    endpoint_id, _ = _register(rt, receiver.url, ["verification.completed"])
    verified_session(rt.ledger, TENANT)
    receiver.answer(500)
    receiver.answer(503, {"Retry-After": "3600"})
    dispatcher = _dispatcher(rt, clock)
    dispatcher.schedule_pending()
    assert dispatcher.deliver_due() == [AttemptOutcome.RETRY]
    assert dispatcher.deliver_due() == []  # not due yet
    clock.advance(RETRY_SCHEDULE[1].total_seconds() * 1.2 + 0.001)
    assert dispatcher.deliver_due() == [AttemptOutcome.RETRY]
    clock.advance(RETRY_SCHEDULE[2].total_seconds() * 1.2)  # the schedule says 5 min, the receiver said 1 h
    assert dispatcher.deliver_due() == []
    clock.advance(3600)
    assert dispatcher.deliver_due() == [AttemptOutcome.SUCCEEDED]
    message_id = receiver.requests[0].headers["webhook-id"]
    delivery = get_delivery(rt.ledger, TENANT, endpoint_id, message_id)
    attempts = _attempt_events(rt, delivery)
    assert [(a.attempt, a.status_code, a.outcome) for a in attempts] == [
        (1, 500, "retry"), (2, 503, "retry"), (3, 200, "succeeded")]
    assert attempts[1].next_attempt_at - attempts[1].at >= timedelta(hours=1)
    assert {r.headers["webhook-id"] for r in receiver.requests} == {message_id}


def test_410_disables_the_endpoint(rt: LedgerRuntime, receiver: Receiver) -> None:
    endpoint_id, _ = _register(rt, receiver.url, ["verification.completed"])
    verified_session(rt.ledger, TENANT)
    receiver.answer(410)
    dispatcher = _dispatcher(rt, Clock(datetime.now(UTC)))
    dispatcher.schedule_pending()
    assert dispatcher.deliver_due() == [AttemptOutcome.GONE]
    assert get_endpoint(rt.ledger, TENANT, endpoint_id).disabled
    verified_session(rt.ledger, TENANT, subject="subj_later")
    assert dispatcher.schedule_pending() == 0 and len(receiver.requests) == 1


def test_redirects_are_not_followed_and_count_as_failures(rt: LedgerRuntime, receiver: Receiver) -> None:
    _register(rt, receiver.url, ["verification.completed"])
    verified_session(rt.ledger, TENANT)
    receiver.answer(302, {"Location": "http://169.254.169.254/latest/meta-data"})
    dispatcher = _dispatcher(rt, Clock(datetime.now(UTC)))
    dispatcher.schedule_pending()
    assert dispatcher.deliver_due() == [AttemptOutcome.RETRY]
    assert len(receiver.requests) == 1


def test_a_slow_receiver_times_out(rt: LedgerRuntime, receiver: Receiver) -> None:
    endpoint_id, _ = _register(rt, receiver.url, ["verification.completed"])
    verified_session(rt.ledger, TENANT)
    receiver.answer(200, delay=1.5)
    dispatcher = _dispatcher(rt, Clock(datetime.now(UTC)), timeout_s=0.3)
    dispatcher.schedule_pending()
    assert dispatcher.deliver_due() == [AttemptOutcome.RETRY]
    delivery = get_delivery(rt.ledger, TENANT, endpoint_id, receiver.requests[0].headers["webhook-id"])
    assert _attempt_events(rt, delivery)[0].error == "timeout"


def test_manual_redelivery_keeps_the_webhook_id(rt: LedgerRuntime, receiver: Receiver) -> None:
    clock = Clock(datetime.now(UTC))
    endpoint_id, secret = _register(rt, receiver.url, ["verification.completed"])
    verified_session(rt.ledger, TENANT)
    dispatcher = _dispatcher(rt, clock)
    dispatcher.schedule_pending()
    dispatcher.deliver_due()
    message_id = receiver.requests[0].headers["webhook-id"]
    clock.advance(2)
    with audit_context(TENANT, "client:test", "req-redeliver"):
        redeliver(rt.ledger, TENANT, endpoint_id, message_id, clock())
    dispatcher.schedule_pending()  # the dispatcher learns of the redelivery from the log
    assert dispatcher.deliver_due() == [AttemptOutcome.SUCCEEDED]
    first, second = receiver.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == message_id
    assert first.body == second.body and first.headers["webhook-timestamp"] != second.headers["webhook-timestamp"]
    Webhook(secret).verify(second.body, second.headers)


def test_a_receiver_that_never_answers_2xx_is_given_up_after_about_three_days(rt: LedgerRuntime,
                                                                             receiver: Receiver) -> None:
    clock = Clock(datetime.now(UTC))
    endpoint_id, _ = _register(rt, receiver.url, ["verification.completed"])
    verified_session(rt.ledger, TENANT)
    for _ in RETRY_SCHEDULE:
        receiver.answer(500)
    dispatcher = _dispatcher(rt, clock)
    dispatcher.schedule_pending()
    start, outcomes = clock(), []
    while len(outcomes) < len(RETRY_SCHEDULE):
        outcomes += dispatcher.deliver_due()
        clock.advance(60)
    assert outcomes == [AttemptOutcome.RETRY] * (len(RETRY_SCHEDULE) - 1) + [AttemptOutcome.FAILED]
    delivery = get_delivery(rt.ledger, TENANT, endpoint_id, receiver.requests[0].headers["webhook-id"])
    assert delivery.status == DeliveryStatus.FAILED
    elapsed = _attempt_events(rt, delivery)[-1].at - start
    assert timedelta(days=2.3) < elapsed < timedelta(days=3.6)


def test_a_delivery_due_while_the_database_is_away_stays_due(rt: LedgerRuntime, receiver: Receiver) -> None:
    """The due deliveries live in memory between restarts: a round that fails on the database (a
    PostgreSQL restart) must not drop them, or they wait for the next process restart."""
    _register(rt, receiver.url, ["verification.completed"])
    verified_session(rt.ledger, TENANT)
    dispatcher = _dispatcher(rt, Clock(datetime.now(UTC)))
    assert dispatcher.schedule_pending() == 1
    repository, calls = dispatcher.app.repository, {"n": 0}

    class Away:
        def get(self, *args: Any, **kwargs: Any) -> Any:
            calls["n"] += 1
            raise OSError("database away")

    dispatcher.app = type("App", (), {"repository": Away()})()
    with pytest.raises(OSError):
        dispatcher.deliver_due()
    assert calls["n"] == 1 and receiver.requests == []
    dispatcher.app = rt.ledger
    assert dispatcher.app.repository is repository
    assert dispatcher.deliver_due() == [AttemptOutcome.SUCCEEDED]
    assert len(receiver.requests) == 1

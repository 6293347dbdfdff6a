"""Retry schedule, status classification, signing and the SSRF address policy (no servers)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook

from adapters.webhooks.address_policy import WebhookTargetRefusedError, resolve_target
from adapters.webhooks.http_sender import PinnedHttpSender, parse_retry_after
from domain.errors import InvalidArgumentError
from domain.webhook_signing import webhook_headers
from domain.webhooks import (
    MAX_RETRY_AFTER,
    RETRY_SCHEDULE,
    AttemptOutcome,
    WebhookEndpoint,
    classify,
    new_webhook_secret,
    retry_delay,
)

pytestmark = pytest.mark.unit


def test_the_schedule_spans_about_three_days() -> None:
    total = sum(RETRY_SCHEDULE, timedelta())
    assert timedelta(days=2.9) < total < timedelta(days=3.1)
    assert list(RETRY_SCHEDULE) == sorted(RETRY_SCHEDULE)


@pytest.mark.parametrize("jitter", [-1.0, 0.0, 1.0])
def test_jitter_spreads_each_delay_by_at_most_twenty_percent(jitter: float) -> None:
    for attempt in range(2, len(RETRY_SCHEDULE) + 1):
        delay = retry_delay(attempt, jitter)
        assert delay == RETRY_SCHEDULE[attempt - 1] * (1 + 0.2 * jitter)
    assert retry_delay(len(RETRY_SCHEDULE) + 1, jitter) is None


def test_retry_after_wins_when_longer_and_is_capped() -> None:
    assert retry_delay(2, 0.0, timedelta(minutes=10)) == timedelta(minutes=10)
    assert retry_delay(5, 0.0, timedelta(seconds=1)) == RETRY_SCHEDULE[4]
    assert retry_delay(2, 0.0, timedelta(days=30)) == MAX_RETRY_AFTER
    with pytest.raises(InvalidArgumentError):
        retry_delay(1, 0.0)
    with pytest.raises(InvalidArgumentError):
        retry_delay(2, 1.5)


def test_retry_after_parses_seconds_and_http_dates() -> None:
    now = datetime(2025, 1, 15, 10, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == timedelta(seconds=120)
    assert parse_retry_after("Wed, 15 Jan 2025 10:05:00 GMT", now) == timedelta(minutes=5)
    assert parse_retry_after("soon", now) is None and parse_retry_after(None, now) is None


@pytest.mark.parametrize(("status", "outcome"), [
    (200, AttemptOutcome.SUCCEEDED), (204, AttemptOutcome.SUCCEEDED), (299, AttemptOutcome.SUCCEEDED),
    (301, AttemptOutcome.RETRY), (400, AttemptOutcome.RETRY), (404, AttemptOutcome.RETRY),
    (410, AttemptOutcome.GONE), (429, AttemptOutcome.RETRY), (500, AttemptOutcome.RETRY), (None, AttemptOutcome.RETRY),
])
def test_only_2xx_is_success_and_410_means_gone(status: int | None, outcome: AttemptOutcome) -> None:
    assert classify(status) is outcome


def test_signatures_verify_with_the_reference_library() -> None:
    secret = new_webhook_secret().reveal()
    body = b'{"type":"verification.completed","data":{"status":"verified"}}'
    now = int(datetime.now(UTC).timestamp())
    headers = webhook_headers([secret], "msg_1", now, body)
    assert Webhook(secret).verify(body, headers)["data"]["status"] == "verified"
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(secret).verify(body.replace(b"verified", b"failed"), headers)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/x", "http://localhost:8080/x", "http://10.1.2.3/", "http://192.168.0.10/",
    "http://172.16.5.4/", "http://169.254.169.254/latest/meta-data", "http://[::1]/", "http://224.0.0.1/",
    "http://0.0.0.0/", "http://100.64.0.1/", "http://[fe80::1]/", "http://[::ffff:127.0.0.1]/",
])
def test_internal_addresses_are_refused(url: str) -> None:
    with pytest.raises(WebhookTargetRefusedError):
        resolve_target(url)


@pytest.mark.parametrize("url", ["ftp://example.org/", "http:///nohost", "http://user:pw@8.8.8.8/"])
def test_malformed_targets_are_refused(url: str) -> None:
    with pytest.raises(WebhookTargetRefusedError):
        resolve_target(url)


def test_configuration_may_allow_local_targets_and_the_address_is_pinned() -> None:
    target = resolve_target("http://127.0.0.1:8080/hooks?x=1", allow_private=True)
    assert (target.address, target.port, target.path, target.host) == ("127.0.0.1", 8080, "/hooks?x=1", "127.0.0.1")
    assert resolve_target("https://8.8.8.8/h").address == "8.8.8.8"


def test_the_sender_refuses_before_connecting() -> None:
    result = PinnedHttpSender().send("http://127.0.0.1:9/x", {}, b"{}", datetime.now(UTC))
    assert result.status_code is None and result.error is not None and result.error.startswith("refused:")


def test_endpoints_validate_url_event_types_and_secret() -> None:
    secret = new_webhook_secret()
    with pytest.raises(InvalidArgumentError):
        WebhookEndpoint.register("t", "e", "javascript:alert(1)", ["verification.completed"], secret)
    with pytest.raises(InvalidArgumentError):
        WebhookEndpoint.register("t", "e", "https://example.org/h", [], secret)
    with pytest.raises(InvalidArgumentError):
        WebhookEndpoint.register("t", "e", "https://example.org/h", ["x"], type(secret)("not-whsec"))

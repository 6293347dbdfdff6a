"""A webhook endpoint may only ask for event types kycledger sends: a typo would mean silent non-delivery."""

from __future__ import annotations

import pytest

from domain.audit import audit_context
from domain.credentials import CredentialSecret
from domain.vocabulary import WEBHOOK_EVENT_TYPES
from domain.webhooks import UnknownWebhookEventTypeError, WebhookEndpoint

pytestmark = pytest.mark.unit

SECRET = CredentialSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")


@pytest.fixture(autouse=True)
def _audited() -> object:
    with audit_context("ten_a", "key:kyck_admin", "req-1"):
        yield


def test_known_event_types_register() -> None:
    endpoint = WebhookEndpoint.register("ten_a", "whe_1", "https://example.com/h",
                                        ["quota.threshold_reached", "verification.completed"], SECRET)
    assert endpoint.event_types == ["quota.threshold_reached", "verification.completed"]


@pytest.mark.parametrize("types", [["banana.happened"], ["verification.completed", "verification.complete"], []])
def test_unknown_or_no_event_types_are_refused_with_the_valid_ones(types: list[str]) -> None:
    with pytest.raises(UnknownWebhookEventTypeError) as refused:
        WebhookEndpoint.register("ten_a", "whe_1", "https://example.com/h", types, SECRET)
    assert refused.value.code == "unknown_webhook_event_type"
    assert refused.value.details["allowed"] == list(WEBHOOK_EVENT_TYPES)
    assert refused.value.details["unknown"] == sorted(t for t in types if t not in WEBHOOK_EVENT_TYPES)


def test_an_endpoint_recorded_with_an_unknown_type_still_reads_back() -> None:
    """Registered before the check: the Created event replays as recorded (it only never matches)."""
    endpoint = WebhookEndpoint(owner_tenant_id="ten_a", endpoint_id="whe_1",  # type: ignore[call-arg]
                               url="https://example.com/h", event_types=["banana.happened"], secret=SECRET)
    assert not endpoint.wants("verification.completed") and endpoint.wants("banana.happened")

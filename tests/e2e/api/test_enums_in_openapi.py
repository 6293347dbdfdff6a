"""The OpenAPI document lists every closed set as an enum with its meanings, and the server answers an
unknown value with the valid ones (requirements/platform §15)."""

from __future__ import annotations

from typing import Any

import pytest

from domain.check_reasons import CHECK_REASON_FAMILIES, CHECK_REASONS
from domain.sessions.status import SessionStatus
from domain.sessions.values import Route
from domain.vocabulary import REASON_CODES, WEBHOOK_EVENT_TYPES
from tests.e2e.api.helpers import ApiStack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def doc(stack: ApiStack) -> dict[str, Any]:
    answer = stack.http.get("/openapi.json")
    assert answer.status_code == 200
    return dict(answer.json())


def _prop(doc: dict[str, Any], schema: str, field: str) -> dict[str, Any]:
    found: dict[str, Any] = doc["components"]["schemas"][schema]["properties"][field]
    return found.get("items", found) if found.get("type") == "array" else found


@pytest.mark.parametrize(("name", "sample"), [
    ("CheckType", "age_verification"), ("RequestableCheck", "screening"), ("CaptureType", "liveness_frames"),
    ("SessionStatus", "manual_review"), ("Decision", "review"), ("Route", "compliance_escalation"),
    ("CheckOutcome", "uncertain"), ("WebhookEventType", "quota.threshold_reached"),
    ("RetryStep", "document_capture")])
def test_each_closed_set_is_a_described_enum_component(doc: dict[str, Any], name: str, sample: str) -> None:
    schema = doc["components"]["schemas"][name]
    assert sample in schema["enum"]
    assert all(f"`{value}`" in schema["description"] for value in schema["enum"])


def test_reason_codes_are_a_closed_pattern_with_every_code_described(doc: dict[str, Any]) -> None:
    schema = doc["components"]["schemas"]["ReasonCode"]
    assert schema["pattern"].startswith("^(") and all(code in schema["pattern"] for code in REASON_CODES)
    assert all(f"`{code}`" in schema["description"] for code in REASON_CODES)


def test_check_reasons_are_a_closed_pattern_with_every_code_described(doc: dict[str, Any]) -> None:
    schema = doc["components"]["schemas"]["CheckReason"]
    assert all(code in schema["pattern"] for code in (*CHECK_REASONS, *CHECK_REASON_FAMILIES))
    assert all(f"`{code}`" in schema["description"] for code in CHECK_REASONS)
    assert all(f"`{family}:*`" in schema["description"] for family in CHECK_REASON_FAMILIES)
    reasons = doc["components"]["schemas"]["CheckView"]["properties"]["reasons"]
    assert reasons["items"] == {"$ref": "#/components/schemas/CheckReason"}
    mobile = doc["components"]["schemas"]["MobileDecision"]["properties"]["reasons"]
    assert mobile["items"] == {"$ref": "#/components/schemas/ReasonCode"}


@pytest.mark.parametrize(("schema", "field", "sample"), [
    ("SessionCreate", "checks", "kya"), ("SessionCreate", "liveness_type", "active"),
    ("SessionCreate", "document_type", "national_id"), ("CaptureUpload", "type", "selfie"),
    ("VerifyRequest", "checks", "fraud"), ("ChallengeCreate", "checks", "liveness"),
    ("EndpointCreate", "event_types", "decision.made"), ("MemberCreate", "roles", "auditor"),
    ("SessionView", "status", "verified"), ("CheckView", "check", "quality"), ("CheckView", "outcome", "fail"),
    ("DecisionView", "route", "retry"), ("DecisionView", "decision", "rejected"),
    ("DecisionView", "retry_step", "selfie"), ("MobileDecision", "retryStep", "liveness"),
    ("MobileDecision", "route", "retry"), ("ScanView", "idType", "passport"),
    ("LivenessView", "sessionStatus", "verified"), ("ReviewCase", "queue", "compliance"),
    ("Proposal", "four_eyes", "overturns_rejection"), ("TenantView", "plan", "pro")])
def test_request_and_answer_fields_are_enums(doc: dict[str, Any], schema: str, field: str, sample: str) -> None:
    prop = _prop(doc, schema, field)
    members = prop.get("oneOf") or prop.get("anyOf") or [prop]
    assert any(sample in m.get("enum", []) for m in members), prop


@pytest.mark.parametrize(("path", "method", "status", "view"), [
    ("/kyc/id-scan", "post", "201", "ScanView"), ("/kyc/id-scan/{scan_id}", "get", "200", "ScanView"),
    ("/kyc/selfie", "post", "201", "LivenessView"), ("/kyc/liveness/{session_id}", "get", "200", "LivenessView"),
    ("/kyc/retry", "post", "200", "RetryView"), ("/kyc/manual-review", "post", "200", "SessionStatusView"),
    ("/kyc/help-request", "post", "200", "HelpLogged"), ("/v1/reviews", "get", "200", "ReviewQueueView"),
    ("/v1/reviews/{session_id}/claim", "post", "200", "ReviewCase"),
    ("/v1/reviews/{session_id}/release", "post", "200", "ReviewCase"),
    ("/v1/reviews/{session_id}/decision", "post", "200", "ReviewDecided"),
    ("/v1/reviews/{session_id}", "get", "200", "ReviewEvidence")])
def test_mobile_and_review_answers_are_documented_with_their_views(doc: dict[str, Any], path: str, method: str,
                                                                   status: str, view: str) -> None:
    answer = doc["paths"][path][method]["responses"][status]["content"]["application/json"]
    assert answer["schema"]["$ref"].endswith(f"/{view}")


def test_get_session_is_documented_with_the_session_view(doc: dict[str, Any]) -> None:
    answer = doc["paths"]["/v1/sessions/{session_id}"]["get"]["responses"]["200"]["content"]["application/json"]
    assert answer["schema"]["$ref"].endswith("/SessionView")


def test_unknown_values_are_refused_with_the_valid_ones(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    client = stack.client(tenant)
    answer = client.post("/v1/sessions", {"checks": ["ocr", "telepathy"]})
    assert answer.status_code == 400 and answer.json()["code"] == "unknown_value"
    details = answer.json()["details"]
    assert details["field"] == "checks[1]" and "screening" in details["allowed"] and "quality" not in details["allowed"]
    assert "telepathy" not in answer.text  # the refused value is not echoed
    admin = stack.client(stack.new_key(tenant.tenant_id, "admin"))
    hook = admin.post("/v1/webhooks", {"url": "https://example.com/hook", "event_types": ["banana.happened"]})
    assert hook.status_code == 400 and hook.json()["code"] == "unknown_value"
    assert set(hook.json()["details"]["allowed"]) == set(WEBHOOK_EVENT_TYPES)


def test_a_bad_value_in_a_non_enum_field_is_still_a_plain_validation_error(stack: ApiStack) -> None:
    client = stack.client(stack.new_tenant())
    answer = client.post("/v1/sessions", {"max_retries": 99})
    assert answer.status_code == 400 and answer.json()["code"] == "validation_error"


@pytest.mark.parametrize("path", ["/v1/sessions", "/v1/audit/sessions"])
def test_session_search_filters_publish_their_closed_sets(doc: dict[str, Any], path: str) -> None:
    parameters = {p["name"]: p["schema"] for p in doc["paths"][path]["get"]["parameters"]}
    assert set(parameters["status"]["enum"]) == {str(s) for s in SessionStatus}
    assert set(parameters["route"]["enum"]) == {str(r) for r in Route}
    assert parameters["from"]["format"] == parameters["to"]["format"] == "date-time"


def test_a_reviewers_verdict_is_an_enum(doc: dict[str, Any]) -> None:
    assert set(_prop(doc, "ReviewDecision", "decision")["enum"]) == {"accepted", "rejected"}

"""Closed sets are enums in the OpenAPI document, each equal to the domain's set, each value described;
an unknown value is answered with the valid ones (requirements/platform §15)."""

from __future__ import annotations

import ast
import typing
from pathlib import Path

import pytest

from api.allowed_values import allowed_at
from api.outcome_view import NEXT_STEP
from api.schemas import enums, mobile_views, review_views
from api.schemas.sessions import CaptureUpload, SessionCreate
from domain.checks import CheckType
from domain.members import TENANT_ROLES
from domain.ports.document import DocumentType
from domain.sessions import review
from domain.sessions.configuration import REQUESTABLE_CHECKS
from domain.sessions.status import SessionStatus
from domain.sessions.values import Decision, ReviewQueue, Route
from domain.tenancy import KeyRole, Plan
from domain.vocabulary import (
    CAPTURE_TYPES,
    CHECK_TYPES,
    REASON_CODES,
    REASON_FAMILIES,
    RETRY_STEPS,
    WEBHOOK_EVENT_TYPES,
    is_reason_code,
)
from projections import status_events

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]


def _values(literal: object) -> set[str]:
    return set(typing.get_args(literal))


@pytest.mark.parametrize(("literal", "domain"), [
    (enums.RequestableCheckName, {str(c) for c in REQUESTABLE_CHECKS}),
    (enums.CheckName, {str(c) for c in CheckType}),
    (enums.CaptureTypeName, set(CAPTURE_TYPES)),
    (enums.SessionStatusName, {str(s) for s in SessionStatus}),
    (enums.DecisionName, {str(d) for d in Decision}),
    (enums.RouteName, {str(r) for r in Route}),
    (enums.WebhookEventTypeName, set(WEBHOOK_EVENT_TYPES)),
    (enums.RetryStepName, set(RETRY_STEPS)),
    (mobile_views.ReadDocumentTypeName, {str(t) for t in DocumentType}),
    (typing.get_args(mobile_views.NextStep)[0], set(NEXT_STEP.values())),
    (typing.get_args(review_views.ReviewQueueName)[0], {str(q) for q in ReviewQueue}),
    (typing.get_args(review_views.FourEyesReason)[0],
     {review.COMPLIANCE_ESCALATION, review.OVERTURNS_REJECTION, review.TENANT_RULE}),
    (enums.TenantRoleName, {str(r) for r in TENANT_ROLES}),
    (enums.KeyRoleName, {str(r) for r in KeyRole}),
    (enums.PlanName, {str(p) for p in Plan}),
])
def test_each_api_enum_is_the_domain_set(literal: object, domain: set[str]) -> None:
    assert _values(literal) == domain


def test_every_check_type_is_described() -> None:
    assert set(CHECK_TYPES) == {str(c) for c in CheckType} and all(CHECK_TYPES.values())


def test_every_event_type_the_product_sends_is_a_webhook_event_type() -> None:
    sent = {v for k, v in vars(status_events).items() if k.isupper() and isinstance(v, str) and "." in v}
    assert sent and sent == set(WEBHOOK_EVENT_TYPES)


def _emitted_reason_codes() -> set[str]:
    """Every string constant in a tuple of reason codes the policy builds: ``RuleOutcome``'s third
    argument and assignments to ``*codes``, read from the source of policies/."""
    tuples: list[ast.Tuple] = []
    for path in (ROOT / "policies").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "RuleOutcome" and len(node.args) > 2 \
                    and isinstance(node.args[2], ast.Tuple):
                tuples.append(node.args[2])
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple) and any(
                    getattr(t, "id", "").endswith("codes") for t in node.targets):
                tuples.append(node.value)
    return {e.value for t in tuples for e in t.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}


def test_every_reason_code_the_policy_gives_is_listed() -> None:
    emitted = _emitted_reason_codes()
    assert len(emitted) >= 15
    assert emitted <= set(REASON_CODES)
    assert {"suspected_fraud", "fraud_uncertain", "document_expired"} <= set(REASON_CODES)


def _retry_steps_the_policy_gives() -> set[str]:
    """Every string given as ``retry_step=`` in policies/ (a rule's step) and every string the evaluator's
    ``_retry_step`` returns (``"all"`` when several steps failed), read from the source."""
    steps: set[str] = set()
    for path in (ROOT / "policies").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.keyword) and node.arg == "retry_step" and isinstance(node.value, ast.Constant) \
                    and isinstance(node.value.value, str):
                steps.add(node.value.value)
            if isinstance(node, ast.FunctionDef) and node.name == "_retry_step":
                steps |= {c.value for r in ast.walk(node) if isinstance(r, ast.Return) and r.value is not None
                          for c in ast.walk(r.value) if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    return steps


def test_every_retry_step_the_policy_gives_is_listed() -> None:
    given = _retry_steps_the_policy_gives()
    assert {"capture", "document_capture", "selfie", "liveness", "address_capture", "all"} <= given
    assert given == set(RETRY_STEPS) and all(RETRY_STEPS.values())


def test_reason_codes_and_their_detail_families() -> None:
    assert is_reason_code("face_match_none") and is_reason_code("quality:blur")
    assert not is_reason_code("banana") and not is_reason_code("quality:") and not is_reason_code("banana:x")
    assert set(REASON_FAMILIES) == {"quality", "document", "fraud", "address_proof"}


@pytest.mark.parametrize(("body", "key", "allowed"), [
    (SessionCreate, "checks[3]", sorted(str(c) for c in REQUESTABLE_CHECKS)),
    (SessionCreate, "liveness_type", ["active", "passive"]),
    (SessionCreate, "document_type", ["driver_license", "id_card", "national_id", "passport", "residence_permit"]),
    (CaptureUpload, "type", sorted(CAPTURE_TYPES)),
    (SessionCreate, "reference", None),  # a pattern, not an enum
    (SessionCreate, "nothing[0]", None),
])
def test_allowed_values_are_found_by_the_error_key(body: type, key: str, allowed: list[str] | None) -> None:
    found = allowed_at(body, key)
    assert (sorted(found) if found is not None else None) == allowed

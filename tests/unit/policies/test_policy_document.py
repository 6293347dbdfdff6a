"""The policy document as a value: canonical form, sha256 id, validation, activation per tenant."""

from __future__ import annotations

import json

import pytest

from domain.audit import audit_context
from domain.errors import NotFoundError
from domain.policy_registry import TenantPolicyRegistry, policy_document_hash
from domain.sessions.errors import InvalidPolicyError
from policies.document import DEFAULT_POLICY, PolicyDocument
from tests.unit.sessions.support import SessionTestLedger

pytestmark = pytest.mark.unit


def test_the_policy_id_is_the_sha256_of_its_canonical_json_and_ignores_key_order_and_spacing() -> None:
    document = DEFAULT_POLICY.to_dict()
    shuffled = json.loads(json.dumps(document, indent=4, sort_keys=False))
    shuffled = dict(reversed(list(shuffled.items())))
    assert policy_document_hash(shuffled) == DEFAULT_POLICY.policy_hash
    assert PolicyDocument.from_dict(shuffled) == DEFAULT_POLICY
    assert len(DEFAULT_POLICY.policy_hash) == 64


def test_integer_and_float_spellings_of_a_number_parse_to_the_same_policy() -> None:
    document = DEFAULT_POLICY.to_dict()
    document["weights"] = {"liveness": 30, "face_match": 40, "document": 25, "kya": 5}
    assert PolicyDocument.from_dict(document).policy_hash == DEFAULT_POLICY.policy_hash


def test_any_change_changes_the_id() -> None:
    assert PolicyDocument(accept_threshold=81).policy_hash != DEFAULT_POLICY.policy_hash
    assert PolicyDocument(version="3").policy_hash != DEFAULT_POLICY.policy_hash


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.update(extra=1),
        lambda d: d.update(schema="other/9"),
        lambda d: d["weights"].pop("kya"),
        lambda d: d["weights"].update(kya=-1),
        lambda d: d["bands"].update(review=90),
        lambda d: d["bands"].update(accept="80"),
        lambda d: d["face_match"].update(no_match_action="ignore"),
        lambda d: d["retry"].update(liveness_fail_max_retries=True),
        lambda d: d.pop("retry"),
    ],
)
def test_malformed_documents_raise_invalid_policy(mutate) -> None:
    document = DEFAULT_POLICY.to_dict()
    mutate(document)
    with pytest.raises(InvalidPolicyError) as err:
        PolicyDocument.from_dict(document)
    assert err.value.code == "invalid_policy"


def test_activation_is_an_event_per_tenant_carrying_the_document() -> None:
    ledger = SessionTestLedger()
    strict = PolicyDocument(name="strict", accept_threshold=90)
    with audit_context("ten_p", "admin", "req"):
        assert ledger.activate_policy("ten_p", DEFAULT_POLICY.to_dict(), DEFAULT_POLICY.policy_hash)
        assert not ledger.activate_policy("ten_p", DEFAULT_POLICY.to_dict(), DEFAULT_POLICY.policy_hash)
        assert ledger.activate_policy("ten_p", strict.to_dict(), strict.policy_hash)
        with pytest.raises(InvalidPolicyError):
            ledger.activate_policy("ten_p", strict.to_dict(), DEFAULT_POLICY.policy_hash)
    assert ledger.active_policy("ten_p") == (strict.policy_hash, strict.to_dict())
    assert ledger.policy_document("ten_p", DEFAULT_POLICY.policy_hash) == DEFAULT_POLICY.to_dict()
    assert ledger.active_policy("ten_other") is None
    with pytest.raises(NotFoundError):
        ledger.policy_document("ten_other", DEFAULT_POLICY.policy_hash)
    events = list(ledger.events.get(TenantPolicyRegistry.create_id("ten_p")))
    assert [type(e).TOPIC for e in events] == [
        "kycledger.policy.RegistryOpened",
        "kycledger.policy.PolicyActivated",
        "kycledger.policy.PolicyActivated",
    ]
    assert events[1].document == DEFAULT_POLICY.to_dict() and events[1].actor == "admin"

"""Audit HTTP surface: a session's proven timeline, bundles, replay and what-if, read-only
for auditor keys, and every auditor read recorded as a ledger event."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from adapters.integrity.ed25519_keys import ED25519, verify_checkpoint_signature
from domain.checks import Outcome
from domain.integrity.chain import entry_hash_of
from domain.integrity.merkle_verify import verify_inclusion
from policies.document import DEFAULT_POLICY
from services.evidence.bundle import verify_bundle
from tests.e2e.api.helpers import ApiStack
from tests.e2e.audit.support import decided_session, start_stack, topics

pytestmark = pytest.mark.e2e

ACCESS = "kycledger.audit.AuditAccessRecorded"


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ApiStack, Any, Any, str]]:
    stack = start_stack(Path(tmp_path_factory.mktemp("audit")))
    owner = stack.new_tenant()
    client = stack.client(owner)
    auditor = stack.client(stack.new_key(owner.tenant_id, role="auditor"))
    sid = decided_session(stack, client, owner.tenant_id)
    try:
        yield stack, client, auditor, sid
    finally:
        stack.close()


def test_session_timeline_proves_every_event_against_the_signed_checkpoint(audited: tuple[Any, ...]) -> None:
    _stack, _, auditor, sid = audited
    answer = auditor.get(f"/v1/audit/sessions/{sid}")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    events = body["events"]
    assert [e["version"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["topic"] == "kycledger.session.Created" and events[-1]["topic"] == "kycledger.session.DecisionMade"
    assert all(e["actor"] and e["request_id"] for e in events)
    note = body["checkpoint"]["note"].encode()
    checkpoint = verify_checkpoint_signature(base64.b64decode(body["public_key"]), note)
    assert checkpoint.size == body["checkpoint"]["tree_size"] >= events[-1]["position"]
    bundle = auditor.get(f"/v1/audit/sessions/{sid}/bundle").json()
    stored = {e["position"]: e for e in bundle["events"]}
    for event in events:  # each line re-hashes from its stored bytes and walks to the signed root
        raw = stored[event["position"]]
        leaf = entry_hash_of(bytes.fromhex(event["prev_hash"]), event["position"], event["notification_id"],
                             UUID(raw["originator_id"]),
                             event["version"], event["topic"], base64.b64decode(raw["state"]))
        assert leaf.hex() == event["entry_hash"]
        verify_inclusion(leaf, event["position"] - 1, checkpoint.size,
                         [bytes.fromhex(p) for p in event["inclusion_proof"]], checkpoint.root_hash)
    decision = body["decisions"][0]
    assert decision["policy_hash"] == DEFAULT_POLICY.policy_hash and decision["policy"] == DEFAULT_POLICY.to_dict()
    assert decision["inputs"] and decision["rules"] is not None and decision["score_breakdown"]
    assert decision["decision"] == "accepted"


def test_bundles_verify_offline_for_a_session_and_a_period(audited: tuple[Any, ...]) -> None:
    _stack, _, auditor, sid = audited
    session_bundle = auditor.get(f"/v1/audit/sessions/{sid}/bundle")
    assert session_bundle.status_code == 200
    report = verify_bundle(session_bundle.json(), ED25519)
    assert report.ok, report.reason
    now = datetime.now(UTC)
    query = f"from={(now - timedelta(hours=1)).isoformat()}&to={(now + timedelta(hours=1)).isoformat()}"
    period = auditor.get("/v1/audit/bundles?" + query.replace("+", "%2B"))
    assert period.status_code == 200, period.text
    assert sid in period.json()["scope"]["sessions"] and verify_bundle(period.json(), ED25519).ok
    empty = auditor.get("/v1/audit/bundles?from=2001-01-01T00:00:00%2B00:00&to=2001-02-01T00:00:00%2B00:00")
    assert empty.status_code == 404


def test_replay_reproduces_and_what_if_writes_no_history(audited: tuple[Any, ...]) -> None:
    stack, client, auditor, sid = audited
    replay = auditor.get(f"/v1/audit/sessions/{sid}/replay")
    assert replay.status_code == 200 and replay.json()["reproduced"] is True
    assert replay.json()["decisions"][0]["differences"] == []
    # a weak match (0.55 against the 0.65 threshold) goes to review under the default policy ...
    weak = decided_session(stack, client, auditor_tenant(stack, sid), similarity=0.55, face_outcome=Outcome.UNCERTAIN)
    before = len(list(stack.rt.ledger.events.get(UUID(weak))))
    strict = DEFAULT_POLICY.to_dict()
    strict["face_match"] = {"weak_match_margin": 0.0, "no_match_action": "reject"}  # ... and is no match here
    answer = auditor.post(f"/v1/audit/sessions/{weak}/what-if", {"policy": strict})
    assert answer.status_code == 200, answer.text
    result = answer.json()["decisions"][0]
    assert result["recorded"]["decision"] != "rejected" and result["proposed"]["decision"] == "rejected"
    assert answer.json()["changed"] is True and result["changed"] is True
    assert len(list(stack.rt.ledger.events.get(UUID(weak)))) == before  # the session's history is unchanged
    same = auditor.post(f"/v1/audit/sessions/{weak}/what-if", {"policy": DEFAULT_POLICY.to_dict()})
    assert same.status_code == 200 and same.json()["changed"] is False
    bad = auditor.post(f"/v1/audit/sessions/{sid}/what-if", {"policy": {"schema": "nope"}})
    assert bad.status_code == 422 and bad.json()["code"]


def auditor_tenant(stack: ApiStack, sid: str) -> str:
    return str(next(iter(stack.rt.ledger.events.get(UUID(sid)))).tenant_id)


def test_every_auditor_read_is_a_ledger_event(audited: tuple[Any, ...]) -> None:
    stack, _, auditor, sid = audited
    before = len(topics(stack, ACCESS))
    assert auditor.get(f"/v1/audit/sessions/{sid}").status_code == 200
    assert auditor.get(f"/v1/audit/sessions/{sid}/replay").status_code == 200
    recorded = topics(stack, ACCESS)[before:]
    assert [(e.resource, e.scope, e.role) for e in recorded] == [
        ("session_audit", sid, "auditor"), ("session_replay", sid, "auditor")]
    assert all(e.actor == f"key:{auditor.key_id}" for e in recorded)


def test_auditor_keys_are_read_only_and_clients_cannot_audit(audited: tuple[Any, ...]) -> None:
    _stack, client, auditor, sid = audited
    assert client.get(f"/v1/audit/sessions/{sid}").status_code == 403
    assert client.post(f"/v1/audit/sessions/{sid}/what-if", {"policy": {}}).status_code == 403
    for method, path, payload in (("POST", "/v1/sessions", {}), ("POST", f"/v1/sessions/{sid}/cancel",
                                                                 {"reason": "x"}),
                                  ("POST", f"/v1/sessions/{sid}/erasure", {"reason": "gdpr"}),
                                  ("POST", "/v1/webhooks", {"url": "https://example.com/h",
                                                            "event_types": ["verification.completed"]})):
        answer = auditor.request(method, path, content=json.dumps(payload).encode())
        assert answer.status_code == 403, (path, answer.text)

"""Evidence bundles of a real SQLite ledger, verified offline by ``kycledger ledger verify --bundle``."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.integrity.ed25519_keys import ED25519
from ops.bootstrap import LedgerRuntime
from ops.cli import main
from ops.integrity_wiring import RuntimeEvidence, trusted_public_key
from ops.runners.decision_worker import DecisionWorker
from services.evidence.bundle import build_bundle, verify_bundle, write_bundle
from tests.integration.decisions.seeding import TENANTS, open_ledger_at, seed_sessions
from tests.integration.erasure.forgery import resigned
from tests.unit.sessions.support import T0

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LedgerRuntime, list[Any]]]:
    rt = open_ledger_at(tmp_path_factory.mktemp("bundle"))
    ids = seed_sessions(rt, 6)
    DecisionWorker(rt.ledger).run_once()
    yield rt, ids
    rt.close()


@pytest.fixture(scope="module")
def bundle(ledger: tuple[LedgerRuntime, list[Any]]) -> dict[str, Any]:
    rt, ids = ledger
    return build_bundle(RuntimeEvidence(rt), TENANTS[0], ids[0])


def test_a_session_bundle_verifies_offline_through_the_cli(bundle: dict[str, Any], tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert verify_bundle(bundle, ED25519).ok
    assert {e["topic"] for e in bundle["events"]} >= {"kycledger.session.Created", "kycledger.session.DecisionMade"}
    assert len(bundle["policies"]) == 1 and len(bundle["policy_activations"]) == 1
    path = tmp_path / "bundle.json"
    write_bundle(bundle, path)
    capsys.readouterr()
    assert main(["ledger", "verify", "--bundle", str(path)]) == 0
    assert capsys.readouterr().out.startswith("ok: bundle of 1 session(s)")


def test_a_tenant_period_bundle_covers_its_sessions_only(ledger: tuple[LedgerRuntime, list[Any]]) -> None:
    rt, ids = ledger
    period = build_bundle(RuntimeEvidence(rt), TENANTS[0], start=T0 - timedelta(days=1), end=T0 + timedelta(days=1))
    assert verify_bundle(period, ED25519).ok
    assert sorted(period["scope"]["sessions"]) == sorted(str(i) for i in ids[0::2])


def _state_of(event: dict[str, Any]) -> dict[str, Any]:
    return json.loads(base64.b64decode(event["state"]))


def _edit_state(b: dict[str, Any]) -> None:
    event = b["events"][_decision_index(b)]
    state = _state_of(event)
    state["outcome"]["decision"] = "accepted" if state["outcome"]["decision"] != "accepted" else "rejected"
    event["state"] = base64.b64encode(json.dumps(state).encode()).decode()


def _decision_index(b: dict[str, Any]) -> int:
    return next(i for i, e in enumerate(b["events"]) if e["topic"] == "kycledger.session.DecisionMade")


TAMPERS: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("edited payload", lambda b: b["events"].__setitem__(_decision_index(b), {
        **b["events"][_decision_index(b)],
        "state": base64.b64encode(base64.b64decode(b["events"][_decision_index(b)]["state"]).replace(
            b'"decision":"', b'"decision":"X')).decode()}),
     "entry hash mismatch at position {decision}: the stored bytes, topic, originator, version or previous "
     "hash were changed"),
    ("edited proof", lambda b: b["events"][0]["inclusion_proof"].__setitem__(0, "00" * 32),
     "inclusion proof of position {first} does not lead to the signed root (root_mismatch: expected "),
    ("dropped event", lambda b: b["events"].pop(1),
     "session {session} is incomplete: version 2 is missing"),
    ("edited policy", lambda b: next(iter(b["policies"].values())).__setitem__("accept_threshold", 1),
     "the policy document {policy} does not hash to its id"),
    ("other key", lambda b: b.__setitem__("public_key", base64.b64encode(bytes(32)).decode()),
     "the checkpoint is not validly signed by the ledger key"),
]


@pytest.mark.parametrize(("name", "tamper", "reason"), TAMPERS, ids=[t[0] for t in TAMPERS])
def test_an_edited_bundle_fails_with_the_exact_reason(bundle: dict[str, Any], name: str,
                                                      tamper: Callable[[dict[str, Any]], None], reason: str) -> None:
    edited = copy.deepcopy(bundle)
    tamper(edited)
    report = verify_bundle(edited, ED25519)
    expected = reason.format(decision=bundle["events"][_decision_index(bundle)]["position"],
                             first=bundle["events"][0]["position"], session=bundle["scope"]["session_id"],
                             policy=next(iter(bundle["policies"])))
    assert not report.ok
    assert report.reason.startswith(expected), report.reason


def test_a_pinned_key_overrides_the_bundles_own(bundle: dict[str, Any]) -> None:
    report = verify_bundle(bundle, ED25519, pinned_key=bytes(32))
    assert not report.ok and report.reason.startswith("signed by an unknown key: the bundle names key id ")


def test_a_forged_bundle_resigned_with_another_key_is_refused_against_the_pinned_key(
        bundle: dict[str, Any], ledger: tuple[LedgerRuntime, list[Any]]) -> None:
    operator_key = trusted_public_key(ledger[0])
    assert verify_bundle(bundle, ED25519, pinned_key=operator_key).ok  # the genuine bundle, same pin
    forged = resigned(bundle)
    # Consistent with the key it carries: only the pin tells it from the ledger's own evidence.
    assert verify_bundle(forged, ED25519).ok
    report = verify_bundle(forged, ED25519, pinned_key=operator_key)
    assert not report.ok
    assert report.reason == (f"signed by an unknown key: the bundle names key id "
                             f"{hashlib.sha256(base64.b64decode(forged['public_key'])).hexdigest()}, "
                             f"not the pinned key {hashlib.sha256(operator_key).hexdigest()}")
    # Claiming the operator's key does not help: the checkpoint carries no signature by it.
    claiming = verify_bundle(resigned(bundle, claim_key=operator_key), ED25519, pinned_key=operator_key)
    assert not claiming.ok
    assert claiming.reason == ("the checkpoint is not validly signed by the ledger key: "
                               "checkpoint carries no signature by this key")


def test_the_cli_refuses_a_forged_bundle_against_the_pinned_key(
        bundle: dict[str, Any], ledger: tuple[LedgerRuntime, list[Any]], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "forged.json"
    write_bundle(resigned(bundle), path)
    pinned = base64.b64encode(trusted_public_key(ledger[0])).decode()
    capsys.readouterr()
    assert main(["ledger", "verify", "--bundle", str(path), "--public-key", pinned]) == 1
    assert capsys.readouterr().out.startswith("FAILED: signed by an unknown key")


def test_the_cli_reports_a_tampered_file(bundle: dict[str, Any], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    edited = copy.deepcopy(bundle)
    _edit_state(edited)
    path = tmp_path / "tampered.json"
    write_bundle(edited, path)
    capsys.readouterr()
    assert main(["ledger", "verify", "--bundle", str(path)]) == 1
    assert capsys.readouterr().out.startswith("FAILED: entry hash mismatch at position")

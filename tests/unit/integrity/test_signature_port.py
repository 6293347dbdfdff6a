"""The signature-verifier port (``domain.integrity.signatures``): which signature lines reach the
verifier, what its answer decides, and that the offline checks of services/ use the verifier they are
given (the Ed25519 adapter in ops/) rather than one of their own."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from adapters.integrity.ed25519_keys import ED25519, Ed25519CheckpointSigner
from domain.integrity.checkpoint import (
    Checkpoint,
    CheckpointSignatureError,
    SignedCheckpoint,
    sign_checkpoint,
)
from domain.integrity.signatures import SigningKeyError, verify_signed_checkpoint
from services.erasure.receipt import verify_receipt
from services.evidence.bundle import BUNDLE_FORMAT, BUNDLE_VERSION, verify_bundle

pytestmark = pytest.mark.unit

ORIGIN = "ledger.example.org/kyc"
CHECKPOINT = Checkpoint(ORIGIN, 7, hashlib.sha256(b"root").digest(), datetime(2025, 3, 4, tzinfo=UTC))
OPERATOR = Ed25519CheckpointSigner(Ed25519PrivateKey.from_private_bytes(bytes(range(32))), ORIGIN)
FORGER = Ed25519CheckpointSigner(Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33))), ORIGIN)


class RecordingVerifier:
    """Answers ``answer`` and remembers every (key, signature, message) it was asked about."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.asked: list[tuple[bytes, bytes, bytes]] = []

    def verify(self, public_key: bytes, signature: bytes, message: bytes) -> bool:
        self.asked.append((public_key, signature, message))
        return self.answer


def _note(*signers: Ed25519CheckpointSigner) -> bytes:
    lines = tuple(sign_checkpoint(CHECKPOINT, s).signatures[0] for s in signers)
    return SignedCheckpoint(CHECKPOINT, lines).encode()


def test_the_genuine_note_verifies_with_the_ed25519_adapter() -> None:
    assert verify_signed_checkpoint(ED25519, OPERATOR.public_key, _note(OPERATOR)) == CHECKPOINT


def test_the_verifiers_answer_decides_and_it_sees_the_body_and_the_keys_own_line() -> None:
    note = _note(FORGER, OPERATOR)
    accepting = RecordingVerifier(True)
    assert verify_signed_checkpoint(accepting, OPERATOR.public_key, note) == CHECKPOINT
    operator_line = sign_checkpoint(CHECKPOINT, OPERATOR).signatures[0].signature
    assert accepting.asked == [(OPERATOR.public_key, operator_line, CHECKPOINT.body())]
    with pytest.raises(CheckpointSignatureError, match="does not verify"):
        verify_signed_checkpoint(RecordingVerifier(False), OPERATOR.public_key, note)


def test_a_note_signed_only_by_another_key_never_reaches_the_verifier() -> None:
    accepting = RecordingVerifier(True)
    with pytest.raises(CheckpointSignatureError, match="no signature by this key"):
        verify_signed_checkpoint(accepting, OPERATOR.public_key, _note(FORGER))
    assert accepting.asked == []


def test_a_forged_line_named_for_the_operator_does_not_verify_with_the_adapter() -> None:
    forged = sign_checkpoint(CHECKPOINT, FORGER).signatures[0]
    genuine_hint = sign_checkpoint(CHECKPOINT, OPERATOR).signatures[0].key_hint
    claiming = SignedCheckpoint(CHECKPOINT, (type(forged)(forged.key_name, genuine_hint, forged.signature),))
    with pytest.raises(CheckpointSignatureError, match="does not verify"):
        verify_signed_checkpoint(ED25519, OPERATOR.public_key, claiming.encode())


def test_a_malformed_public_key_is_refused_before_the_verifier_is_asked() -> None:
    accepting = RecordingVerifier(True)
    with pytest.raises(SigningKeyError) as caught:
        verify_signed_checkpoint(accepting, OPERATOR.public_key[:31], _note(OPERATOR))
    assert caught.value.code == "signing_key_invalid" and accepting.asked == []


def test_the_offline_checks_use_the_verifier_they_are_given() -> None:
    note = base64.b64encode(_note(OPERATOR)).decode()
    key = base64.b64encode(OPERATOR.public_key).decode()
    bundle = {"format": BUNDLE_FORMAT, "version": BUNDLE_VERSION, "public_key": key, "checkpoint": note,
              "events": [], "policy_activations": [], "policies": {}, "scope": {"sessions": []}}
    assert verify_bundle(bundle, ED25519).ok
    refused = verify_bundle(bundle, RecordingVerifier(False))
    assert not refused.ok and "not validly signed" in refused.reason
    receipt = {"public_key": key, "previous_checkpoint": note, "checkpoint": note}
    ok, reason = verify_receipt(receipt, RecordingVerifier(False))
    assert not ok and "not validly signed" in reason

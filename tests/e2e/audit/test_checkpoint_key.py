"""The checkpoint key published at ``/.well-known/kycledger-checkpoint-key`` (api/web/checkpoint_key.py).

It is the key that signs the ledger's checkpoints (checked by verifying a real checkpoint with the
published verifier key), it is served without request signing, and a deployment that holds no
signing key publishes nothing instead of a wrong key.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from adapters.integrity.ed25519_keys import verify_checkpoint_signature
from domain.integrity.checkpoint import note_key_hint
from ops.cli import main
from ops.integrity_wiring import checkpoint_notes, trusted_public_key
from tests.e2e.api.helpers import ApiStack

pytestmark = pytest.mark.e2e

WELL_KNOWN = "/.well-known/kycledger-checkpoint-key"


def test_the_published_key_is_the_one_that_signs_the_checkpoints(tmp_path: Path) -> None:
    stack = ApiStack.start(tmp_path)
    try:
        stack.new_tenant()  # something in the ledger to checkpoint
        assert main(["ledger", "checkpoint", "--data-dir", str(tmp_path)]) == 0
        answer = stack.http.get(WELL_KNOWN)  # no signature headers: public
        assert answer.status_code == 200
        assert answer.headers["cache-control"] == "no-store"
        published = answer.json()
        key = base64.b64decode(published["public_key"])
        assert key == trusted_public_key(stack.rt)
        assert published["key_id"] == hashlib.sha256(key).hexdigest()
        assert published["algorithm"] == "Ed25519" and published["origin"]
        name, hint, typed = published["vkey"].split("+", 2)  # base64 may hold "+" too
        assert name == published["key_name"] and bytes.fromhex(hint) == note_key_hint(name, key)
        assert base64.b64decode(typed) == b"\x01" + key
        notes = checkpoint_notes(stack.rt)
        assert notes and verify_checkpoint_signature(key, notes[-1]).size >= 1
    finally:
        stack.close()


def test_a_deployment_without_a_signing_key_publishes_none(tmp_path: Path) -> None:
    stack = ApiStack.start(tmp_path, in_memory=True)
    try:
        answer = stack.http.get(WELL_KNOWN)
        assert answer.status_code == 404
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["code"] == "checkpoint_key_unpublished"
    finally:
        stack.close()


def _operator_key(path: Path) -> bytes:
    """The operator's signing key in a file of its own (mode 0600), as production keeps it; its public half."""
    from cryptography.hazmat.primitives import serialization

    from adapters.integrity.ed25519_keys import generate_private_key_file

    return generate_private_key_file(path).public_key().public_bytes(serialization.Encoding.Raw,
                                                                     serialization.PublicFormat.Raw)


def test_a_process_with_only_the_public_key_publishes_the_operators_key(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "ledger"
    public = _operator_key(tmp_path / "operator" / "checkpoint.pem")
    monkeypatch.setenv("KYC_CHECKPOINT_KEY_FILE", str(tmp_path / "operator" / "checkpoint.pem"))
    signer = ApiStack.start(data)  # the operator's signer: it holds the private key
    signer.new_tenant()
    assert main(["ledger", "checkpoint", "--data-dir", str(data)]) == 0
    signer.close()
    monkeypatch.delenv("KYC_CHECKPOINT_KEY_FILE")
    monkeypatch.setenv("KYC_CHECKPOINT_PUBLIC_KEY", base64.b64encode(public).decode())
    replica = ApiStack.start(data)  # an API replica: the public key only
    try:
        answer = replica.http.get(WELL_KNOWN)
        assert answer.status_code == 200, answer.text
        key = base64.b64decode(answer.json()["public_key"])
        assert key == public
        assert verify_checkpoint_signature(key, checkpoint_notes(replica.rt)[-1]).size >= 1  # it signs them
        assert not list(data.rglob("*.pem"))  # no key of its own was made up in the data dir
    finally:
        replica.close()


def test_a_public_key_file_in_pem_is_published_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    public = _operator_key(tmp_path / "operator.pem")
    pem = Ed25519PublicKey.from_public_bytes(public).public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    (tmp_path / "operator.pub").write_bytes(pem)
    monkeypatch.setenv("KYC_CHECKPOINT_PUBLIC_KEY_FILE", str(tmp_path / "operator.pub"))
    replica = ApiStack.start(tmp_path / "ledger")
    try:
        assert base64.b64decode(replica.http.get(WELL_KNOWN).json()["public_key"]) == public
    finally:
        replica.close()


@pytest.mark.parametrize("setting", ["another key", "not a key"])
def test_a_wrong_public_key_stops_the_start_instead_of_publishing_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str) -> None:
    from adapters.integrity.ed25519_keys import SigningKeyError

    _operator_key(tmp_path / "operator.pem")
    other = _operator_key(tmp_path / "other.pem")
    monkeypatch.setenv("KYC_CHECKPOINT_KEY_FILE", str(tmp_path / "operator.pem"))
    monkeypatch.setenv("KYC_CHECKPOINT_PUBLIC_KEY", other.hex() if setting == "another key" else "c2hvcnQ=")
    with pytest.raises(SigningKeyError):
        ApiStack.start(tmp_path / "ledger")

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

"""Checking a signed checkpoint against a trusted key, through a signature-verifier port.

Offline verification (exports, evidence bundles, erasure receipts: docs/architecture.md §4) trusts
a ledger only as far as its checkpoints verify under the pinned Ed25519 key. Which signature lines
count and what they sign is decided here; the Ed25519 arithmetic itself is behind
``SignatureVerifier``, implemented by ``adapters.integrity.ed25519_keys.Ed25519SignatureVerifier``
and handed to the use cases by the composition root (ops/).
"""

from __future__ import annotations

import hmac
from typing import Protocol

from domain.errors import DomainError
from domain.integrity.checkpoint import (
    Checkpoint,
    CheckpointSignatureError,
    key_id,
    note_key_hint,
    parse_signed_checkpoint,
)

PUBLIC_KEY_SIZE = 32


class SigningKeyError(DomainError):
    """A checkpoint key that cannot be loaded or used (a key file others may read, a malformed key)."""

    code = "signing_key_invalid"


class SignatureVerifier(Protocol):
    """Verifies Ed25519 signatures."""

    def verify(self, public_key: bytes, signature: bytes, message: bytes) -> bool:
        """Whether ``signature`` is a valid signature of ``message`` by the raw 32-byte ``public_key``.

        Raises ``SigningKeyError`` when ``public_key`` is not a usable key.
        """
        ...


def verify_signed_checkpoint(verifier: SignatureVerifier, public_key: bytes, signed_checkpoint: bytes) -> Checkpoint:
    """The checkpoint in ``signed_checkpoint`` if a signature line by ``public_key`` verifies.

    Raises ``SigningKeyError`` for a key that is not 32 raw bytes, ``CheckpointFormatError`` for
    malformed notes and ``CheckpointSignatureError`` when no signature by this key is present or none
    of them verifies.
    """
    if len(public_key) != PUBLIC_KEY_SIZE:
        raise SigningKeyError("an Ed25519 public key is 32 raw bytes", length=len(public_key))
    signed = parse_signed_checkpoint(signed_checkpoint)
    body = signed.checkpoint.body()
    expected_key = key_id(public_key).hex()
    by_key = [s for s in signed.signatures
              if hmac.compare_digest(s.key_hint, note_key_hint(s.key_name, public_key))]
    if not by_key:
        raise CheckpointSignatureError("checkpoint carries no signature by this key", key_id=expected_key)
    if any(verifier.verify(public_key, signature.signature, body) for signature in by_key):
        return signed.checkpoint
    raise CheckpointSignatureError("checkpoint signature does not verify", key_id=expected_key)

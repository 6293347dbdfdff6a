"""Offline verification of an erasure receipt (``services.erasure.engine``): the standard library,
``domain.integrity`` and a signature verifier only (``domain.integrity.signatures``; ops/ passes the
Ed25519 one), so an auditor checks a receipt with no database and no services."""

from __future__ import annotations

import base64
import json
from typing import Any
from uuid import UUID

from domain.errors import DomainError
from domain.integrity.chain import entry_hash_of, same_hash
from domain.integrity.merkle_verify import ProofVerificationError, verify_consistency, verify_inclusion
from domain.integrity.signatures import SignatureVerifier, verify_signed_checkpoint
from domain.subjects import SUBJECT_ERASED_TOPIC

RECEIPT_FORMAT = "kycledger-erasure-receipt"
ERASED_TOPIC = SUBJECT_ERASED_TOPIC


def verify_receipt(receipt: dict[str, Any], signatures: SignatureVerifier,
                   pinned_key: bytes | None = None) -> tuple[bool, str]:
    """(ok, reason): signatures, the erased entry's hash and both proofs, with no database."""
    try:
        key = pinned_key or base64.b64decode(receipt["public_key"])
        try:
            previous = verify_signed_checkpoint(signatures, key, base64.b64decode(receipt["previous_checkpoint"]))
            current = verify_signed_checkpoint(signatures, key, base64.b64decode(receipt["checkpoint"]))
        except DomainError as e:
            return False, f"a checkpoint is not validly signed by the ledger key: {e.message}"
        event = receipt["event"]
        position = int(event["position"])
        computed = entry_hash_of(bytes.fromhex(event["prev_hash"]), position, int(event["notification_id"]),
                                 UUID(event["originator_id"]), int(event["originator_version"]), event["topic"],
                                 base64.b64decode(event["state"]))
        if event["topic"] != ERASED_TOPIC or not same_hash(computed, bytes.fromhex(event["entry_hash"])):
            return False, f"the erasure entry at position {position} does not match its stored bytes"
        if json.loads(base64.b64decode(event["state"]))["key_id"] != receipt["key_id"]:
            return False, "the receipt's key id differs from the recorded one"
        if not previous.size < position <= current.size:
            return False, f"position {position} is not between the two checkpoints ({previous.size}, {current.size}]"
        verify_inclusion(computed, position - 1, current.size, [bytes.fromhex(p) for p in receipt["inclusion_proof"]],
                         current.root_hash)
        verify_consistency(previous.size, current.size, [bytes.fromhex(p) for p in receipt["consistency_proof"]],
                           previous.root_hash, current.root_hash)
    except ProofVerificationError as e:
        return False, f"proof failed: {e.message}"
    except (KeyError, ValueError, TypeError) as e:
        return False, f"the receipt is malformed: {type(e).__name__}"
    return True, ""

"""A forger's evidence bundle: rewritten, then made consistent again and re-signed with another key.

What someone who can edit a bundle but does not hold the operator's checkpoint key can produce:
the edited events get a fresh hash chain, a Merkle tree of their own and a checkpoint signed by the
forger's Ed25519 key. Every check a bundle can make on itself passes; only a pinned key refuses it.
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from adapters.integrity.ed25519_keys import Ed25519CheckpointSigner
from domain.integrity.chain import GENESIS_HASH, entry_hash_of
from domain.integrity.checkpoint import Checkpoint, sign_checkpoint
from domain.integrity.merkle import inclusion_proof_from_leaves, root_from_leaves

DECISION_MADE = "kycledger.session.DecisionMade"


def flip_decision(bundle: dict[str, Any]) -> None:
    """The forger's edit: the recorded decision turned into its opposite."""
    event = next(e for e in bundle["events"] if e["topic"] == DECISION_MADE)
    state = json.loads(base64.b64decode(event["state"]))
    state["outcome"]["decision"] = "accepted" if state["outcome"]["decision"] != "accepted" else "rejected"
    event["state"] = base64.b64encode(json.dumps(state).encode()).decode()


def resigned(bundle: dict[str, Any], edit: Callable[[dict[str, Any]], None] = flip_decision,
             claim_key: bytes | None = None) -> dict[str, Any]:
    """``bundle`` after ``edit``, re-chained, re-proven and signed by a new key.

    The bundle names the forger's key unless ``claim_key`` is given (a forger claiming the operator's).
    """
    forged = copy.deepcopy(bundle)
    edit(forged)
    entries = sorted([*forged["events"], *forged["policy_activations"]], key=lambda e: int(e["position"]))
    prev, leaves = GENESIS_HASH, []
    for position, entry in enumerate(entries, start=1):
        entry.update(position=position, notification_id=position, prev_hash=prev.hex())
        prev = entry_hash_of(prev, position, position, UUID(entry["originator_id"]),
                             int(entry["originator_version"]), entry["topic"], base64.b64decode(entry["state"]))
        entry["entry_hash"] = prev.hex()
        leaves.append(prev)
    for index, entry in enumerate(entries):
        entry["inclusion_proof"] = [p.hex() for p in inclusion_proof_from_leaves(leaves, index, len(leaves))]
    signer = Ed25519CheckpointSigner(Ed25519PrivateKey.generate(), "kycledger-checkpoint")
    checkpoint = Checkpoint.at(forged["origin"], len(leaves), root_from_leaves(leaves), datetime.now(UTC))
    note = base64.b64encode(sign_checkpoint(checkpoint, signer).encode()).decode()
    forged.update(checkpoint=note, checkpoints=[note],
                  public_key=base64.b64encode(claim_key or signer.public_key).decode())
    return forged

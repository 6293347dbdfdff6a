"""The operator's checkpoint key, published at a well-known URL (docs/architecture.md §4).

An auditor ties an evidence bundle to the ledger only through a key they trust: a bundle carries a
public key of its own, and anyone who rewrites a bundle can re-sign its checkpoint with a key of
their choosing. So the operator publishes the checkpoint key here, unauthenticated (it is public
and says nothing about any tenant), with its fingerprint (the key id ``kycledger ledger verify``
prints: SHA-256 of the raw key) for comparing over another channel, and the evidence viewer pins
it (``api/web/static/evidence-pin.js``).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from litestar import Controller, get

from api.dto import Dto
from api.errors import ApiProblem
from api.openapi import ok
from api.params import Deps
from api.ports import PublishedCheckpointKey
from domain.integrity.checkpoint import note_key_hint

WELL_KNOWN_KEY_PATH = "/.well-known/kycledger-checkpoint-key"
ED25519_ALGORITHM = b"\x01"  # C2SP signed-note algorithm byte of an Ed25519 verifier key


class CheckpointKey(Dto, frozen=True, kw_only=True):
    origin: str
    algorithm: str
    key_name: str
    public_key: str
    key_id: str
    vkey: str


def describe(published: PublishedCheckpointKey) -> CheckpointKey:
    """The published form: base64 raw key, its SHA-256 fingerprint and the C2SP signed-note verifier key."""
    hint = note_key_hint(published.key_name, published.public_key)
    typed_key = base64.b64encode(ED25519_ALGORITHM + published.public_key).decode("ascii")
    vkey = f"{published.key_name}+{hint.hex()}+{typed_key}"
    return CheckpointKey(origin=published.origin, algorithm="Ed25519", key_name=published.key_name,
                         public_key=base64.b64encode(published.public_key).decode("ascii"),
                         key_id=hashlib.sha256(published.public_key).hexdigest(), vkey=vkey)


_EXAMPLE: dict[str, Any] = {
    "origin": "kycledger.local/ledger", "algorithm": "Ed25519", "key_name": "kycledger-checkpoint",
    "public_key": "O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik=",
    "key_id": "139e3940e64b5491722088d9a0d741628fc826e09475d341a780acde3c4b8070",
    "vkey": "kycledger-checkpoint+b9a2b022+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop",
}


class CheckpointKeyController(Controller):
    """``GET /.well-known/kycledger-checkpoint-key``: public, read-only, outside request signing."""

    path = WELL_KNOWN_KEY_PATH
    tags = ("ledger",)

    @get("", operation_id="publishedCheckpointKey", sync_to_thread=False,
         summary="The public key that signs the ledger's checkpoints, with its fingerprint (pin it to verify "
                 "evidence bundles)",
         responses=ok(CheckpointKey, _EXAMPLE))
    def published(self, deps: Deps) -> CheckpointKey:
        published = deps.services.checkpoint_key
        if published is None:
            raise ApiProblem(404, "checkpoint_key_unpublished", "this deployment publishes no checkpoint key")
        return describe(published)

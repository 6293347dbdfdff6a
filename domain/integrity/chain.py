"""The hash-chain encoding of the ledger: one place, frozen by test vectors (docs/architecture.md §4).

Every stored event gets an entry hash, computed inside the transaction that inserts it:

    entry_hash = SHA-256(
        lp(b"kycledger.ledger.entry.v1")          # domain separation, versioned
        || prev_hash                              # 32 bytes; 32 zero bytes for position 1
        || u64(position)                          # 1, 2, 3, ... gap-free: the Merkle leaf index + 1
        || u64(notification_id)                   # the row's id in the events table (may have gaps)
        || lp(originator_id)                      # 16 raw UUID bytes
        || u64(originator_version)
        || lp(topic as UTF-8)
        || SHA-256(stored_state)                  # over the stored bytes, i.e. after encryption
    )

``lp(x)`` is a 4-byte big-endian length followed by ``x``; ``u64`` is 8 bytes big-endian. Hashing
the stored (encrypted) bytes is what lets a crypto-shredded subject's events still verify.
The entry hash is also the Merkle leaf data: leaf = SHA-256(0x00 || entry_hash) (RFC 9162).
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from uuid import UUID

ENTRY_DOMAIN = b"kycledger.ledger.entry.v1"
GENESIS_HASH = bytes(32)
HASH_SIZE = 32

_DOMAIN_PREFIX = len(ENTRY_DOMAIN).to_bytes(4, "big") + ENTRY_DOMAIN
_UUID_PREFIX = (16).to_bytes(4, "big")  # lp() of the 16 raw UUID bytes
_sha256 = hashlib.sha256
_pack_two_u64 = struct.Struct(">QQ").pack  # u64(position) || u64(notification_id)
_pack_u64 = struct.Struct(">Q").pack


@dataclass(frozen=True)
class ChainRecord:
    """What the chain binds of one stored event."""

    position: int
    notification_id: int
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes


def entry_hash(prev_hash: bytes, record: ChainRecord) -> bytes:
    """The entry hash of ``record`` chained onto ``prev_hash``."""
    return entry_hash_of(prev_hash, record.position, record.notification_id, record.originator_id,
                         record.originator_version, record.topic, record.state)


def entry_hash_of(
    prev_hash: bytes,
    position: int,
    notification_id: int,
    originator_id: UUID,
    originator_version: int,
    topic: str,
    state: bytes,
) -> bytes:
    """``entry_hash`` from loose fields: the writers' and the verifier's hot path (no object per event)."""
    if len(prev_hash) != HASH_SIZE:
        raise ValueError("prev_hash must be 32 bytes")
    try:
        numbers = _pack_two_u64(position, notification_id)
        version = _pack_u64(originator_version)
    except struct.error:
        raise ValueError("position, notification_id and originator_version must fit in u64") from None
    topic_bytes = topic.encode("utf-8")
    return _sha256(
        b"".join(
            (
                _DOMAIN_PREFIX,
                prev_hash,
                numbers,
                _UUID_PREFIX,
                originator_id.bytes,
                version,
                len(topic_bytes).to_bytes(4, "big"),
                topic_bytes,
                _sha256(state).digest(),
            )
        )
    ).digest()


def chain_hashes(records: Iterable[ChainRecord], prev_hash: bytes = GENESIS_HASH) -> Iterator[bytes]:
    """Yield the entry hash of each record in order, each chained onto the one before."""
    for record in records:
        prev_hash = entry_hash(prev_hash, record)
        yield prev_hash


def same_hash(a: bytes, b: bytes) -> bool:
    """Constant-time equality for hashes read from untrusted storage."""
    return hmac.compare_digest(a, b)

"""Checkpoints: a frozen canonical encoding, strict parsing, and Ed25519 signed notes that catch
forged, edited and re-signed checkpoints (docs/architecture.md §4)."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from adapters.integrity.ed25519_keys import (
    Ed25519CheckpointSigner,
    SigningKeyError,
    verify_checkpoint_signature,
)
from domain.integrity.checkpoint import (
    Checkpoint,
    CheckpointFormatError,
    CheckpointSignatureError,
    NoteSignature,
    SignedCheckpoint,
    key_id,
    note_key_hint,
    parse_checkpoint,
    parse_signed_checkpoint,
    sign_checkpoint,
)
from domain.integrity.merkle import EMPTY_ROOT

pytestmark = pytest.mark.unit

ROOT = hashlib.sha256(b"some root").digest()
WHEN = datetime(2025, 3, 4, 5, 6, 7, 89_000, tzinfo=UTC)
CHECKPOINT = Checkpoint("ledger.example.org/kyc", 1234, ROOT, WHEN)
FROZEN_BODY = (
    b"ledger.example.org/kyc\n"
    b"1234\n"
    + base64.b64encode(ROOT) + b"\n"
    b"kycledger-checkpoint v1\n"
    b"timestamp 2025-03-04T05:06:07.089Z\n"
)
SEED = bytes(range(32))


@pytest.fixture(scope="module")
def signer() -> Ed25519CheckpointSigner:
    return Ed25519CheckpointSigner(Ed25519PrivateKey.from_private_bytes(SEED), "ledger.example.org/kyc")


def test_body_encoding_is_frozen() -> None:
    assert CHECKPOINT.body() == FROZEN_BODY
    assert parse_checkpoint(FROZEN_BODY) == CHECKPOINT


def test_at_brings_any_aware_time_to_utc_milliseconds() -> None:
    local = datetime(2025, 3, 4, 7, 6, 7, 89_999, tzinfo=timezone(timedelta(hours=2)))
    assert Checkpoint.at("o", 1234, ROOT, local).timestamp == WHEN
    with pytest.raises(CheckpointFormatError):
        Checkpoint.at("o", 1, ROOT, datetime(2025, 1, 1))  # naive: whose clock?


@pytest.mark.parametrize(
    "fields",
    [
        {"origin": "has space"}, {"origin": ""}, {"origin": "caf\u00e9"}, {"origin": "a\nb"},
        {"size": -1}, {"size": True}, {"size": 2**63},
        {"root_hash": ROOT[:31]}, {"size": 0}, {"size": 0, "root_hash": ROOT},
        {"timestamp": WHEN.replace(tzinfo=None)}, {"timestamp": WHEN.replace(microsecond=89_001)},
        {"timestamp": WHEN.astimezone(timezone(timedelta(hours=1)))},
    ],
)
def test_invalid_fields_are_refused(fields: dict[str, object]) -> None:
    values: dict[str, object] = {"origin": CHECKPOINT.origin, "size": CHECKPOINT.size,
                                 "root_hash": CHECKPOINT.root_hash, "timestamp": CHECKPOINT.timestamp}
    values.update(fields)
    with pytest.raises(CheckpointFormatError) as caught:
        Checkpoint(**values)  # type: ignore[arg-type]
    assert caught.value.code == "checkpoint_malformed"


def test_the_empty_tree_checkpoint_is_valid() -> None:
    empty = Checkpoint("o", 0, EMPTY_ROOT, WHEN)
    assert parse_checkpoint(empty.body()) == empty


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"1234\n", b"01234\n"), (b"1234\n", b"+1234\n"), (b"1234\n", b"1234 \n"), (b"1234\n", b"-1\n"),
        (b"kycledger-checkpoint v1\n", b"kycledger-checkpoint v2\n"),
        (b"kycledger-checkpoint v1\n", b""),
        (b".089Z\n", b".089+00:00\n"), (b".089Z\n", b"Z\n"), (b"2025-03-04", b"2025-02-30"),
        (b"timestamp ", b"time "), (b"\n", b"\r\n"), (b"=\n", b"\n"),
        (b"ledger.example.org/kyc", b"ledger example"),
        (b".089Z\n", b".089Z"), (b".089Z\n", b".089Z\nextra line\n"),
    ],
)
def test_non_canonical_bodies_are_refused(old: bytes, new: bytes) -> None:
    mangled = FROZEN_BODY.replace(old, new, 1)
    assert mangled != FROZEN_BODY
    with pytest.raises(CheckpointFormatError):
        parse_checkpoint(mangled)


def test_non_canonical_base64_root_is_refused() -> None:
    text = base64.b64encode(ROOT)
    # The last base64 digit of 32 bytes carries 2 unused bits: setting them decodes to the same root.
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = alphabet.index(text[42:43])
    twin = text[:42] + alphabet[last ^ 1 : (last ^ 1) + 1] + text[43:]
    assert base64.b64decode(twin) == ROOT and twin != text
    with pytest.raises(CheckpointFormatError):
        parse_checkpoint(FROZEN_BODY.replace(text, twin))


def test_signed_note_is_c2sp_shaped_and_verifies(signer: Ed25519CheckpointSigner) -> None:
    note = sign_checkpoint(CHECKPOINT, signer).encode()
    body, _, signature_line = note.partition(b"\n\n")
    assert body + b"\n" == FROZEN_BODY
    name, blob = signature_line.decode().removeprefix("\u2014 ").removesuffix("\n").split(" ")
    raw = base64.b64decode(blob)
    # Key hint from first principles: SHA-256(name || 0x0A || 0x01 || public key)[:4].
    assert raw[:4] == hashlib.sha256(name.encode() + b"\n\x01" + signer.public_key).digest()[:4]
    Ed25519PublicKey.from_public_bytes(signer.public_key).verify(raw[4:], FROZEN_BODY)
    assert verify_checkpoint_signature(signer.public_key, note) == CHECKPOINT
    assert signer.key_id == hashlib.sha256(signer.public_key).digest() == key_id(signer.public_key)


def test_an_edited_checkpoint_fails_its_signature(signer: Ed25519CheckpointSigner) -> None:
    note = sign_checkpoint(CHECKPOINT, signer).encode()
    for old, new in ((b"1234\n", b"1235\n"), (b"07.089Z", b"07.090Z")):
        with pytest.raises(CheckpointSignatureError) as caught:
            verify_checkpoint_signature(signer.public_key, note.replace(old, new, 1))
        assert caught.value.code == "checkpoint_signature_invalid"


def test_a_flipped_signature_bit_fails(signer: Ed25519CheckpointSigner) -> None:
    signed = sign_checkpoint(CHECKPOINT, signer)
    sig = signed.signatures[0]
    bad = NoteSignature(sig.key_name, sig.key_hint, bytes([sig.signature[0] ^ 1]) + sig.signature[1:])
    with pytest.raises(CheckpointSignatureError):
        verify_checkpoint_signature(signer.public_key, SignedCheckpoint(CHECKPOINT, (bad,)).encode())


def test_a_checkpoint_re_signed_by_another_key_is_refused(signer: Ed25519CheckpointSigner) -> None:
    forger = Ed25519CheckpointSigner(Ed25519PrivateKey.generate(), signer.key_name)
    forged = sign_checkpoint(Checkpoint("ledger.example.org/kyc", 9, ROOT, WHEN), forger).encode()
    with pytest.raises(CheckpointSignatureError, match="no signature by this key"):
        verify_checkpoint_signature(signer.public_key, forged)
    # Copying our key hint onto the forger's signature does not help either.
    line = forged.split(b"\n\n")[1]
    sig = parse_signed_checkpoint(forged).signatures[0]
    spoofed = NoteSignature(sig.key_name, note_key_hint(sig.key_name, signer.public_key), sig.signature)
    note = forged.replace(line, spoofed.line())
    with pytest.raises(CheckpointSignatureError, match="does not verify"):
        verify_checkpoint_signature(signer.public_key, note)


def test_cosigned_note_verifies_with_either_key(signer: Ed25519CheckpointSigner) -> None:
    witness = Ed25519CheckpointSigner(Ed25519PrivateKey.generate(), "witness.example")
    ours = sign_checkpoint(CHECKPOINT, signer).signatures
    theirs = sign_checkpoint(CHECKPOINT, witness).signatures
    note = SignedCheckpoint(CHECKPOINT, ours + theirs).encode()
    assert parse_signed_checkpoint(note).signatures == ours + theirs
    assert verify_checkpoint_signature(signer.public_key, note) == CHECKPOINT
    assert verify_checkpoint_signature(witness.public_key, note) == CHECKPOINT


@pytest.mark.parametrize(
    "mangle",
    [
        lambda n: n.split(b"\n\n")[0] + b"\n",  # no signatures at all
        lambda n: n + b"\n",  # trailing blank line
        lambda n: n[:-1],  # last line unterminated
        lambda n: n.replace("\u2014".encode(), b"-"),  # hyphen instead of the em dash
        lambda n: n.replace(b"kyc ", b"kyc  ", 1),  # double space on the signature line
        lambda n: n[:-10] + b"!!!!!!!!!\n",  # not base64
        lambda n: n[:-6] + b"AAAA\n",  # wrong signature length
        lambda n: n.replace(b"\n\n", b"\n\n\xff"),  # not UTF-8
        lambda n: n.replace(b"\n\n", b"\n" + b"x" * 20_000 + b"\n\n"),  # oversized
    ],
)
def test_malformed_signed_notes_are_refused(signer: Ed25519CheckpointSigner, mangle: object) -> None:
    note = sign_checkpoint(CHECKPOINT, signer).encode()
    with pytest.raises(CheckpointFormatError):
        verify_checkpoint_signature(signer.public_key, mangle(note))  # type: ignore[operator]


def test_a_key_name_with_plus_or_space_cannot_sign() -> None:
    for name in ("a+b", "a b", ""):
        with pytest.raises(CheckpointFormatError):
            sign_checkpoint(CHECKPOINT, Ed25519CheckpointSigner(Ed25519PrivateKey.generate(), name))


def test_a_malformed_public_key_is_a_domain_error(signer: Ed25519CheckpointSigner) -> None:
    note = sign_checkpoint(CHECKPOINT, signer).encode()
    with pytest.raises(SigningKeyError) as caught:
        verify_checkpoint_signature(signer.public_key[:31], note)
    assert caught.value.code == "signing_key_invalid"

"""Signed checkpoints of the Merkle log: (origin, size, root, time) in a canonical signed note.

The body is a C2SP tlog-checkpoint with two extension lines, every line ending in ``\\n``:

    <origin>                       printable ASCII, no spaces (e.g. ``ledger.example.org/kyc``)
    <size>                         decimal, no leading zeros
    <root>                         standard base64 of the 32-byte RFC 9162 root hash
    kycledger-checkpoint v1        format and version of what follows
    timestamp <UTC time>           ``YYYY-MM-DDTHH:MM:SS.mmmZ`` (millisecond precision)

The signed form is a C2SP signed note: the body, an empty line, then one or more lines
``\u2014 <key name> <base64(key hint(4) || Ed25519 signature(64))>`` where the signature covers the
body bytes and the key hint is SHA-256(key name || 0x0A || 0x01 || raw public key)[:4]. So a
standard note verifier can check our checkpoints. Parsing is strict: only the exact bytes that
encoding produces are accepted. (docs/architecture.md §4; requirements/platform §6: immutable audit log.)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from domain.errors import DomainError
from domain.integrity.merkle import EMPTY_ROOT, HASH_SIZE

FORMAT_LINE = "kycledger-checkpoint v1"
ED25519_ALGORITHM = b"\x01"
ED25519_SIGNATURE_SIZE = 64
KEY_HINT_SIZE = 4
MAX_NOTE_BYTES = 16_384

_SIGNATURE_PREFIX = "\u2014 "
_ORIGIN = re.compile(r"[\x21-\x7e]{1,255}")
_KEY_NAME = re.compile(r"[\x21-\x2a\x2c-\x7e]{1,255}")  # printable ASCII without '+', as C2SP asks
_SIZE = re.compile(r"0|[1-9][0-9]{0,19}")
_TIMESTAMP = re.compile(r"timestamp (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})Z")


class CheckpointFormatError(DomainError):
    """Checkpoint fields or bytes that are not a canonical v1 checkpoint."""

    code = "checkpoint_malformed"


class CheckpointSignatureError(DomainError):
    """No valid signature by the expected key on a checkpoint."""

    code = "checkpoint_signature_invalid"


def key_id(public_key: bytes) -> bytes:
    """The key id of a raw 32-byte Ed25519 public key: its SHA-256."""
    return hashlib.sha256(public_key).digest()


def note_key_hint(key_name: str, public_key: bytes) -> bytes:
    """The C2SP signed-note key hint of an Ed25519 key."""
    return hashlib.sha256(key_name.encode("ascii") + b"\n" + ED25519_ALGORITHM + public_key).digest()[
        :KEY_HINT_SIZE
    ]


def _format_time(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class Checkpoint:
    """The statement "log ``origin`` had ``size`` leaves with root ``root_hash`` at ``timestamp``"."""

    origin: str
    size: int
    root_hash: bytes
    timestamp: datetime

    def __post_init__(self) -> None:
        if not isinstance(self.origin, str) or not _ORIGIN.fullmatch(self.origin):
            raise CheckpointFormatError("origin must be 1-255 printable ASCII characters without spaces")
        if isinstance(self.size, bool) or not isinstance(self.size, int) or not 0 <= self.size < 2**63:
            raise CheckpointFormatError("size must be an integer in [0, 2**63)", size=self.size)
        if not isinstance(self.root_hash, bytes) or len(self.root_hash) != HASH_SIZE:
            raise CheckpointFormatError("root hash must be 32 bytes")
        if self.size == 0 and self.root_hash != EMPTY_ROOT:
            raise CheckpointFormatError("the empty tree has root SHA-256('')")
        moment = self.timestamp
        if not isinstance(moment, datetime) or moment.utcoffset() is None or moment.utcoffset():
            raise CheckpointFormatError("timestamp must be a timezone-aware UTC datetime")
        if moment.microsecond % 1000 or moment.year < 1970:
            raise CheckpointFormatError("timestamp must be at millisecond precision, from 1970 on",
                                        timestamp=moment.isoformat())

    @classmethod
    def at(cls, origin: str, size: int, root_hash: bytes, moment: datetime) -> Checkpoint:
        """Build a checkpoint, bringing ``moment`` (aware) to UTC at millisecond precision."""
        if moment.utcoffset() is None:
            raise CheckpointFormatError("timestamp must be timezone-aware")
        utc = moment.astimezone(UTC)
        return cls(origin, size, root_hash, utc.replace(microsecond=utc.microsecond // 1000 * 1000))

    def body(self) -> bytes:
        """The canonical v1 bytes that are signed."""
        lines = (self.origin, str(self.size), base64.b64encode(self.root_hash).decode("ascii"),
                 FORMAT_LINE, f"timestamp {_format_time(self.timestamp)}")
        return ("\n".join(lines) + "\n").encode("ascii")


def parse_checkpoint(body: bytes) -> Checkpoint:
    """Parse canonical v1 checkpoint bytes; anything else raises ``CheckpointFormatError``."""
    try:
        text = body.decode("ascii")
    except UnicodeDecodeError:
        raise CheckpointFormatError("checkpoint body is not ASCII") from None
    lines = text.split("\n")
    if len(lines) != 6 or lines[-1] != "":
        raise CheckpointFormatError("checkpoint body must be exactly 5 newline-terminated lines")
    origin, size_text, root_text, format_line, time_line = lines[:5]
    if format_line != FORMAT_LINE:
        raise CheckpointFormatError("unknown checkpoint format", format=format_line[:64])
    if not _SIZE.fullmatch(size_text):
        raise CheckpointFormatError("size is not a canonical decimal")
    try:
        root_hash = base64.b64decode(root_text, validate=True)
    except binascii.Error:
        raise CheckpointFormatError("root hash is not base64") from None
    time_match = _TIMESTAMP.fullmatch(time_line)
    if time_match is None:
        raise CheckpointFormatError("timestamp line is not 'timestamp YYYY-MM-DDTHH:MM:SS.mmmZ'")
    try:
        moment = datetime.strptime(time_match.group(1), "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=UTC)
    except ValueError:
        raise CheckpointFormatError("timestamp is not a valid date and time") from None
    checkpoint = Checkpoint(origin, int(size_text), root_hash, moment)
    if checkpoint.body() != body:
        raise CheckpointFormatError("checkpoint body is not in canonical form")
    return checkpoint


@dataclass(frozen=True)
class NoteSignature:
    """One signature line of a signed note."""

    key_name: str
    key_hint: bytes
    signature: bytes

    def line(self) -> bytes:
        blob = base64.b64encode(self.key_hint + self.signature).decode("ascii")
        return f"{_SIGNATURE_PREFIX}{self.key_name} {blob}\n".encode()


@dataclass(frozen=True)
class SignedCheckpoint:
    """A checkpoint with its note signatures; ``encode()`` gives the bytes to store and export."""

    checkpoint: Checkpoint
    signatures: tuple[NoteSignature, ...]

    def encode(self) -> bytes:
        return self.checkpoint.body() + b"\n" + b"".join(sig.line() for sig in self.signatures)


def parse_signed_checkpoint(note: bytes) -> SignedCheckpoint:
    """Parse a signed checkpoint note strictly (signatures are not verified here)."""
    if len(note) > MAX_NOTE_BYTES:
        raise CheckpointFormatError("signed checkpoint too large", size=len(note))
    body_end = note.find(b"\n\n")
    if body_end < 0:
        raise CheckpointFormatError("signed checkpoint has no signature block")
    checkpoint = parse_checkpoint(note[: body_end + 1])
    block = note[body_end + 2 :]
    try:
        block_text = block.decode("utf-8")
    except UnicodeDecodeError:
        raise CheckpointFormatError("signature block is not UTF-8") from None
    if not block_text.endswith("\n"):
        raise CheckpointFormatError("signature block must end with a newline")
    signatures = tuple(_parse_signature_line(line) for line in block_text[:-1].split("\n"))
    signed = SignedCheckpoint(checkpoint, signatures)
    if signed.encode() != note:
        raise CheckpointFormatError("signed checkpoint is not in canonical form")
    return signed


def _parse_signature_line(line: str) -> NoteSignature:
    if not line.startswith(_SIGNATURE_PREFIX):
        raise CheckpointFormatError("signature line must start with an em dash and a space")
    parts = line[len(_SIGNATURE_PREFIX) :].split(" ")
    if len(parts) != 2 or not _KEY_NAME.fullmatch(parts[0]):
        raise CheckpointFormatError("signature line must be '<key name> <base64>'")
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except binascii.Error:
        raise CheckpointFormatError("signature is not base64") from None
    if len(blob) != KEY_HINT_SIZE + ED25519_SIGNATURE_SIZE:
        raise CheckpointFormatError("signature must be a 4-byte key hint and a 64-byte Ed25519 signature")
    return NoteSignature(parts[0], blob[:KEY_HINT_SIZE], blob[KEY_HINT_SIZE:])


class CheckpointSigner(Protocol):
    """Signs checkpoint bodies with an Ed25519 key."""

    @property
    def key_name(self) -> str:
        """The name on the note's signature line (e.g. the log origin)."""
        ...

    @property
    def public_key(self) -> bytes:
        """The raw 32-byte Ed25519 public key."""
        ...

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``message``."""
        ...


def sign_checkpoint(checkpoint: Checkpoint, signer: CheckpointSigner) -> SignedCheckpoint:
    """Sign ``checkpoint`` as a one-signature note."""
    if not _KEY_NAME.fullmatch(signer.key_name):
        raise CheckpointFormatError("key name must be 1-255 printable ASCII characters without '+'")
    signature = NoteSignature(signer.key_name, note_key_hint(signer.key_name, signer.public_key),
                              signer.sign(checkpoint.body()))
    return SignedCheckpoint(checkpoint, (signature,))


class CheckpointStore(Protocol):
    """Durable, append-only record of every signed checkpoint, in the order they were added."""

    def add(self, signed: SignedCheckpoint) -> None:
        """Record ``signed``."""
        ...

    def latest(self) -> SignedCheckpoint | None:
        """The checkpoint added last, or ``None`` before the first."""
        ...

    def all(self) -> list[SignedCheckpoint]:
        """Every checkpoint, oldest first."""
        ...


class CheckpointSink(Protocol):
    """An external write-once destination for signed checkpoints (a WORM bucket, a witness)."""

    def export(self, signed: SignedCheckpoint) -> str:
        """Publish ``signed``; return where it went. Never replaces anything already published."""
        ...

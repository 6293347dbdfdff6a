"""Ed25519 keys that sign ledger checkpoints, and the signature verifier the offline checks use.

Keys come from configuration (a PEM or raw 32-byte file, or a hex/base64 seed string); ``kycledger
dev`` generates one into its data dir, readable by the owner only. The key id is SHA-256 of the raw
public key (``domain.integrity.checkpoint.key_id``).
"""

from __future__ import annotations

import base64
import binascii
import os
import stat
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from domain.integrity.checkpoint import Checkpoint, key_id
from domain.integrity.signatures import SigningKeyError, verify_signed_checkpoint

DEV_KEY_FILE = "checkpoint-ed25519.pem"
_SEED_SIZE = 32


class Ed25519CheckpointSigner:
    """``CheckpointSigner`` backed by a ``cryptography`` Ed25519 private key."""

    def __init__(self, private_key: Ed25519PrivateKey, key_name: str) -> None:
        self._private_key = private_key
        self._key_name = key_name
        self._public_key = private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def key_name(self) -> str:
        return self._key_name

    @property
    def public_key(self) -> bytes:
        return self._public_key

    @property
    def key_id(self) -> bytes:
        return key_id(self._public_key)

    def sign(self, message: bytes) -> bytes:
        return self._private_key.sign(message)


def private_key_from_bytes(data: bytes) -> Ed25519PrivateKey:
    """Parse an unencrypted PKCS#8 PEM, a raw 32-byte seed, or the seed as hex or base64 text."""
    if data.lstrip().startswith(b"-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError) as error:
            raise SigningKeyError("PEM is not an unencrypted private key", reason=str(error)) from None
        if not isinstance(key, Ed25519PrivateKey):
            raise SigningKeyError("PEM key is not Ed25519", key_type=type(key).__name__)
        return key
    return Ed25519PrivateKey.from_private_bytes(_seed(data))


def _seed(data: bytes) -> bytes:
    if len(data) == _SEED_SIZE:
        return data
    text = data.strip()
    for decode in (binascii.unhexlify, lambda t: base64.b64decode(t, validate=True)):
        try:
            seed = decode(text)
        except (binascii.Error, ValueError):
            continue
        if len(seed) == _SEED_SIZE:
            return seed
    raise SigningKeyError("an Ed25519 key is a PEM, 32 raw bytes, or 32 bytes as hex or base64")


def load_private_key_file(path: Path) -> Ed25519PrivateKey:
    """Load a key file, refusing one that group or others may read (like ssh does)."""
    try:
        mode = path.stat().st_mode
        data = path.read_bytes()
    except OSError as error:
        raise SigningKeyError("cannot read the checkpoint key file", path=str(path),
                              reason=error.strerror) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SigningKeyError("checkpoint key file must be readable by its owner only (chmod 600)",
                              path=str(path), mode=oct(stat.S_IMODE(mode)))
    return private_key_from_bytes(data)


def generate_private_key_file(path: Path) -> Ed25519PrivateKey:
    """Create a new key as PKCS#8 PEM at ``path`` with mode 0600; never replaces an existing file."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)  # the umask can only narrow O_CREAT's mode; make it exact anyway
        os.write(fd, pem)
        os.fsync(fd)
    finally:
        os.close(fd)
    return key


def load_or_create_dev_key(data_dir: Path) -> Ed25519PrivateKey:
    """The embedded stack's key: ``<data_dir>/checkpoint-ed25519.pem``, generated on first use."""
    path = data_dir / DEV_KEY_FILE
    try:
        return generate_private_key_file(path)
    except FileExistsError:
        return load_private_key_file(path)


def public_key_bytes(private_key: Ed25519PrivateKey) -> bytes:
    """The raw 32-byte public key (what an export carries for offline verification)."""
    return private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_from_bytes(data: bytes) -> bytes:
    """The raw 32-byte public key from a PEM ``PUBLIC KEY``, 32 raw bytes, or 32 bytes as hex or base64
    text (what ``kycledger ledger public-key`` and the well-known URL show)."""
    if data.lstrip().startswith(b"-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(data)
        except (ValueError, TypeError) as error:
            raise SigningKeyError("PEM is not a public key", reason=str(error)) from None
        if not isinstance(key, Ed25519PublicKey):
            raise SigningKeyError("PEM key is not Ed25519", key_type=type(key).__name__)
        return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    try:
        raw = _seed(data)
    except SigningKeyError:
        raise SigningKeyError("an Ed25519 public key is a PEM, 32 raw bytes, or 32 bytes as hex or base64") from None
    try:
        Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise SigningKeyError("not an Ed25519 public key") from None
    return raw


class Ed25519SignatureVerifier:
    """``domain.integrity.signatures.SignatureVerifier`` backed by ``cryptography``'s Ed25519."""

    def verify(self, public_key: bytes, signature: bytes, message: bytes) -> bool:
        try:
            verifier = Ed25519PublicKey.from_public_bytes(public_key)
        except ValueError:
            raise SigningKeyError("an Ed25519 public key is 32 raw bytes", length=len(public_key)) from None
        try:
            verifier.verify(signature, message)
        except InvalidSignature:
            return False
        return True


ED25519 = Ed25519SignatureVerifier()


def verify_checkpoint_signature(public_key: bytes, signed_checkpoint: bytes) -> Checkpoint:
    """``verify_signed_checkpoint`` with the Ed25519 verifier (for the composition root and tests)."""
    return verify_signed_checkpoint(ED25519, public_key, signed_checkpoint)

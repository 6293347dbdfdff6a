"""The key-encryption key (KEK): wraps every subject data key and seals API key secrets.

It comes from configuration (``KYC_KEK`` base64, or ``KYC_KEK_FILE``) or, for the embedded
``dev`` stack only, is generated into the data dir with 0600 permissions. It never enters a database.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEK_SIZE = 32
NONCE_SIZE = 12


class KeyConfigurationError(RuntimeError):
    """The KEK is missing or malformed: the ledger refuses to start rather than store plaintext."""


class KeyEncryptionKey:
    def __init__(self, material: bytes) -> None:
        if len(material) != KEK_SIZE:
            raise KeyConfigurationError("the key-encryption key must be 32 bytes (AES-256)")
        self._material = material
        self.key_id = "kek_" + hashlib.sha256(b"kycledger.kek.id|" + material).hexdigest()[:16]

    @classmethod
    def from_base64(cls, text: str) -> KeyEncryptionKey:
        try:
            return cls(base64.b64decode(text.strip(), validate=True))
        except ValueError as e:
            raise KeyConfigurationError("KYC_KEK is not valid base64") from e

    @classmethod
    def from_file(cls, path: Path) -> KeyEncryptionKey:
        if not path.is_file():
            raise KeyConfigurationError(f"KEK file not found: {path}")
        return cls.from_base64(path.read_text(encoding="ascii"))

    @classmethod
    def load_or_create(cls, path: Path) -> KeyEncryptionKey:
        """Development only: reuse the KEK in ``path`` or create one there (0600)."""
        if path.exists():
            return cls.from_file(path)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        material = os.urandom(KEK_SIZE)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(base64.b64encode(material).decode("ascii"))
        return cls(material)

    def wrap(self, data_key: bytes, context: bytes) -> bytes:
        nonce = os.urandom(NONCE_SIZE)
        return nonce + AESGCM(self._material).encrypt(nonce, data_key, b"kycledger.wrap.v1|" + context)

    def unwrap(self, wrapped: bytes, context: bytes) -> bytes:
        nonce, ciphertext = wrapped[:NONCE_SIZE], wrapped[NONCE_SIZE:]
        return AESGCM(self._material).decrypt(nonce, ciphertext, b"kycledger.wrap.v1|" + context)

    def derive(self, purpose: str) -> bytes:
        """A 32-byte key for one purpose (e.g. sealing credentials), derived with HKDF-SHA256."""
        return HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"kycledger.derive.v1|" + purpose.encode()
        ).derive(self._material)

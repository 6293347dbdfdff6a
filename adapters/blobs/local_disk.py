"""``LocalDiskBlobStore``: the embedded blob store, AES-256-GCM files under the data dir.

Layout: ``<root>/<subject tag>/<ref[:2]>/<ref>``. The subject tag and the reference are HMACs under
a key derived from the KEK, so the directory tree shows neither subject ids nor content hashes, and
the same image stored for two subjects lands at unrelated addresses (no cross-subject linking).
Each file is ``MAGIC | len(media_type) | media_type | nonce | AES-GCM(data key, content)`` with the
reference and media type as associated data, so a file moved to another address or subject fails
to decrypt. The data key is the subject's key from the existing vault (never a second key scheme).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.errors import InvalidArgumentError, SubjectErasedError
from domain.ports.blobs import BlobNotFoundError, StoredBlob

MAGIC = b"KLB1"
NONCE_SIZE = 12
ADDRESS_PURPOSE = "blob-address"

DataKeySource = Callable[..., tuple[str, bytes] | None]
"""``vault.data_key(subject_id, create=...)`` of ``adapters.crypto.subject_keys.SubjectKeyVault``."""


class BlobIntegrityError(InvalidArgumentError):
    """A stored blob does not decrypt: it was altered or moved."""

    code = "blob_integrity_failed"


class LocalDiskBlobStore:
    """BlobStore on a local directory (embedded ``kycledger dev``)."""

    def __init__(self, root: Path, data_key: DataKeySource, address_key: bytes) -> None:
        if len(address_key) < 32:
            raise ValueError("the blob address key must be at least 32 bytes")
        self.root = root
        self._data_key = data_key
        self._address_key = address_key
        root.mkdir(parents=True, exist_ok=True, mode=0o700)

    # ------------------------------------------------------------------ addressing
    def _tag(self, *parts: bytes) -> str:
        return hmac.new(self._address_key, b"\x00".join(parts), hashlib.sha256).hexdigest()

    def _subject_dir(self, subject_id: str) -> Path:
        return self.root / self._tag(b"subject", subject_id.encode())[:32]

    def address(self, subject_id: str, content_sha256: str) -> str:
        """The reference of content with this sha256 stored for this subject."""
        return self._tag(b"blob", subject_id.encode(), bytes.fromhex(content_sha256))

    def _path(self, subject_id: str, ref: str) -> Path:
        if len(ref) != 64 or any(c not in "0123456789abcdef" for c in ref):
            raise BlobNotFoundError("blob not found")
        return self._subject_dir(subject_id) / ref[:2] / ref

    # ------------------------------------------------------------------ BlobStore
    def put(self, subject_id: str, content: bytes, media_type: str) -> StoredBlob:
        if not content:
            raise InvalidArgumentError("an empty blob cannot be stored")
        encoded_type = media_type.encode("ascii")
        if not 0 < len(encoded_type) < 128:
            raise InvalidArgumentError("media type must be 1-127 ASCII characters")
        key = self._data_key(subject_id, create=True)
        if key is None:  # the vault raises for erased subjects; None would mean a vault defect
            raise SubjectErasedError("no data key for the subject", subject_id=subject_id)
        digest = hashlib.sha256(content).hexdigest()
        ref = self.address(subject_id, digest)
        path = self._path(subject_id, ref)
        stored = StoredBlob(ref=ref, content_sha256=digest, size=len(content), media_type=media_type)
        if path.exists():  # content-addressed: the same bytes are already there
            return stored
        nonce = os.urandom(NONCE_SIZE)
        sealed = AESGCM(key[1]).encrypt(nonce, content, self._aad(ref, encoded_type))
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{ref}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(MAGIC + bytes([len(encoded_type)]) + encoded_type + nonce + sealed)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        return stored

    def get(self, subject_id: str, ref: str) -> bytes:
        key = self._data_key(subject_id, create=False)
        if key is None:
            # Either erased (key destroyed) or nothing was ever stored for this subject.
            raise SubjectErasedError("media of this subject is not available (erased)", subject_id=subject_id)
        path = self._path(subject_id, ref)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise BlobNotFoundError("blob not found") from None
        if raw[:4] != MAGIC or len(raw) < 5:
            raise BlobIntegrityError("blob file is not a kycledger blob")
        type_length = raw[4]
        encoded_type = raw[5:5 + type_length]
        nonce = raw[5 + type_length:5 + type_length + NONCE_SIZE]
        try:
            return AESGCM(key[1]).decrypt(nonce, raw[5 + type_length + NONCE_SIZE:], self._aad(ref, encoded_type))
        except InvalidTag:
            raise BlobIntegrityError("blob does not decrypt: altered, moved or under another key") from None

    def purge(self, subject_id: str) -> tuple[str, ...]:
        folder = self._subject_dir(subject_id)
        if not folder.exists():
            return ()
        refs = tuple(sorted(p.name for p in folder.glob("??/*") if not p.name.startswith(".")))
        for path in folder.glob("??/*"):
            # Overwrite before unlinking: cheap, and the ciphertext is useless after key destruction anyway.
            size = path.stat().st_size
            with open(path, "r+b") as handle:
                handle.write(b"\x00" * size)
                handle.flush()
                os.fsync(handle.fileno())
        shutil.rmtree(folder)
        return refs

    @staticmethod
    def _aad(ref: str, encoded_type: bytes) -> bytes:
        return b"kycledger.blob.v1|" + ref.encode("ascii") + b"|" + encoded_type

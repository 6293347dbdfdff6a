"""The local encrypted blob store: round trip, content addressing per subject, purge, tampering."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from adapters.blobs import BlobIntegrityError, LocalDiskBlobStore
from adapters.crypto.kek import KeyEncryptionKey
from adapters.crypto.subject_keys import SQLiteSubjectKeyVault
from domain.errors import SubjectErasedError
from domain.ports.blobs import BlobNotFoundError

pytestmark = pytest.mark.unit

CONTENT = b"\xff\xd8\xff" + os.urandom(2048)


@pytest.fixture()
def store_and_vault(tmp_path: Path) -> tuple[LocalDiskBlobStore, SQLiteSubjectKeyVault]:
    kek = KeyEncryptionKey(os.urandom(32))
    vault = SQLiteSubjectKeyVault(kek, tmp_path / "keys.db")
    return LocalDiskBlobStore(tmp_path / "blobs", vault.data_key, kek.derive("blob-address")), vault


def test_round_trip_and_no_plaintext_on_disk(store_and_vault: tuple[LocalDiskBlobStore, SQLiteSubjectKeyVault]) -> None:
    store, _ = store_and_vault
    stored = store.put("ten:1", CONTENT, "image/jpeg")
    assert stored.content_sha256 == hashlib.sha256(CONTENT).hexdigest()
    assert stored.ref != stored.content_sha256
    assert store.get("ten:1", stored.ref) == CONTENT
    files = [p for p in store.root.rglob("*") if p.is_file()]
    assert len(files) == 1
    raw = files[0].read_bytes()
    assert CONTENT[3:200] not in raw
    assert stored.content_sha256 not in str(files[0]) and "ten:1" not in str(files[0])


def test_same_content_same_ref_for_a_subject_unrelated_across_subjects(
        store_and_vault: tuple[LocalDiskBlobStore, SQLiteSubjectKeyVault]) -> None:
    store, _ = store_and_vault
    first, again = store.put("ten:1", CONTENT, "image/jpeg"), store.put("ten:1", CONTENT, "image/jpeg")
    other = store.put("ten:2", CONTENT, "image/jpeg")
    assert first.ref == again.ref
    assert other.ref != first.ref
    with pytest.raises(BlobNotFoundError):
        store.get("ten:2", first.ref)  # a reference of one subject means nothing for another


def test_purge_then_read_fails_clearly(store_and_vault: tuple[LocalDiskBlobStore, SQLiteSubjectKeyVault]) -> None:
    store, vault = store_and_vault
    stored = store.put("ten:1", CONTENT, "image/jpeg")
    kept = store.put("ten:2", CONTENT, "image/jpeg")
    vault.destroy("ten:1")
    assert store.purge("ten:1") == (stored.ref,)
    with pytest.raises(SubjectErasedError):
        store.get("ten:1", stored.ref)
    with pytest.raises(SubjectErasedError):
        store.put("ten:1", CONTENT, "image/jpeg")  # no new personal data after erasure
    assert store.get("ten:2", kept.ref) == CONTENT


def test_tampered_or_moved_blob_does_not_decrypt(
        store_and_vault: tuple[LocalDiskBlobStore, SQLiteSubjectKeyVault]) -> None:
    store, _ = store_and_vault
    a = store.put("ten:1", CONTENT, "image/jpeg")
    b = store.put("ten:1", CONTENT + b"x", "image/jpeg")
    path_a = next(p for p in store.root.rglob(a.ref))
    path_b = next(p for p in store.root.rglob(b.ref))
    path_a.write_bytes(path_b.read_bytes())  # b's ciphertext at a's address
    with pytest.raises(BlobIntegrityError):
        store.get("ten:1", a.ref)
    with pytest.raises(BlobNotFoundError):
        store.get("ten:1", "../../etc/passwd")

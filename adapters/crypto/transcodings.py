"""eventsourcing transcodings that seal personal data and credentials inside stored events.

They run in the mapper, i.e. before the stored bytes exist, so what gets hashed into the chain and
written to disk is ciphertext only (docs/architecture.md §4 and §5).
"""

from __future__ import annotations

import base64
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Transcoding

from adapters.crypto.kek import NONCE_SIZE, KeyEncryptionKey
from adapters.crypto.subject_keys import SubjectKeyVault
from domain.credentials import CredentialSecret
from domain.personal_data import PersonalData


class SealedDataCorruptError(RuntimeError):
    """A sealed field failed authentication: the stored bytes were altered."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


class PersonalDataAsCiphertext(Transcoding):
    """AES-256-GCM under the subject's own data key; reads back as erased once the key is gone."""

    type = PersonalData
    name = "pii_v1"

    def __init__(self, vault: SubjectKeyVault) -> None:
        self.vault = vault

    def encode(self, obj: PersonalData) -> dict[str, str]:
        found = self.vault.data_key(obj.subject_id, create=True)
        assert found is not None  # create=True either returns a key or raises SubjectErasedError
        key_id, key = found
        nonce = os.urandom(NONCE_SIZE)
        aad = f"kycledger.pii.v1|{obj.subject_id}|{key_id}".encode()
        ciphertext = AESGCM(key).encrypt(nonce, obj.value.encode("utf-8"), aad)
        return {"s": obj.subject_id, "k": key_id, "c": _b64(nonce + ciphertext)}

    def decode(self, data: dict[str, str]) -> PersonalData:
        subject_id, key_id = data["s"], data["k"]
        found = self.vault.data_key(subject_id, create=False)
        if found is None or found[0] != key_id:
            return PersonalData.erased(subject_id)
        blob = _unb64(data["c"])
        aad = f"kycledger.pii.v1|{subject_id}|{key_id}".encode()
        try:
            plaintext = AESGCM(found[1]).decrypt(blob[:NONCE_SIZE], blob[NONCE_SIZE:], aad)
        except InvalidTag as e:
            raise SealedDataCorruptError(f"personal data of subject {subject_id} fails authentication") from e
        return PersonalData.of(subject_id, plaintext.decode("utf-8"))


class CredentialSecretAsCiphertext(Transcoding):
    """AES-256-GCM under a key derived from the KEK for credentials only."""

    type = CredentialSecret
    name = "credential_v1"
    _AAD = b"kycledger.credential.v1"

    def __init__(self, kek: KeyEncryptionKey) -> None:
        self._aead = AESGCM(kek.derive("credentials"))

    def encode(self, obj: CredentialSecret) -> str:
        nonce = os.urandom(NONCE_SIZE)
        return _b64(nonce + self._aead.encrypt(nonce, obj.reveal().encode("utf-8"), self._AAD))

    def decode(self, data: str) -> CredentialSecret:
        blob = _unb64(data)
        try:
            plaintext = self._aead.decrypt(blob[:NONCE_SIZE], blob[NONCE_SIZE:], self._AAD)
        except InvalidTag as e:
            raise SealedDataCorruptError("a sealed credential fails authentication (wrong KEK?)") from e
        return CredentialSecret(plaintext.decode("utf-8"))


def sealing_transcodings(kek: KeyEncryptionKey, vault: SubjectKeyVault) -> list[Any]:
    return [PersonalDataAsCiphertext(vault), CredentialSecretAsCiphertext(kek)]

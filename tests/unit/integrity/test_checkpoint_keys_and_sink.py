"""Checkpoint keys (config formats, 0600 generation, refusal of readable key files) and the
directory standing in for a WORM sink (write once, never overwrite)."""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from adapters.integrity.directory_sink import CheckpointSinkConflictError, DirectoryCheckpointSink
from adapters.integrity.ed25519_keys import (
    DEV_KEY_FILE,
    Ed25519CheckpointSigner,
    SigningKeyError,
    generate_private_key_file,
    load_or_create_dev_key,
    load_private_key_file,
    private_key_from_bytes,
    public_key_bytes,
    public_key_from_bytes,
)
from domain.integrity.checkpoint import Checkpoint, parse_signed_checkpoint, sign_checkpoint

pytestmark = pytest.mark.unit

SEED = hashlib.sha256(b"test seed").digest()


def raw_public(key: Ed25519PrivateKey) -> bytes:
    return public_key_bytes(key)


def test_generated_key_file_is_owner_only_and_loads_back(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "checkpoint.pem"
    key = generate_private_key_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert raw_public(load_private_key_file(path)) == raw_public(key)
    with pytest.raises(FileExistsError):
        generate_private_key_file(path)  # never replaces a key
    assert raw_public(load_private_key_file(path)) == raw_public(key)


def test_dev_key_is_created_once_in_the_data_dir(tmp_path: Path) -> None:
    first = load_or_create_dev_key(tmp_path)
    second = load_or_create_dev_key(tmp_path)
    assert raw_public(first) == raw_public(second)
    assert (tmp_path / DEV_KEY_FILE).is_file()


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "k.pem"
    generate_private_key_file(path)
    os.chmod(path, 0o644)
    with pytest.raises(SigningKeyError, match="owner only"):
        load_private_key_file(path)
    with pytest.raises(SigningKeyError, match="cannot read"):
        load_private_key_file(tmp_path / "absent.pem")


@pytest.mark.parametrize(
    "encode",
    [lambda s: s, lambda s: s.hex().encode(), lambda s: base64.b64encode(s) + b"\n",
     lambda s: Ed25519PrivateKey.from_private_bytes(s).private_bytes(
         serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())],
)
def test_keys_from_config_in_every_accepted_form(encode: object) -> None:
    key = private_key_from_bytes(encode(SEED))  # type: ignore[operator]
    assert raw_public(key) == raw_public(Ed25519PrivateKey.from_private_bytes(SEED))


def test_unusable_key_material_is_a_domain_error() -> None:
    ec_pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    for data in (b"", b"too short", SEED.hex()[:-2].encode(), ec_pem, b"-----BEGIN PRIVATE KEY-----\nxx\n"):
        with pytest.raises(SigningKeyError) as caught:
            private_key_from_bytes(data)
        assert caught.value.code == "signing_key_invalid"


def signed(size: int, when: datetime) -> bytes:
    signer = Ed25519CheckpointSigner(Ed25519PrivateKey.from_private_bytes(SEED), "o")
    root = hashlib.sha256(b"%d" % size).digest()
    return sign_checkpoint(Checkpoint.at("o", size, root, when), signer).encode()


def test_sink_writes_each_checkpoint_once_read_only(tmp_path: Path) -> None:
    sink = DirectoryCheckpointSink(tmp_path / "worm")
    when = datetime(2025, 1, 2, 3, 4, 5, 678_000, tzinfo=UTC)
    first = parse_signed_checkpoint(signed(7, when))
    location = Path(sink.export(first))
    assert location.name == "checkpoint-00000000000000000007-20250102T030405678Z.note"
    assert location.read_bytes() == first.encode()
    assert stat.S_IMODE(location.stat().st_mode) == 0o444
    assert sink.export(first) == str(location)  # re-export is idempotent
    # Another checkpoint that maps to the same name must not replace the published one.
    other = parse_signed_checkpoint(signed(7, when))
    other = type(other)(Checkpoint("other.origin", 7, other.checkpoint.root_hash, when), other.signatures)
    with pytest.raises(CheckpointSinkConflictError) as caught:
        sink.export(other)
    assert caught.value.code == "checkpoint_sink_conflict"
    assert location.read_bytes() == first.encode()
    assert sorted(p.name for p in location.parent.iterdir()) == [location.name]  # no staging left


def test_a_public_key_is_read_from_pem_raw_hex_or_base64_alike() -> None:
    public = Ed25519PrivateKey.generate().public_key()
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    forms = (pem, raw, raw.hex().encode(), base64.b64encode(raw) + b"\n")
    assert {public_key_from_bytes(form) for form in forms} == {raw}


@pytest.mark.parametrize("form", ["private pem", "ec pem", "short"])
def test_anything_but_an_ed25519_public_key_is_refused(form: str) -> None:
    if form == "private pem":
        data = Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                          serialization.NoEncryption())
    elif form == "ec pem":
        data = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    else:
        data = base64.b64encode(b"\x01" * 31)
    with pytest.raises(SigningKeyError):
        public_key_from_bytes(data)

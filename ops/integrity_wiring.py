"""Wires the Merkle log, checkpoint stores, signer and sink to a ledger runtime."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from adapters.integrity.directory_sink import DirectoryCheckpointSink, DirectoryCheckpointSource
from adapters.integrity.ed25519_keys import (
    ED25519,
    Ed25519CheckpointSigner,
    load_or_create_dev_key,
    load_private_key_file,
    public_key_bytes,
    public_key_from_bytes,
)
from adapters.integrity.postgres_integrity import PostgresCheckpointStore, PostgresTreeNodeStore
from adapters.integrity.sqlite_integrity import SqliteCheckpointStore, SqliteTreeNodeStore
from adapters.persistence.pg_pool import healing_pool, with_connect_timeout
from domain.application import KycLedger
from domain.integrity.checkpoint_sources import CheckpointSource, HeldNote
from domain.integrity.merkle_store import MerkleLog
from domain.integrity.signatures import SignatureVerifier, SigningKeyError
from ops.bootstrap import LedgerRuntime
from services.evidence.checkpoints import Checkpointer
from services.evidence.ports import Checkpointing, Rows

DEFAULT_ORIGIN = "kycledger.local/ledger"
KEY_NAME = "kycledger-checkpoint"


def ledger_origin() -> str:
    return os.environ.get("KYC_LEDGER_ORIGIN", DEFAULT_ORIGIN)


def signing_key(rt: LedgerRuntime) -> Ed25519PrivateKey:
    """From ``KYC_CHECKPOINT_KEY_FILE``, else the embedded stack's key in the data dir (unless only
    the public key is configured: then this process does not sign)."""
    if rt.settings.checkpoint_key_file is not None:
        return load_private_key_file(rt.settings.checkpoint_key_file)
    if configured_public_key(rt) is not None:  # the signer runs elsewhere: no dev key of our own
        raise SigningKeyError("this process holds only the checkpoint public key: set KYC_CHECKPOINT_KEY_FILE to sign")
    if rt.backend != "postgres" and rt.data_dir is not None:
        return load_or_create_dev_key(rt.data_dir / "secrets")
    raise SigningKeyError("no checkpoint signing key: set KYC_CHECKPOINT_KEY_FILE")


def configured_public_key(rt: LedgerRuntime) -> bytes | None:
    """``KYC_CHECKPOINT_PUBLIC_KEY`` or ``KYC_CHECKPOINT_PUBLIC_KEY_FILE`` (not both), as raw bytes."""
    text, path = rt.settings.checkpoint_public_key, rt.settings.checkpoint_public_key_file
    if text is not None and path is not None:
        raise SigningKeyError("set KYC_CHECKPOINT_PUBLIC_KEY or KYC_CHECKPOINT_PUBLIC_KEY_FILE, not both")
    if path is not None:
        try:
            return public_key_from_bytes(path.read_bytes())
        except OSError as error:
            raise SigningKeyError("cannot read the checkpoint public key file", path=str(path),
                                  reason=error.strerror) from None
    return public_key_from_bytes(text.encode()) if text is not None else None


def trusted_public_key(rt: LedgerRuntime) -> bytes:
    """The operator's checkpoint key: the signing key's public half where this process holds it,
    else the configured public key. Both configured and different: refused, as a misconfiguration
    that would publish a key no checkpoint of this ledger is signed with."""
    configured = configured_public_key(rt)
    try:
        held = public_key_bytes(signing_key(rt))
    except SigningKeyError:
        if configured is None:
            raise
        return configured
    if configured is not None and configured != held:
        raise SigningKeyError("KYC_CHECKPOINT_PUBLIC_KEY is not the public half of the checkpoint signing key")
    return held


@contextmanager
def integrity_stores(rt: LedgerRuntime) -> Iterator[tuple[Any, Any]]:
    """(tree node store, checkpoint store) on the ledger's own database, outside the event tables.

    On PostgreSQL both share a small healing pool, so a long-lived user (the API's proofs, the
    scheduled checkpointer) outlives a database restart; with SQLite one connection is enough.
    """
    if rt.backend == "postgres":
        assert rt.settings.db_url is not None
        pool = healing_pool(rt.settings.db_url, name="kycledger-integrity", timeout_s=rt.settings.db_timeout_s,
                            max_size=2)
        try:
            yield PostgresTreeNodeStore(pool), PostgresCheckpointStore(pool)
        finally:
            pool.close()
        return
    if rt.data_dir is None or rt.backend != "sqlite":
        raise SigningKeyError("checkpoints need a SQLite or PostgreSQL ledger")
    db = sqlite3.connect(rt.data_dir / "ledger.db", timeout=30, isolation_level=None, check_same_thread=False)
    try:
        yield SqliteTreeNodeStore(db), SqliteCheckpointStore(db)
    finally:
        db.close()


def sink_dir(rt: LedgerRuntime) -> Path | None:
    if rt.settings.checkpoint_sink_dir is not None:
        return rt.settings.checkpoint_sink_dir
    return rt.data_dir / "checkpoints" if rt.data_dir is not None else None


def checkpoint_sources(rt: LedgerRuntime | None, extra_dirs: Sequence[Path] = ()) -> list[CheckpointSource]:
    """Where signed checkpoints are held outside the database: the runtime's sink and ``extra_dirs``
    (copies of it, later witnesses). A configured ``KYC_CHECKPOINT_SINK_DIR`` must exist; the
    embedded default folder may not exist yet (no checkpoint was ever signed)."""
    sources: list[CheckpointSource] = []
    seen: set[Path] = set()
    if rt is not None and (sink := sink_dir(rt)) is not None:
        sources.append(DirectoryCheckpointSource(sink, required=rt.settings.checkpoint_sink_dir is not None))
        seen.add(sink.resolve())
    for directory in extra_dirs:
        if directory.resolve() not in seen:
            seen.add(directory.resolve())
            sources.append(DirectoryCheckpointSource(directory))
    return sources


def build_checkpointer(rt: LedgerRuntime, nodes: Any, checkpoints: Any) -> Checkpointer:
    sink = sink_dir(rt)
    return Checkpointer(
        origin=ledger_origin(),
        chain=rt.chain,
        log=MerkleLog(nodes),
        signer=Ed25519CheckpointSigner(signing_key(rt), KEY_NAME),
        store=checkpoints,
        sink=DirectoryCheckpointSink(sink) if sink is not None else None,
    )


def checkpoint_notes(rt: LedgerRuntime) -> list[bytes]:
    """Every signed checkpoint the database holds, oldest first, as raw bytes.

    Read raw on purpose: a malformed or forged note must reach the verifier, not crash a parser.
    """
    query = "SELECT note FROM ledger_checkpoints ORDER BY seq"
    if rt.backend == "postgres":
        assert rt.settings.db_url is not None
        with psycopg.connect(with_connect_timeout(rt.settings.db_url, rt.settings.db_timeout_s)) as pg:
            exists = pg.execute("SELECT to_regclass('ledger_checkpoints')").fetchone()
            if not exists or exists[0] is None:
                return []
            return [bytes(r[0]) for r in pg.execute(query)]
    if rt.backend != "sqlite" or rt.data_dir is None:
        return []
    db = sqlite3.connect(f"file:{rt.data_dir / 'ledger.db'}?mode=ro", uri=True)
    try:
        found = db.execute("SELECT 1 FROM sqlite_master WHERE name='ledger_checkpoints'").fetchone()
        return [bytes(r[0]) for r in db.execute(query)] if found else []
    finally:
        db.close()


class RuntimeEvidence:
    """``services.evidence.ports.LedgerEvidence`` over a runtime: its reader, integrity stores and keys."""

    def __init__(self, rt: LedgerRuntime) -> None:
        self.rt = rt

    @property
    def ledger(self) -> KycLedger:
        return self.rt.ledger

    @property
    def origin(self) -> str:
        return ledger_origin()

    def public_key(self) -> bytes:
        return trusted_public_key(self.rt)

    @property
    def signatures(self) -> SignatureVerifier:
        return ED25519

    def snapshot(self) -> AbstractContextManager[Rows]:
        snapshot: AbstractContextManager[Rows] = self.rt.reader().snapshot()
        return snapshot

    @contextmanager
    def checkpointing(self) -> Iterator[Checkpointing]:
        with integrity_stores(self.rt) as (nodes, store):
            yield nodes, store, build_checkpointer(self.rt, nodes, store)

    def checkpoint_notes(self) -> list[bytes]:
        return checkpoint_notes(self.rt)

    def held_notes(self) -> list[HeldNote]:
        return [note for source in checkpoint_sources(self.rt) for note in source.held_notes()]

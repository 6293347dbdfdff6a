"""SQLite (stdlib ``sqlite3``) stores for the Merkle log's nodes and the signed checkpoints.

Both tables are append-only by trigger, like the event tables. Each write is one ``BEGIN
IMMEDIATE`` transaction, unless the caller already holds one on the connection, which it then joins.
A connection used from the scheduled checkpointer thread needs ``check_same_thread=False``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from domain.errors import ConflictError
from domain.integrity.checkpoint import SignedCheckpoint, parse_signed_checkpoint
from domain.integrity.merkle_store import MissingTreeNodeError, NodeKey, StoredNode

APPEND_ONLY_MESSAGE = "kycledger integrity tables are append-only"
_KEYS_PER_QUERY = 400  # two bound parameters each, well under SQLITE_MAX_VARIABLE_NUMBER


def _append_only(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
        for verb in ("UPDATE", "DELETE")
    ]


NODE_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS merkle_nodes ("
    " level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 63),"
    " idx INTEGER NOT NULL CHECK (idx >= 0),"
    " hash BLOB NOT NULL CHECK (length(hash) = 32),"
    " PRIMARY KEY (level, idx)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS merkle_tree_size ("
    " id INTEGER PRIMARY KEY CHECK (id = 1), size INTEGER NOT NULL CHECK (size >= 0))",
    "INSERT OR IGNORE INTO merkle_tree_size (id, size) VALUES (1, 0)",
    *_append_only("merkle_nodes"),
]

CHECKPOINT_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS ledger_checkpoints ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " origin TEXT NOT NULL,"
    " tree_size INTEGER NOT NULL CHECK (tree_size >= 0),"
    " root_hash BLOB NOT NULL CHECK (length(root_hash) = 32),"
    " signed_at TEXT NOT NULL,"
    " note BLOB NOT NULL)",
    *_append_only("ledger_checkpoints"),
]


@contextmanager
def _write_transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    if connection.in_transaction:
        yield connection
        return
    # IMMEDIATE takes the write lock up front, so the size check and the inserts see one state.
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.rollback()
        raise
    connection.commit()


class SqliteTreeNodeStore:
    """``TreeNodeStore`` in the ``merkle_nodes`` and ``merkle_tree_size`` tables."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        with _write_transaction(connection) as conn:
            for statement in NODE_SCHEMA:
                conn.execute(statement)

    def stored_size(self) -> int:
        row = self._connection.execute("SELECT size FROM merkle_tree_size WHERE id = 1").fetchone()
        return int(row[0])

    def get_nodes(self, keys: Sequence[NodeKey]) -> list[bytes]:
        found: dict[NodeKey, bytes] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), _KEYS_PER_QUERY):
            chunk = unique[start : start + _KEYS_PER_QUERY]
            values = ",".join("(?,?)" for _ in chunk)
            # A row-value IN (VALUES ...) scans the table; a CROSS JOIN (SQLite keeps its order)
            # drives primary-key searches from the key list instead.
            rows = self._connection.execute(
                f"SELECT n.level, n.idx, n.hash FROM (VALUES {values}) AS k "
                "CROSS JOIN merkle_nodes AS n ON n.level = k.column1 AND n.idx = k.column2",
                [part for key in chunk for part in key],
            )
            found.update(((int(level), int(idx)), bytes(digest)) for level, idx, digest in rows)
        try:
            return [found[key] for key in keys]
        except KeyError as missing:
            raise MissingTreeNodeError("tree node missing", node=missing.args[0]) from None

    def put_nodes(self, nodes: Sequence[StoredNode], old_size: int, new_size: int) -> None:
        with _write_transaction(self._connection) as conn:
            moved = conn.execute(
                "UPDATE merkle_tree_size SET size = ? WHERE id = 1 AND size = ?", (new_size, old_size)
            ).rowcount
            if moved != 1:
                raise ConflictError("merkle tree size moved", expected=old_size)
            try:
                conn.executemany("INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)", nodes)
            except sqlite3.IntegrityError as error:
                raise ConflictError("merkle tree nodes are immutable", reason=str(error)) from None


class SqliteCheckpointStore:
    """``CheckpointStore`` in the append-only ``ledger_checkpoints`` table."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        with _write_transaction(connection) as conn:
            for statement in CHECKPOINT_SCHEMA:
                conn.execute(statement)

    def add(self, signed: SignedCheckpoint) -> None:
        checkpoint = signed.checkpoint
        with _write_transaction(self._connection) as conn:
            conn.execute(
                "INSERT INTO ledger_checkpoints (origin, tree_size, root_hash, signed_at, note)"
                " VALUES (?, ?, ?, ?, ?)",
                (checkpoint.origin, checkpoint.size, checkpoint.root_hash,
                 checkpoint.timestamp.isoformat(), signed.encode()),
            )

    def latest(self) -> SignedCheckpoint | None:
        row = self._connection.execute(
            "SELECT note FROM ledger_checkpoints ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return None if row is None else parse_signed_checkpoint(bytes(row[0]))

    def all(self) -> list[SignedCheckpoint]:
        rows = self._connection.execute("SELECT note FROM ledger_checkpoints ORDER BY seq")
        return [parse_signed_checkpoint(bytes(note)) for (note,) in rows]

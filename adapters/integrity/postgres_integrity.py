"""PostgreSQL (psycopg 3) stores for the Merkle log's nodes and the signed checkpoints.

Every operation runs in ``connection.transaction()``: on an idle connection that is its own
transaction, inside the caller's transaction a savepoint. Nodes are written with binary COPY.
UPDATE, DELETE and TRUNCATE are refused by trigger, as on the event tables. A store takes either one
connection (give each thread its own: psycopg transaction blocks do not interleave) or a pool, from
which every operation takes a connection of its own: long-running users (the API's proofs, the
scheduled checkpointer) pass a healing pool so a database restart does not leave them on a dead
connection (``adapters.persistence.pg_pool``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from psycopg import Connection
from psycopg.errors import UniqueViolation
from psycopg_pool import ConnectionPool

from adapters.persistence.pg_schema import SCHEMA_LOCK_SQL
from domain.errors import ConflictError
from domain.integrity.checkpoint import SignedCheckpoint, parse_signed_checkpoint
from domain.integrity.merkle_store import MissingTreeNodeError, NodeKey, StoredNode

APPEND_ONLY_MESSAGE = "kycledger integrity tables are append-only"

_APPEND_ONLY_FUNCTION = (
    "CREATE OR REPLACE FUNCTION kycledger_integrity_append_only() RETURNS trigger"
    " LANGUAGE plpgsql AS $$ BEGIN"
    f" RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}' USING ERRCODE = 'insufficient_privilege';"
    " END $$"
)


def _append_only(table: str) -> list[str]:
    return [
        f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}"
        " FOR EACH ROW EXECUTE FUNCTION kycledger_integrity_append_only()",
        f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
        " FOR EACH STATEMENT EXECUTE FUNCTION kycledger_integrity_append_only()",
    ]


NODE_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS merkle_nodes ("
    " level SMALLINT NOT NULL CHECK (level BETWEEN 0 AND 63),"
    " idx BIGINT NOT NULL CHECK (idx >= 0),"
    " hash BYTEA NOT NULL CHECK (octet_length(hash) = 32),"
    " PRIMARY KEY (level, idx))",
    "CREATE TABLE IF NOT EXISTS merkle_tree_size ("
    " id SMALLINT PRIMARY KEY CHECK (id = 1), size BIGINT NOT NULL CHECK (size >= 0))",
    "INSERT INTO merkle_tree_size (id, size) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
    _APPEND_ONLY_FUNCTION,
    *_append_only("merkle_nodes"),
]

CHECKPOINT_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS ledger_checkpoints ("
    " seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " origin TEXT NOT NULL,"
    " tree_size BIGINT NOT NULL CHECK (tree_size >= 0),"
    " root_hash BYTEA NOT NULL CHECK (octet_length(root_hash) = 32),"
    " signed_at TIMESTAMPTZ NOT NULL,"
    " note BYTEA NOT NULL)",
    _APPEND_ONLY_FUNCTION,
    *_append_only("ledger_checkpoints"),
]


ConnectionSource = Connection[Any] | ConnectionPool[Any]


@contextmanager
def _connected(source: ConnectionSource) -> Iterator[Connection[Any]]:
    if isinstance(source, ConnectionPool):
        with source.connection() as connection:
            yield connection
    else:
        yield source


def _create(source: ConnectionSource, statements: Sequence[str]) -> None:
    with _connected(source) as connection, connection.transaction():
        # Serialise concurrent first starts: CREATE OR REPLACE races fail with "tuple concurrently updated".
        connection.execute(SCHEMA_LOCK_SQL)
        for statement in statements:
            connection.execute(statement.encode())


class PostgresTreeNodeStore:
    """``TreeNodeStore`` in the ``merkle_nodes`` and ``merkle_tree_size`` tables."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._source = connection
        _create(connection, NODE_SCHEMA)

    def stored_size(self) -> int:
        with _connected(self._source) as connection, connection.transaction():
            row = connection.execute("SELECT size FROM merkle_tree_size WHERE id = 1").fetchone()
        assert row is not None  # inserted with the schema
        return int(row[0])

    def get_nodes(self, keys: Sequence[NodeKey]) -> list[bytes]:
        if not keys:
            return []
        levels = [level for level, _ in keys]
        indexes = [index for _, index in keys]
        with _connected(self._source) as connection, connection.transaction():
            rows = connection.execute(
                "SELECT n.level, n.idx, n.hash FROM unnest(%s::smallint[], %s::bigint[]) AS k(level, idx)"
                " JOIN merkle_nodes AS n ON n.level = k.level AND n.idx = k.idx",
                (levels, indexes),
            ).fetchall()
        found = {(int(level), int(idx)): bytes(digest) for level, idx, digest in rows}
        try:
            return [found[key] for key in keys]
        except KeyError as missing:
            raise MissingTreeNodeError("tree node missing", node=missing.args[0]) from None

    def put_nodes(self, nodes: Sequence[StoredNode], old_size: int, new_size: int) -> None:
        try:
            with _connected(self._source) as connection, connection.transaction(), connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE merkle_tree_size SET size = %s WHERE id = 1 AND size = %s", (new_size, old_size)
                )
                if cursor.rowcount != 1:
                    raise ConflictError("merkle tree size moved", expected=old_size)
                with cursor.copy("COPY merkle_nodes (level, idx, hash) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(["int2", "int8", "bytea"])
                    for node in nodes:
                        copy.write_row(node)
        except UniqueViolation as error:
            raise ConflictError("merkle tree nodes are immutable", reason=str(error)) from None


class PostgresCheckpointStore:
    """``CheckpointStore`` in the append-only ``ledger_checkpoints`` table."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._source = connection
        _create(connection, CHECKPOINT_SCHEMA)

    def add(self, signed: SignedCheckpoint) -> None:
        checkpoint = signed.checkpoint
        with _connected(self._source) as connection, connection.transaction():
            connection.execute(
                "INSERT INTO ledger_checkpoints (origin, tree_size, root_hash, signed_at, note)"
                " VALUES (%s, %s, %s, %s, %s)",
                (checkpoint.origin, checkpoint.size, checkpoint.root_hash, checkpoint.timestamp,
                 signed.encode()),
            )

    def latest(self) -> SignedCheckpoint | None:
        with _connected(self._source) as connection, connection.transaction():
            row = connection.execute(
                "SELECT note FROM ledger_checkpoints ORDER BY seq DESC LIMIT 1"
            ).fetchone()
        return None if row is None else parse_signed_checkpoint(bytes(row[0]))

    def all(self) -> list[SignedCheckpoint]:
        with _connected(self._source) as connection, connection.transaction():
            rows = connection.execute("SELECT note FROM ledger_checkpoints ORDER BY seq").fetchall()
        return [parse_signed_checkpoint(bytes(note)) for (note,) in rows]

"""SQLite ledger schema: the entry hash is a column of the events row, the chain a view over it.

Each event row carries its ``entry_hash``, written by the event's own INSERT; the chain position
and the notification id are both the row's rowid (rowids are gap-free here: rows are never
deleted and a rolled-back insert frees its rowids). ``<events>_chain`` is a VIEW with the columns
the chain table had (position, notification_id, entry_hash), so every reader works unchanged. A
row with no entry hash (written outside the ledger) is absent from the view: ``verify`` reports
"no chain entry" for it. Triggers keep the events table append-only (UPDATE/DELETE abort).

Keeping the chain in the same row saves the separate chain table's B-tree page in every commit
and its INSERT statement (docs/targets.md §1: chaining costs at most 15 %).

A ledger written before this layout has a chain TABLE: ``ensure_inline_chain`` migrates it on the
recorder's first start, in the schema transaction (all or nothing), after checking that the chain
maps one-to-one onto the events with position == notification id; otherwise it refuses to open it.
"""

from __future__ import annotations

from eventsourcing.sqlite import SQLiteCursor

APPEND_ONLY_MESSAGE = "kycledger ledger tables are append-only"
HASH_COLUMN = "entry_hash"


class LedgerSchemaError(RuntimeError):
    """The SQLite ledger's chain layout is neither the current one nor one we can migrate safely."""


def append_only_triggers(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END",
    ]


def _chain_view(events: str) -> str:
    return (
        f"CREATE VIEW {events}_chain AS SELECT rowid AS position, rowid AS notification_id, "
        f"{HASH_COLUMN} FROM {events} WHERE {HASH_COLUMN} IS NOT NULL"
    )


def _add_hash_column(events: str) -> str:
    # Nullable on purpose: ALTER TABLE cannot add a NOT NULL column without a default, and a row
    # without a hash is exactly what `verify` must be able to see (and report) as tampering.
    return (
        f"ALTER TABLE {events} ADD COLUMN {HASH_COLUMN} BLOB "
        f"CHECK ({HASH_COLUMN} IS NULL OR length({HASH_COLUMN}) = 32)"
    )


def _object_type(c: SQLiteCursor, name: str) -> str | None:
    c.execute("SELECT type FROM sqlite_master WHERE name = ?", (name,))
    row = c.fetchone()
    return str(row[0]) if row is not None else None


def _has_hash_column(c: SQLiteCursor, events: str) -> bool:
    c.execute(f"PRAGMA table_info({events})")
    return any(row[1] == HASH_COLUMN for row in c.fetchall())


def ensure_inline_chain(c: SQLiteCursor, events: str) -> None:
    """Bring ``events`` (already created) to the inline-chain layout, in the caller's transaction."""
    chain = f"{events}_chain"
    has_column, chain_type = _has_hash_column(c, events), _object_type(c, chain)
    if has_column and chain_type == "view":
        pass
    elif not has_column and chain_type is None:  # a new ledger
        c.execute(_add_hash_column(events))
        c.execute(_chain_view(events))
    elif not has_column and chain_type == "table":
        _migrate_chain_table(c, events, chain)
    else:
        raise LedgerSchemaError(
            f"the ledger's events table {events} {'has' if has_column else 'lacks'} an {HASH_COLUMN} column "
            f"but {chain} is a {chain_type or 'missing object'}: this is no kycledger layout; not opening it"
        )
    for statement in append_only_triggers(events):
        c.execute(statement)


def _migrate_chain_table(c: SQLiteCursor, events: str, chain: str) -> None:
    """Move the hashes of the chain table into the events rows and replace the table by the view."""
    c.execute(
        f"SELECT (SELECT COUNT(*) FROM {events}), (SELECT COUNT(*) FROM {chain}), "
        f"(SELECT COUNT(*) FROM {chain} JOIN {events} ON {events}.rowid = {chain}.notification_id "
        f"WHERE {chain}.position = {chain}.notification_id)"
    )
    event_count, chain_count, matched = (int(v) for v in c.fetchone())
    if not event_count == chain_count == matched:
        raise LedgerSchemaError(
            f"cannot migrate the SQLite ledger to the inline chain: {event_count} events, {chain_count} chain "
            f"rows, {matched} of them at position == notification id of an existing event. The ledger does "
            "not verify as written; run `kycledger ledger verify --data-dir DIR` and investigate before "
            "opening it with this version"
        )
    c.execute(f"DROP TRIGGER IF EXISTS {events}_no_update")  # re-created by the caller
    c.execute(_add_hash_column(events))
    c.execute(f"UPDATE {events} SET {HASH_COLUMN} = (SELECT entry_hash FROM {chain} WHERE position = {events}.rowid)")
    c.execute(f"DROP TABLE {chain}")  # its triggers go with it
    c.execute(_chain_view(events))

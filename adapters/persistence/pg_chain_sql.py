"""The chain's entry hash computed inside PostgreSQL, in the statement that inserts the events.

``kycledger_entry_hash`` is ``domain.integrity.chain.entry_hash_of`` written in SQL: the same bytes
(the domain prefix is taken from ``ENTRY_DOMAIN``; ``int8send``/``int4send`` are big-endian,
``uuid_send`` the 16 raw bytes, topics UTF-8) go into the same SHA-256. Frozen by the published
vectors in tests/integration/ledger/test_pg_chain_sql.py, and every chain it writes is re-derived
by ``verify`` with the Python encoding.

``<events table>_append`` inserts a save's events exactly as eventsourcing's insert statement
does, chains each returned row onto the tail it reads from the chain table, inserts the chain rows
and returns the notification ids in the order of the RETURNING rows (eventsourcing's order). The
caller holds eventsourcing's EXCLUSIVE lock on the events table, so the tail cannot move meanwhile.
A save thus costs the client no hashing, no extra statement and no extra round trip.
"""

from __future__ import annotations

from psycopg import sql

from domain.integrity.chain import ENTRY_DOMAIN, GENESIS_HASH

ENTRY_HASH_FUNCTION = "kycledger_entry_hash"

_DOMAIN_PREFIX_HEX = (len(ENTRY_DOMAIN).to_bytes(4, "big") + ENTRY_DOMAIN).hex()


def append_function_name(events_table: str) -> str:
    return f"{events_table}_append"


def entry_hash_function(schema: str) -> sql.Composable:
    return sql.SQL(
        "CREATE OR REPLACE FUNCTION {}(prev bytea, pos bigint, nid bigint, oid uuid, version bigint, "
        "topic text, state bytea) RETURNS bytea LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$"
        "SELECT sha256({} || prev || int8send(pos) || int8send(nid) || {} || uuid_send(oid) "
        "|| int8send(version) || int4send(octet_length(convert_to(topic, 'UTF8'))) || convert_to(topic, 'UTF8') "
        "|| sha256(state))$$"
    ).format(
        sql.Identifier(schema, ENTRY_HASH_FUNCTION),
        sql.Literal(bytes.fromhex(_DOMAIN_PREFIX_HEX)),
        sql.Literal((16).to_bytes(4, "big")),  # lp() of the 16 raw UUID bytes
    )


def append_function(schema: str, events_table: str, chain_table: str, stored_event_type: str) -> sql.Composable:
    return sql.SQL(
        "CREATE OR REPLACE FUNCTION {fn}(events {event_type}[]) RETURNS SETOF bigint LANGUAGE plpgsql AS $$"
        "DECLARE pos bigint; prev bytea; r record; "
        "positions bigint[] := '{{}}'; ids bigint[] := '{{}}'; hashes bytea[] := '{{}}'; "
        "BEGIN "
        "SELECT c.position, c.entry_hash INTO pos, prev FROM {chain} c ORDER BY c.position DESC LIMIT 1; "
        "IF NOT FOUND THEN pos := 0; prev := {genesis}; END IF; "
        "FOR r IN INSERT INTO {events} AS t (originator_id, originator_version, topic, state) "
        "SELECT originator_id, originator_version, topic, state FROM unnest(events) "
        "RETURNING t.notification_id, t.originator_id, t.originator_version, t.topic, t.state LOOP "
        # The Python encoding refuses what u64 cannot hold: so does this one.
        "IF r.originator_version < 0 THEN RAISE EXCEPTION 'originator_version must fit in u64' "
        "USING ERRCODE = 'numeric_value_out_of_range'; END IF; "
        "pos := pos + 1; "
        "prev := {hash}(prev, pos, r.notification_id, r.originator_id::uuid, r.originator_version, "
        "r.topic, r.state); "
        "positions := positions || pos; ids := ids || r.notification_id; hashes := hashes || prev; "
        "RETURN NEXT r.notification_id; "
        "END LOOP; "
        "INSERT INTO {chain} (position, notification_id, entry_hash) SELECT * FROM unnest(positions, ids, hashes); "
        "END$$"
    ).format(
        fn=sql.Identifier(schema, append_function_name(events_table)),
        event_type=sql.Identifier(schema, stored_event_type),
        chain=sql.Identifier(schema, chain_table),
        events=sql.Identifier(schema, events_table),
        genesis=sql.Literal(GENESIS_HASH),
        hash=sql.Identifier(schema, ENTRY_HASH_FUNCTION),
    )


def append_statement(schema: str, events_table: str, stored_event_type: str) -> str:
    """The statement a save runs instead of eventsourcing's INSERT: one parameter, the events."""
    return sql.SQL("SELECT * FROM {}(%s::{}[]) AS notification_id").format(
        sql.Identifier(schema, append_function_name(events_table)), sql.Identifier(schema, stored_event_type)
    ).as_string()

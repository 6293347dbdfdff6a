"""The ledger's events and chain read in one pass and paired in lockstep, for ``ledger verify``.

``verify`` walks the n-th event (by notification id) beside the n-th chain entry (by position)
(``domain.integrity.verifier.LedgerRow``). Reading them as two cursors cost two passes on SQLite
and, on PostgreSQL, a row-by-row decode with a ``UUID`` and a byte copy per event: ``verify`` read
121-125k events/s on SQLite and 79-90k on PostgreSQL, under the docs/targets.md §1 figures we now
aim for. Here:

- SQLite keeps the entry hash in the event's own row (``sqlite_chain_schema``), so one ordered scan
  of the events table is both streams (``sqlite_ledger_rows``).
- PostgreSQL sends one binary COPY whose rows are batches of ``BATCH`` events and the ``BATCH``
  chain entries at the same place in the chain's order, as arrays (a recursive query steps both
  tables by keyset, each batch an ordered index range). The client decodes arrays in C and pairs
  the batches by index; the n-th batch of each stream holds the same lockstep positions, so the
  pairs are those of two cursors. The statement's single snapshot covers both tables.
"""

from __future__ import annotations

from collections.abc import Generator
from itertools import zip_longest

from psycopg import Copy, sql

from domain.integrity.ledger_columns import BATCH, LedgerColumns, columns_of
from domain.integrity.verifier import NO_EVENT, NO_LINK, LedgerRow


def _events_batch(events: sql.Composable, after: sql.Composable, batch: int) -> sql.Composed:
    return sql.SQL(
        "(SELECT max(s.notification_id) AS last_id,"
        " array_agg(s.notification_id ORDER BY s.notification_id) AS ids,"
        " array_agg(uuid_send(s.originator_id) ORDER BY s.notification_id) AS originators,"
        " array_agg(s.originator_version ORDER BY s.notification_id) AS versions,"
        " array_agg(convert_to(s.topic, 'UTF8') ORDER BY s.notification_id) AS topics,"
        " array_agg(s.state ORDER BY s.notification_id) AS states"
        " FROM (SELECT * FROM {events} WHERE {after} ORDER BY notification_id LIMIT {batch}) s) e"
    ).format(events=events, after=after, batch=sql.Literal(batch))


def _chain_batch(chain: sql.Composable, after: sql.Composable, batch: int) -> sql.Composed:
    return sql.SQL(
        "(SELECT max(s.position) AS last_position,"
        " array_agg(s.position ORDER BY s.position) AS positions,"
        " array_agg(s.notification_id ORDER BY s.position) AS chain_ids,"
        " array_agg(s.entry_hash ORDER BY s.position) AS hashes"
        " FROM (SELECT * FROM {chain} WHERE {after} ORDER BY position LIMIT {batch}) s) c"
    ).format(chain=chain, after=after, batch=sql.Literal(batch))


def pg_lockstep_copy(events: sql.Composable, chain: sql.Composable, batch: int = BATCH) -> sql.Composed:
    """The COPY whose rows are lockstep batches: event columns as arrays, then chain columns.

    The first batches have no lower bound (any id, even the smallest bigint, is read); each next one
    starts after the last id or position of the one before, an index range read in order. A stream
    that ran out has a NULL last key and stays empty; the walk ends when both ran out.
    """
    columns = sql.SQL(
        "e.last_id, c.last_position, e.ids, e.originators, e.versions, e.topics, e.states, "
        "c.positions, c.chain_ids, c.hashes"
    )
    return sql.SQL(
        "COPY (WITH RECURSIVE b(last_id, last_position, ids, originators, versions, topics, states, "
        "positions, chain_ids, hashes) AS ("
        " SELECT {columns} FROM {first_events} CROSS JOIN {first_chain}"
        " UNION ALL"
        " SELECT {columns} FROM b CROSS JOIN LATERAL {next_events} CROSS JOIN LATERAL {next_chain}"
        " WHERE b.last_id IS NOT NULL OR b.last_position IS NOT NULL)"
        " SELECT ids, originators, versions, topics, states, positions, chain_ids, hashes FROM b"
        " WHERE ids IS NOT NULL OR positions IS NOT NULL"
        ") TO STDOUT (FORMAT BINARY)"
    ).format(
        columns=columns,
        first_events=_events_batch(events, sql.SQL("true"), batch),
        first_chain=_chain_batch(chain, sql.SQL("true"), batch),
        next_events=_events_batch(events, sql.SQL("notification_id > b.last_id"), batch),
        next_chain=_chain_batch(chain, sql.SQL("position > b.last_position"), batch),
    )


_BATCH_TYPES = ["int8[]", "bytea[]", "int8[]", "bytea[]", "bytea[]", "int8[]", "int8[]", "bytea[]"]


def lockstep_batches(copy: Copy) -> Generator[LedgerRow, None, None]:
    """The rows of ``pg_lockstep_copy``, flattened into lockstep pairs."""
    for batch in lockstep_columns(copy):
        yield from batch.rows()


def lockstep_columns(copy: Copy) -> Generator[LedgerColumns, None, None]:
    """The rows of ``pg_lockstep_copy`` as lockstep column batches (the arrays as they came)."""
    copy.set_types(_BATCH_TYPES)
    for ids, originators, versions, topics, states, positions, chain_ids, hashes in copy.rows():
        ids, positions = ids or [], positions or []
        if ids and len(ids) == len(positions):
            yield LedgerColumns(ids, originators, versions, topics, states, positions, chain_ids, hashes)
            continue
        # One stream ended inside this batch (and the rest of the copy is the other one's tail).
        events = zip(ids, originators or [], versions or [], topics or [], states or [], strict=True)
        links = zip(positions, chain_ids or [], hashes or [], strict=True)
        yield from columns_of(
            (*(event or NO_EVENT), *(link or NO_LINK)) for event, link in zip_longest(events, links, fillvalue=None)
        )

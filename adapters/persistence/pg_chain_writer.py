"""The write path of the chained PostgreSQL recorders: each save's events and chain rows in one
transaction, under the EXCLUSIVE table lock eventsourcing takes so that ids commit in order.

A save goes exactly like eventsourcing's own pipelined insert (lock, NOTIFY and insert in one round
trip, then COMMIT), with one difference: its insert statement is a call of ``<events table>_append``
(``pg_chain_sql``), which inserts the events, reads the chain tail, hashes and inserts the chain
rows inside the server. Chaining adds no statement, no round trip and no client work to a save;
what it costs is the server's: one index probe for the tail, the SHA-256s and the chain rows.

A large save is not pipelined. psycopg's pipeline (3.3) stops sending once its queue of commands
is empty even when libpq's output buffer still holds part of the last one, then waits for results
the server cannot send before it has read the whole statement: a save whose statement does not fit
in the socket's send buffer at once never returns (on a local socket, about 0.5 MB of event state:
the events travel as a text array, bytea in hex, twice their size). A save above
``PIPELINE_MAX_BYTES`` runs the same statements one round trip each, in one transaction; bulk
imports (watchlists, trust lists, migrations) pay a millisecond of round trips instead of hanging.
docs/upstream.md §1 has the reproduction to report upstream.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.postgres import PostgresDatastore
from psycopg import sql
from psycopg.errors import UniqueViolation

from adapters.persistence.commit_signal import PostgresCommitListener, SignalledRecorder
from adapters.persistence.group_commit import GroupCommit, PendingSave
from adapters.persistence.pg_chain_sql import append_statement
from adapters.persistence.pg_pool import bounded_retry

# The statement of a save stays under the smallest TCP send buffer Linux starts a socket with
# (net.ipv4.tcp_wmem, 16 KiB), so the pipeline's one flush always sends it whole.
PIPELINE_MAX_BYTES = 16 * 1024


def wire_size(stored_events: Sequence[StoredEvent]) -> int:
    """An upper estimate of a save's statement size: state and topic in hex, ids and framing."""
    return sum(2 * (len(e.state) + len(e.topic)) + 96 for e in stored_events)


class PostgresChainWriter(SignalledRecorder):
    """Mixin for eventsourcing's PostgreSQL recorders (it uses their lock, notify and event type)."""

    datastore: PostgresDatastore
    events_table_name: str
    group_commit: GroupCommit | None = None

    @property
    def chain_table_name(self) -> str:
        return f"{self.events_table_name}_chain"

    def _ident(self, name: str) -> sql.Composable:
        return sql.SQL("{}.{}").format(sql.Identifier(self.datastore.schema), sql.Identifier(name))

    @cached_property
    def append_statement(self) -> str:
        return append_statement(self.datastore.schema, self.events_table_name,
                                self.stored_event_type_name)  # type: ignore[attr-defined]

    def enable_group_commit(self) -> None:
        self.group_commit = GroupCommit(self._write_group, self._insert_one)

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if not stored_events:
            return []
        if self.group_commit is not None:
            ids: Sequence[int] | None = self.group_commit.submit(stored_events, kwargs)
        else:
            ids = self._insert_one(stored_events, kwargs)
        self.commits.notify()  # committed: wake this process's followers (commit_signal)
        return ids

    _listener: PostgresCommitListener | None = None

    def start_listening(self) -> None:
        """Also wake on commits of other processes: every save NOTIFYs the recorder's channel."""
        if self.__dict__.get("_listener") is None:
            conninfo = self.datastore.pool.conninfo
            dsn = conninfo() if callable(conninfo) else conninfo
            listener = PostgresCommitListener(dsn, self.channel_name, self.commits)  # type: ignore[attr-defined]
            if self.__dict__.setdefault("_listener", listener) is listener:
                listener.start()

    def stop_following(self) -> None:
        listener = self.__dict__.pop("_listener", None)
        if listener is not None:
            listener.stop()

    def _pg_events(self, stored_events: Sequence[StoredEvent]) -> list[Any]:
        construct = self.construct_pg_stored_event  # type: ignore[attr-defined]
        return [construct(e.originator_id, e.originator_version, e.topic, e.state) for e in stored_events]

    def _insert_attempt(self, stored_events: Sequence[StoredEvent], kwargs: dict[str, Any]) -> Sequence[int]:
        """One save in its own transaction (the per-save path, and group commit's group of one)."""
        pg_events = self._pg_events(stored_events)
        if wire_size(stored_events) > PIPELINE_MAX_BYTES:
            return self._insert_unpipelined(stored_events, pg_events, kwargs)
        exc: Exception | None = None
        ids: list[int] = []
        with self.datastore.get_connection() as conn:
            with conn.pipeline() as pipeline, conn.transaction():
                with conn.cursor() as curs:
                    self._insert_events(curs, stored_events, **kwargs)  # type: ignore[attr-defined]
                with conn.cursor() as curs:
                    try:
                        self._lock_table(curs)  # type: ignore[attr-defined]
                        self._notify_channel(curs)  # type: ignore[attr-defined]
                        curs.execute(self.append_statement, (pg_events,))
                        # Sync now, as eventsourcing does, so a conflicting save raises IntegrityError here.
                        pipeline.sync()
                        ids = [row["notification_id"] for row in curs.fetchall()]
                    except UniqueViolation as e:
                        exc = IntegrityError(e)
                    except Exception as e:  # raised after the pipeline closed, as eventsourcing does
                        exc = e
            if exc:
                raise exc
        return ids

    def _stored_as_sent(self, stored_events: Sequence[StoredEvent], kwargs: dict[str, Any]) -> Sequence[int] | None:
        """The notification ids of these very events when they are stored (an earlier attempt of this
        save committed), else None: every one must be there with the same topic and state bytes."""
        query = sql.SQL("SELECT originator_id, originator_version, topic, state, notification_id FROM {} "
                        "WHERE (originator_id, originator_version) IN "
                        "(SELECT * FROM unnest(%s::uuid[], %s::bigint[]))").format(self._ident(self.events_table_name))
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(query, ([e.originator_id for e in stored_events],
                                 [e.originator_version for e in stored_events]))
            rows = {(r["originator_id"], r["originator_version"]): r for r in curs.fetchall()}
        ids = []
        for event in stored_events:
            row = rows.get((event.originator_id, event.originator_version))
            if row is None or row["topic"] != event.topic or bytes(row["state"]) != bytes(event.state):
                return None
            ids.append(row["notification_id"])
        return ids

    # As eventsourcing's own insert, but an outage is reported after one pool wait, and a save whose
    # acknowledgement was lost with its connection is recognised as committed (adapters.persistence.pg_pool).
    _insert_one = bounded_retry(_insert_attempt, committed=_stored_as_sent)

    def _insert_unpipelined(self, stored_events: Sequence[StoredEvent], pg_events: list[Any],
                            kwargs: dict[str, Any]) -> Sequence[int]:
        """A large save: the statements of ``_insert_one``, each sent whole before its answer is read."""
        with self.datastore.get_connection() as conn:
            try:
                with conn.transaction(), conn.cursor() as curs:
                    self._insert_events(curs, stored_events, **kwargs)  # type: ignore[attr-defined]
                    self._lock_table(curs)  # type: ignore[attr-defined]
                    self._notify_channel(curs)  # type: ignore[attr-defined]
                    curs.execute(self.append_statement, (pg_events,))
                    return [row["notification_id"] for row in curs.fetchall()]
            except UniqueViolation as e:
                raise IntegrityError(e) from e

    def _write_group(self, group: list[PendingSave]) -> None:
        """One transaction, one lock, one commit for many saves; each save in its own SAVEPOINT."""
        prepared = [self._pg_events(p.events) for p in group]  # before taking the lock
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            self._lock_table(curs)  # type: ignore[attr-defined]
            self._notify_channel(curs)  # type: ignore[attr-defined]
            for pending, pg_events in zip(group, prepared, strict=True):
                try:
                    with conn.transaction():  # a SAVEPOINT: a conflicting save fails alone, chain rows too
                        self._insert_events(curs, pending.events, **pending.kwargs)  # type: ignore[attr-defined]
                        curs.execute(self.append_statement, (pg_events,))
                        pending.notification_ids = [r["notification_id"] for r in curs.fetchall()]
                except (UniqueViolation, IntegrityError) as error:
                    pending.error = error if isinstance(error, IntegrityError) else IntegrityError(error)

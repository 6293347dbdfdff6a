"""In-memory chained recorder: the same chain contract as SQLite and PostgreSQL, for fast tests."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.popo import POPOApplicationRecorder, POPOFactory

from adapters.persistence.chain_rows import ChainRow, as_uuid, extend_chain
from domain.integrity.verifier import ChainEntry, EventRow, LedgerRow, paired_rows


class ChainedPOPOApplicationRecorder(POPOApplicationRecorder):
    def __init__(self) -> None:
        super().__init__()
        self._chain: list[ChainRow] = []

    def _update_table(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        ids = super()._update_table(stored_events, **kwargs)  # runs under the database lock
        tail = (self._chain[-1].position, self._chain[-1].entry_hash) if self._chain else None
        self._chain.extend(extend_chain(tail, stored_events, list(ids or ())))
        return ids

    def chain_size(self) -> int:
        with self._database_lock:
            return len(self._chain)

    def select_chain(self, start: int, limit: int) -> list[ChainRow]:
        with self._database_lock:
            return list(self._chain[max(start, 1) - 1 : max(start, 1) - 1 + limit])

    def size(self) -> int:
        return self.chain_size()

    def entry_hashes(self, start: int, limit: int) -> list[bytes]:
        return [r.entry_hash for r in self.select_chain(start, limit)]

    @contextmanager
    def snapshot(self) -> Iterator[tuple[Iterator[EventRow], Iterator[ChainEntry]]]:
        with self._database_lock:
            events = [
                EventRow(i, as_uuid(s.originator_id), s.originator_version, s.topic, bytes(s.state))
                for i, s in enumerate(self._stored_events, start=1)
            ]
            chain = [ChainEntry(r.position, r.notification_id, r.entry_hash) for r in self._chain]
        yield iter(events), iter(chain)

    @contextmanager
    def ledger_rows(self) -> Iterator[Iterator[LedgerRow]]:
        with self.snapshot() as (events, chain):
            yield paired_rows(events, chain)


class Factory(POPOFactory):
    """``PERSISTENCE_MODULE=adapters.persistence.chained_memory:Factory`` selects this factory."""

    def application_recorder(self) -> ChainedPOPOApplicationRecorder:
        return ChainedPOPOApplicationRecorder()

"""View interfaces: what a projection may do to its read-model tables, and how they are read.

A ``ReadModelView`` applies one batch of events in ONE transaction together with the tracking
position of the last event (an eventsourcing habit: exactly-once read models). A batch
whose position is not past the recorded one is refused, so a re-delivered event is never applied
twice, and a crash before commit re-delivers the whole batch.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from projections.schema import TableSpec

Row = dict[str, Any]


@dataclass(frozen=True)
class LedgerEntry:
    """Where an event sits in the ledger: log id, gap-free chain position and chain entry hash."""

    notification_id: int
    position: int
    entry_hash: str  # hex

    @property
    def as_dict(self) -> dict[str, Any]:
        return {"notification_id": self.notification_id, "position": self.position,
                "entry_hash": self.entry_hash}


def canonical_json(value: Any) -> str:
    """The one JSON form stored in ``json`` columns, so every backend holds identical text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class ViewReader(Protocol):
    """Read access to read-model tables (what the API and the CLIs query)."""

    def get(self, table: TableSpec, key: Sequence[Any]) -> Row | None:
        """The row whose primary key equals ``key`` (in key column order), or None."""
        ...

    def select(self, table: TableSpec, where: Mapping[str, Any] | None = None,
               order_by: Sequence[str] = ()) -> list[Row]:
        """Rows whose columns equal every value in ``where``, ordered by ``order_by`` then the key."""
        ...

    def select_after(self, table: TableSpec, where: Mapping[str, Any], column: str, after: int, limit: int,
                     within: Mapping[str, tuple[int | None, int | None]] | None = None) -> list[Row]:
        """At most ``limit`` rows whose columns equal every value in ``where``, whose ``int`` column
        ``column`` is greater than ``after`` and whose ``int`` columns in ``within`` lie in [low, high)
        (None: unbounded), ordered by ``column`` then the key: one page of an index walk."""
        ...


class ViewTransaction(ViewReader, Protocol):
    """Reads and writes inside one batch's transaction."""

    def upsert(self, table: TableSpec, row: Row) -> None:
        """Insert ``row`` (every column) or replace the row with the same key."""
        ...

    def delete(self, table: TableSpec, where: Mapping[str, Any]) -> int:
        """Delete the rows matching ``where``; returns how many."""
        ...


class ReadModelView(Protocol):
    """The read models' storage: tables plus the tracking position, written atomically."""

    def position(self, projection: str) -> int:
        """The notification id of the last event ``projection`` applied (0 before the first)."""
        ...

    def transaction(self, projection: str, position: int) -> AbstractContextManager[ViewTransaction]:
        """A transaction that records ``position`` for ``projection`` when it commits.

        Raises ``StaleBatchError`` if ``position`` is not past the recorded one.
        """
        ...

    def reader(self) -> AbstractContextManager[ViewReader]:
        """A read-only snapshot of the tables."""
        ...

    def reset(self) -> None:
        """Drop every row and every tracking position (the first step of a rebuild)."""
        ...

    def dump(self) -> dict[str, list[Row]]:
        """Every table's rows in key order (rebuild comparisons, exports)."""
        ...


class StaleBatchError(Exception):
    """A batch at or before the recorded position: it was applied already (or concurrently)."""

    def __init__(self, projection: str, recorded: int, offered: int) -> None:
        super().__init__(f"{projection}: position {offered} is not past the recorded {recorded}")
        self.recorded = recorded
        self.offered = offered


def rows_in_key_order(table: TableSpec, rows: Iterator[Row] | list[Row]) -> list[Row]:
    return sorted(rows, key=lambda r: tuple(r[k] for k in table.key))

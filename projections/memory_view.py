"""The read-model view in memory: the reference behaviour the SQL views must match (unit tests)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from projections.schema import ALL_TABLES, TableSpec
from projections.view import Row, StaleBatchError, ViewReader, ViewTransaction, canonical_json, rows_in_key_order


def _matches(row: Row, where: Mapping[str, Any] | None) -> bool:
    return all(row.get(k) == v for k, v in (where or {}).items())


class _Tables:
    def __init__(self, tables: dict[str, dict[tuple[Any, ...], str]]) -> None:
        self.tables = tables  # rows kept as canonical JSON text, exactly like the SQL json columns

    def get(self, table: TableSpec, key: Sequence[Any]) -> Row | None:
        text = self.tables[table.name].get(tuple(key))
        return json.loads(text) if text is not None else None

    def select(self, table: TableSpec, where: Mapping[str, Any] | None = None,
               order_by: Sequence[str] = ()) -> list[Row]:
        rows = [json.loads(t) for t in self.tables[table.name].values()]
        rows = rows_in_key_order(table, [r for r in rows if _matches(r, where)])
        return sorted(rows, key=lambda r: tuple(r[c] for c in order_by)) if order_by else rows

    def select_after(self, table: TableSpec, where: Mapping[str, Any], column: str, after: int, limit: int,
                     within: Mapping[str, tuple[int | None, int | None]] | None = None) -> list[Row]:
        for name in (column, *(within or {})):
            if table.kind(name) != "int":
                raise KeyError(f"{table.name}.{name} is not an int column")

        def inside(row: Row) -> bool:
            if row[column] is None or row[column] <= after:
                return False
            for name, (low, high) in (within or {}).items():
                value = row[name]
                if value is None or (low is not None and value < low) or (high is not None and value >= high):
                    return False
            return True

        rows = [r for r in self.select(table, where) if inside(r)]
        return sorted(rows, key=lambda r: r[column])[:limit]

    def upsert(self, table: TableSpec, row: Row) -> None:
        missing = set(table.column_names) ^ set(row)
        if missing:
            raise KeyError(f"{table.name}: row columns differ from the spec: {sorted(missing)}")
        self.tables[table.name][tuple(row[k] for k in table.key)] = canonical_json(row)

    def delete(self, table: TableSpec, where: Mapping[str, Any]) -> int:
        rows = self.tables[table.name]
        doomed = [k for k, t in rows.items() if _matches(json.loads(t), where)]
        for k in doomed:
            del rows[k]
        return len(doomed)


class InMemoryReadModelView:
    """A ``ReadModelView`` in dicts; a failed batch leaves no trace (copy-on-write transaction)."""

    def __init__(self, tables: Sequence[TableSpec] = ALL_TABLES) -> None:
        self.specs = tuple(tables)
        self._tables: dict[str, dict[tuple[Any, ...], str]] = {t.name: {} for t in self.specs}
        self._tracking: dict[str, int] = {}

    def position(self, projection: str) -> int:
        return self._tracking.get(projection, 0)

    @contextmanager
    def transaction(self, projection: str, position: int) -> Iterator[ViewTransaction]:
        recorded = self.position(projection)
        if position <= recorded:
            raise StaleBatchError(projection, recorded, position)
        working = _Tables(copy.deepcopy(self._tables))
        yield working
        self._tables = working.tables
        self._tracking[projection] = position

    @contextmanager
    def reader(self) -> Iterator[ViewReader]:
        yield _Tables(self._tables)

    def reset(self) -> None:
        self._tables = {t.name: {} for t in self.specs}
        self._tracking.clear()

    def dump(self) -> dict[str, list[Row]]:
        tables = _Tables(self._tables)
        return {t.name: tables.select(t) for t in self.specs}

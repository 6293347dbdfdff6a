"""US Consolidated Screening List (trade.gov CSL), CSV download with a header row.

One row per party; ``source`` names the agency list (SDN, Entity List, DPL, ...), ``alt_names``,
``dates_of_birth``, ``nationalities`` and ``citizenships`` are ``;``-separated. The entry id is the
list's own ``entity_number`` when it has one (Treasury lists), else the CSL ``_id``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from domain.ports.screening import EntityKind, ListedName, NameKind, WatchlistEntry, WatchlistFormatError
from domain.screening_rules import ListedBirthDate
from ml.screening.countries import to_alpha3

LIST_PREFIX = "US CSL: "
REQUIRED_COLUMNS = frozenset({"_id", "source", "entity_number", "type", "programs", "name", "alt_names"})
_KINDS = {"individual": EntityKind.INDIVIDUAL, "entity": EntityKind.ENTITY,
          "vessel": EntityKind.VESSEL, "aircraft": EntityKind.AIRCRAFT}


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _birth_date(value: str) -> ListedBirthDate | None:
    parts = value.split("-")
    if not parts[0][:4].isdigit():
        return None
    year = int(parts[0][:4])
    month = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
    day = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else None
    return ListedBirthDate(year, year, month, day)


class ConsolidatedScreeningListImporter:
    """``WatchlistImporter`` for the CSL CSV file."""

    def load(self, path: Path) -> tuple[WatchlistEntry, ...]:
        if not path.is_file():
            raise WatchlistFormatError("CSL file not found", file=str(path))
        reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
        missing = REQUIRED_COLUMNS - set(reader.fieldnames or ())
        if missing:
            raise WatchlistFormatError(
                "not a CSL CSV: columns missing", file=str(path), missing=sorted(missing)
            )
        entries = []
        for line, row in enumerate(reader, start=2):
            if not row["name"] or not (row["entity_number"] or row["_id"]):
                raise WatchlistFormatError("CSL row without a name or an id", file=str(path), line=line)
            names = [ListedName(row["name"], NameKind.PRIMARY)]
            names += [ListedName(alt, NameKind.ALIAS, "alt") for alt in _split(row["alt_names"])]
            dates = (_birth_date(v) for v in _split(row.get("dates_of_birth") or ""))
            countries = _split(row.get("nationalities") or "") + _split(row.get("citizenships") or "")
            codes = (to_alpha3(c) for c in countries)
            entries.append(WatchlistEntry(
                list_name=LIST_PREFIX + row["source"],
                entry_id=row["entity_number"] or row["_id"],
                kind=_KINDS.get(row["type"].strip().lower(), EntityKind.UNKNOWN),
                names=tuple(names),
                birth_dates=tuple(d for d in dates if d is not None),
                nationalities=tuple(dict.fromkeys(c for c in codes if c)),
                programs=tuple(_split(row["programs"])),
            ))
        return tuple(entries)

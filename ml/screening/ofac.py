"""OFAC SDN list, legacy CSV layout: ``sdn.csv`` (+ ``alt.csv``, ``add.csv``, ``sdn_comments.csv``).

Layouts per the Treasury's data specification (no header rows, ``-0-`` for empty):
sdn.csv ``ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag,
Vess_owner, Remarks``; alt.csv ``ent_num, alt_num, alt_type, alt_name, alt_remarks``; add.csv
``ent_num, add_num, address, city/state/postal, country, add_remarks``; sdn_comments.csv
``ent_num, remarks overflow``. Birth dates, nationalities, citizenships and extra a.k.a.s live only in
the free-text remarks; they are parsed from the forms OFAC uses ("DOB 28 Jul 1963", "DOB circa 1970",
"DOB 1960 to 1962", "nationality Iran", "citizen Iran", "a.k.a. 'NAME'").
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from pathlib import Path

from domain.ports.screening import (
    EntityKind,
    ListedName,
    NameKind,
    WatchlistEntry,
    WatchlistFormatError,
)
from domain.screening_rules import ListedBirthDate
from ml.screening.countries import to_alpha3

LIST_NAME = "OFAC SDN"
_EMPTY = "-0-"
_KINDS = {"individual": EntityKind.INDIVIDUAL, "vessel": EntityKind.VESSEL, "aircraft": EntityKind.AIRCRAFT}
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_DOB = re.compile(
    r"DOB (?P<circa>circa )?(?:(?P<day>\d{1,2}) )?(?:(?P<month>[A-Za-z]{3}) )?(?P<year>\d{4})"
    r"(?: to (?:\d{1,2} )?(?:[A-Za-z]{3} )?(?P<year_to>\d{4}))?"
)
_COUNTRY_FIELD = re.compile(r"(?:nationality|citizen) ([^;.]+)")
_AKA = re.compile(r"(?:a\.k\.a\.|f\.k\.a\.) '([^']+)'")


def read_csv_rows(path: Path) -> list[list[str]]:
    """Rows of a headerless OFAC CSV; OFAC has published both UTF-8 and Windows-1252 files."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return [[_clean(cell) for cell in row] for row in csv.reader(io.StringIO(text)) if row]


def _clean(cell: str) -> str:
    value = cell.strip()
    return "" if value == _EMPTY else value


def parse_birth_dates(remarks: str) -> tuple[ListedBirthDate, ...]:
    dates = []
    for m in _DOB.finditer(remarks):
        year = int(m["year"])
        month = _MONTHS.get(m["month"].lower()) if m["month"] else None
        dates.append(ListedBirthDate(
            year_from=year,
            year_to=int(m["year_to"]) if m["year_to"] else year,
            month=month,
            day=int(m["day"]) if m["day"] and month else None,
            approximate=bool(m["circa"]),
        ))
    return tuple(dates)


def parse_countries(remarks: str) -> tuple[str, ...]:
    codes = (to_alpha3(m.group(1)) for m in _COUNTRY_FIELD.finditer(remarks))
    return tuple(dict.fromkeys(c for c in codes if c))


class OfacSdnImporter:
    """``WatchlistImporter`` for a folder holding OFAC's ``sdn.csv`` and its companion files."""

    def load(self, path: Path) -> tuple[WatchlistEntry, ...]:
        sdn_path = path / "sdn.csv"
        if not sdn_path.is_file():
            raise WatchlistFormatError("OFAC folder has no sdn.csv", folder=str(path))
        comments = self._by_entity(path / "sdn_comments.csv", value_column=1)
        aliases = self._aliases(path / "alt.csv")
        addresses = address_countries(path)
        entries: dict[str, WatchlistEntry] = {}
        for line, row in enumerate(read_csv_rows(sdn_path), start=1):
            if len(row) < 12 or not row[0] or not row[1]:
                raise WatchlistFormatError("sdn.csv row is not in the SDN layout", line=line)
            ent_num, name, sdn_type, program = row[0], row[1], row[2].lower(), row[3]
            remarks = " ".join([row[11], *comments.get(ent_num, [])])
            remark_akas = tuple(ListedName(a, NameKind.ALIAS, "remarks aka") for a in _AKA.findall(remarks))
            entries[ent_num] = WatchlistEntry(
                list_name=LIST_NAME,
                entry_id=ent_num,
                kind=_KINDS.get(sdn_type, EntityKind.ENTITY),
                names=(ListedName(name, NameKind.PRIMARY), *aliases.pop(ent_num, ()), *remark_akas),
                birth_dates=parse_birth_dates(remarks),
                nationalities=parse_countries(remarks),
                programs=tuple(p.strip() for p in program.split("] [") if p.strip()),
                address_countries=addresses.get(ent_num, ()),
            )
        # Aliases whose primary record is absent (list excerpts, or files from different days) are
        # still designated names: keep them as entries of unknown kind rather than drop them.
        for ent_num, names in aliases.items():
            entries[ent_num] = WatchlistEntry(LIST_NAME, ent_num, EntityKind.UNKNOWN, tuple(names))
        return tuple(entries.values())

    @staticmethod
    def _aliases(alt_path: Path) -> dict[str, list[ListedName]]:
        aliases: dict[str, list[ListedName]] = defaultdict(list)
        if alt_path.is_file():
            for line, row in enumerate(read_csv_rows(alt_path), start=1):
                if len(row) < 4 or not row[0]:
                    raise WatchlistFormatError("alt.csv row is not in the ALT layout", line=line)
                if row[3]:
                    aliases[row[0]].append(ListedName(row[3], NameKind.ALIAS, row[2]))
        return aliases

    @staticmethod
    def _by_entity(csv_path: Path, value_column: int) -> dict[str, list[str]]:
        values: dict[str, list[str]] = defaultdict(list)
        if csv_path.is_file():
            for row in read_csv_rows(csv_path):
                if len(row) > value_column and row[value_column]:
                    values[row[0]].append(row[value_column])
        return values


def address_countries(path: Path) -> dict[str, tuple[str, ...]]:
    """Countries of each entity's addresses from ``add.csv`` (context for a reviewer; an address
    country is not a nationality, so the rules never use it)."""
    countries: dict[str, list[str]] = defaultdict(list)
    add_path = path / "add.csv"
    if add_path.is_file():
        for line, row in enumerate(read_csv_rows(add_path), start=1):
            if len(row) < 5:
                raise WatchlistFormatError("add.csv row is not in the ADD layout", line=line)
            code = to_alpha3(row[4]) if row[4] else None
            if code:
                countries[row[0]].append(code)
    return {k: tuple(dict.fromkeys(v)) for k, v in countries.items()}

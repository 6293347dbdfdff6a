"""UN Security Council Consolidated List, official XML (``CONSOLIDATED_LIST`` schema sc-sanctions.xsd).

Parsed with the standard library only after refusing anything that could expand entities: a
document type declaration or an entity declaration is rejected outright (billion-laughs and
external-entity attacks need one), and the bytes must be UTF-8 as the UN publishes them, so the check
sees exactly what the parser will.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # input is checked for DTDs/entities before parsing
from pathlib import Path

from domain.ports.screening import EntityKind, ListedName, NameKind, WatchlistEntry, WatchlistFormatError
from domain.screening_rules import ListedBirthDate
from ml.screening.countries import to_alpha3

LIST_NAME = "UN"
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']""")


def parse_safe_xml(data: bytes, source: str) -> ET.Element:
    """Parse list XML after rejecting DTDs, entity declarations and non-UTF-8 encodings."""
    match = _DECLARED_ENCODING.match(data.lstrip(b"\xef\xbb\xbf"))
    if match and match.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
        raise WatchlistFormatError("list XML must be UTF-8", file=source, encoding=match.group(1).decode())
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise WatchlistFormatError("list XML is not valid UTF-8", file=source, offset=exc.start) from exc
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise WatchlistFormatError("list XML with a DTD or entity declarations is refused", file=source)
    try:
        return ET.fromstring(data)  # noqa: S314  (DTD-free, UTF-8 input: nothing to expand)
    except ET.ParseError as exc:
        raise WatchlistFormatError("list XML is malformed", file=source, error=str(exc)) from exc


def _text(element: ET.Element, tag: str) -> str:
    found = element.find(tag)
    return (found.text or "").strip() if found is not None and found.text else ""


def _birth_dates(individual: ET.Element) -> tuple[ListedBirthDate, ...]:
    dates = []
    for node in individual.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        kind = _text(node, "TYPE_OF_DATE").upper()
        full, year = _text(node, "DATE"), _text(node, "YEAR")
        low, high = _text(node, "FROM_YEAR"), _text(node, "TO_YEAR")
        approximate = kind == "APPROXIMATELY"
        if full[:4].isdigit():
            parts = full.split("-")
            month = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            day = int(parts[2][:2]) if len(parts) > 2 and parts[2][:2].isdigit() else None
            dates.append(ListedBirthDate(int(parts[0]), int(parts[0]), month, day, approximate))
        elif year.isdigit():
            dates.append(ListedBirthDate(int(year), int(year), approximate=approximate))
        elif low.isdigit() and high.isdigit():
            dates.append(ListedBirthDate(int(low), int(high), approximate=True))
    return tuple(dates)


def _aliases(node: ET.Element, tag: str) -> list[ListedName]:
    names = []
    for alias in node.findall(tag):
        text = _text(alias, "ALIAS_NAME")
        if text:
            names.append(ListedName(text, NameKind.ALIAS, _text(alias, "QUALITY")))
    return names


def _entry_id(node: ET.Element) -> str:
    entry_id = _text(node, "REFERENCE_NUMBER") or _text(node, "DATAID")
    if not entry_id:
        raise WatchlistFormatError("UN list record has neither REFERENCE_NUMBER nor DATAID")
    return entry_id


class UnConsolidatedImporter:
    """``WatchlistImporter`` for the UN consolidated list XML file."""

    def load(self, path: Path) -> tuple[WatchlistEntry, ...]:
        if not path.is_file():
            raise WatchlistFormatError("UN consolidated list file not found", file=str(path))
        root = parse_safe_xml(path.read_bytes(), str(path))
        if root.tag != "CONSOLIDATED_LIST":
            raise WatchlistFormatError("not a UN consolidated list", file=str(path), root=root.tag)
        return (*self._individuals(root), *self._entities(root))

    @staticmethod
    def _individuals(root: ET.Element) -> list[WatchlistEntry]:
        entries = []
        for node in root.iterfind("INDIVIDUALS/INDIVIDUAL"):
            parts = [_text(node, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
            names = [ListedName(" ".join(p for p in parts if p), NameKind.PRIMARY)]
            names += _aliases(node, "INDIVIDUAL_ALIAS")
            original = _text(node, "NAME_ORIGINAL_SCRIPT")
            if original:
                names.append(ListedName(original, NameKind.ALIAS, "original script"))
            countries = [v.text or "" for v in node.iterfind("NATIONALITY/VALUE")]
            codes = (to_alpha3(c, accept_codes=False) for c in countries)
            entries.append(WatchlistEntry(
                list_name=LIST_NAME,
                entry_id=_entry_id(node),
                kind=EntityKind.INDIVIDUAL,
                names=tuple(n for n in names if n.text),
                birth_dates=_birth_dates(node),
                nationalities=tuple(dict.fromkeys(c for c in codes if c)),
                programs=(_text(node, "UN_LIST_TYPE"),),
            ))
        return entries

    @staticmethod
    def _entities(root: ET.Element) -> list[WatchlistEntry]:
        entries = []
        for node in root.iterfind("ENTITIES/ENTITY"):
            names = [ListedName(_text(node, "FIRST_NAME"), NameKind.PRIMARY), *_aliases(node, "ENTITY_ALIAS")]
            entries.append(WatchlistEntry(
                list_name=LIST_NAME,
                entry_id=_entry_id(node),
                kind=EntityKind.ENTITY,
                names=tuple(n for n in names if n.text),
                programs=(_text(node, "UN_LIST_TYPE"),),
            ))
        return entries

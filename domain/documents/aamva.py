"""AAMVA DL/ID card design standard (versions 1-10): the PDF417 record structure.

A record is: compliance indicator '@', data element separator, record separator, segment terminator,
file type 'ANSI ' (or 'AAMVA' in version 1 era cards), issuer identification number (6 digits), AAMVA
version (2), jurisdiction version (2, from version 2 on), number of entries (2), then one subfile
designator per entry (type 2 + offset 4 + length 4) and the subfiles. Each subfile starts with its
type ('DL', 'ID', 'Z?') and holds elements: a 3-letter id and a value, ended by the separator.

Real cards bend every rule: control characters are mangled by scanners and keyboard wedges, offsets
are wrong or letters, the 'DL' type is missing. So the header is read by position, while elements
are read by their ids from the separated lines, not by the declared offsets (kept for reporting).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from domain.documents.errors import AamvaFormatError

_HEADER = re.compile(r"(ANSI |AAMVA)(\d{6})(\d{2})(\d{2})(\d{2})?")
_FIRST_ELEMENT = re.compile(r"D[A-D][A-Z]")
_LINE_BREAKS = re.compile(r"[\n\r\x1e]+")
_DESIGNATOR = re.compile(r"([A-Z]{2})(\d{4})(\d{4})")
_MIN_LENGTH = 31  # header + one designator: anything shorter cannot be a record


@dataclass(frozen=True)
class SubfileDesignator:
    subfile_type: str
    offset: int
    length: int


@dataclass(frozen=True)
class AamvaRecord:
    """An AAMVA record: header values and every subfile's elements with their raw (unstripped) values."""

    issuer_id: int
    aamva_version: int
    jurisdiction_version: int
    number_of_entries: int
    designators: tuple[SubfileDesignator, ...]
    subfiles: dict[str, dict[str, str]] = field(default_factory=dict)

    def element(self, element_id: str) -> str | None:
        """An element's raw value from whichever subfile holds it."""
        for elements in self.subfiles.values():
            if element_id in elements:
                return elements[element_id]
        return None

    def jurisdiction_lines(self) -> tuple[str, ...]:
        """The 'Z' subfiles as printed lines (type prefix kept on the first one), for audit display."""
        lines: list[str] = []
        for subfile_type, elements in self.subfiles.items():
            if subfile_type.startswith("Z"):
                for i, (eid, value) in enumerate(elements.items()):
                    lines.append((subfile_type if i == 0 else "") + eid + value)
        return tuple(lines)


def _clean(payload: str) -> str:
    payload = payload.lstrip("\ufeff")
    # C0/C1 controls other than the three separators are scanner noise (e.g. U+0090 from a wedge).
    return "".join(c for c in payload if c in "\n\r\x1e" or not (ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0))


def _header(text: str) -> tuple[re.Match[str], int, int, int, int]:
    if len(text) < _MIN_LENGTH or not text.startswith("@"):
        raise AamvaFormatError("not an AAMVA record: it must start with the '@' compliance indicator",
                               length=len(text))
    match = _HEADER.search(text, 0, 40)
    if match is None:
        raise AamvaFormatError("not an AAMVA record: no 'ANSI ' or 'AAMVA' file type with an issuer id")
    iin, version = int(match.group(2)), int(match.group(3))
    if not 1 <= version <= 10 and version != 0:
        raise AamvaFormatError("unsupported AAMVA version", version=version)
    if version <= 1:
        # Version 0/1 headers have no jurisdiction version: the 2 digits after the version are the count.
        return match, iin, version, 0, int(match.group(4))
    return match, iin, version, int(match.group(4)), int(match.group(5) or 0)


def _split_subfiles(body: str, designators: tuple[SubfileDesignator, ...]) -> dict[str, dict[str, str]]:
    types = {d.subfile_type for d in designators} | {"DL", "ID"}
    subfiles: dict[str, dict[str, str]] = {}
    current = "DL"
    for line in _LINE_BREAKS.split(body):
        if not line:
            continue
        if line[:2] in types and line[:2].startswith("Z") and (len(line) == 2 or line[2:4] == line[:2]):
            current = line[:2]
            subfiles.setdefault(current, {})
            line = line[2:]
            if not line:
                continue
        elif line.startswith("Z") and len(line) >= 3:
            current = line[:2]
        if len(line) >= 3:
            subfiles.setdefault(current, {})[line[:3]] = line[3:]
    return subfiles


def parse_aamva(payload: str) -> AamvaRecord:
    """Parse a decoded PDF417 payload; raises :class:`AamvaFormatError` when it is not a record."""
    text = _clean(payload)
    match, iin, version, jversion, entries = _header(text)
    after = match.end() if version > 1 else match.start(5) if match.group(5) else match.end()
    designators = tuple(
        SubfileDesignator(m.group(1), int(m.group(2)), int(m.group(3)))
        for m in _DESIGNATOR.finditer(text[after:after + 10 * entries])
    )
    first = _FIRST_ELEMENT.search(text, after)
    if first is None:
        raise AamvaFormatError("AAMVA record without any DL/ID data element")
    subfile_type = "ID" if text[max(after, first.start() - 2):first.start()] == "ID" else "DL"
    subfiles = _split_subfiles(text[first.start():], designators)
    if subfile_type == "ID" and "DL" in subfiles:
        subfiles = {("ID" if k == "DL" else k): v for k, v in subfiles.items()}
    return AamvaRecord(iin, version, jversion, entries, designators, subfiles)

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
_TYPED_FIRST_ELEMENT = re.compile(r"(DL|ID)(D[A-D][A-Z])")
_LINE_BREAKS = re.compile(r"[\n\r\x1e]+")
_DESIGNATOR = re.compile(r"([A-Z]{2})(\d{4})(\d{4})")
_BYTE_ORDER_MARKS = ("\ufeff", "\u00ef\u00bb\u00bf")
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
    # A byte order mark, or whitespace a keyboard wedge or a copy adds before the '@', is no part of the
    # record: the reference parsers skip it, on every path (text from a scanner or from an image).
    # The mark may arrive decoded as UTF-8 (U+FEFF) or, from a barcode read in its default charset
    # (Latin-1, ECI 3), as its three bytes "\u00ef\u00bb\u00bf".
    payload = payload.lstrip(" \t\r\n")
    for mark in _BYTE_ORDER_MARKS:
        payload = payload.removeprefix(mark).lstrip(" \t\r\n")
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


def _declared_separator(text: str) -> str:
    """The record with its declared data element separator (the character after '@') as a line break:
    some issuers and scanners declare a printable one ('|')."""
    separator = text[1:2]
    if separator and separator not in "\n\r\x1e" and not separator.isalnum() and not separator.isspace():
        return text.replace(separator, "\n")
    return text


def parse_aamva(payload: str) -> AamvaRecord:
    """Parse a decoded PDF417 payload; raises :class:`AamvaFormatError` when it is not a record."""
    text = _declared_separator(_clean(payload))
    match, iin, version, jversion, entries = _header(text)
    after = match.end() if version > 1 else match.start(5) if match.group(5) else match.end()
    designators = tuple(
        SubfileDesignator(m.group(1), int(m.group(2)), int(m.group(3)))
        for m in _DESIGNATOR.finditer(text[after:after + 10 * entries])
    )
    typed = _TYPED_FIRST_ELEMENT.search(text, after)
    first = _FIRST_ELEMENT.search(text, after)
    if first is None:
        raise AamvaFormatError("AAMVA record without any DL/ID data element")
    # "IDDAQ..." must not be read as an element "DDA" with the value "Q...": the subfile's own type,
    # where it is written, says where its first element starts.
    if typed is not None and typed.start() <= first.start():
        subfile_type, start = typed.group(1), typed.start(2)
    else:
        subfile_type, start = "DL", first.start()
    subfiles = _split_subfiles(text[start:], designators)
    if subfile_type == "ID" and "DL" in subfiles:
        subfiles = {("ID" if k == "DL" else k): v for k, v in subfiles.items()}
    return AamvaRecord(iin, version, jversion, entries, designators, subfiles)

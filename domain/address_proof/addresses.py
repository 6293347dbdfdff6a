"""Is a printed line part of a postal address? House number + street, or a postcode of a known format.

Patterns, not a gazetteer: the check asks whether the document carries an address next to the
holder's name, not whether the address exists. Street lines in three orders (``14 Willow Street``,
``Hauptstraße 12``, ``1 rue de l'Église``); postcodes in the formats below, each anchored to what
surrounds it on an envelope (a state code, a town) so account numbers and amounts do not qualify.
"""

from __future__ import annotations

import re
from enum import StrEnum

from domain.address_proof.names import plain_text

_STREET_WORDS = (r"street|st|road|rd|avenue|ave|av|lane|ln|drive|dr|way|close|court|ct|crescent|cres|place|pl|"
                 r"boulevard|blvd|terrace|gardens|grove|square|sq|parkway|pkwy|highway|hwy|row|hill|mews|walk|"
                 r"park|marg|nagar")
# "14 Willow Street", "221B Baker St.", "12, MG Road", "1600 Pennsylvania Avenue NW"
_NUMBER_THEN_STREET = re.compile(rf"\b\d{{1,5}}[a-z]?\b,?\s+(?:[a-z'-]+\.?\s+){{0,4}}(?:{_STREET_WORDS})\b")
# "Hauptstraße 12", "Keizersgracht 123a", "Storgatan 5", "ul. Długa 7"
_STREET_THEN_NUMBER = re.compile(
    r"[a-z]*(?:strasse|str|weg|gasse|allee|platz|ring|damm|straat|laan|gracht|plein|kade|vej|gade|gatan|gata|"
    r"vagen|veien|ulica|ul|utca)\.?\s+\d{1,5}[a-z]?\b")
# "1 rue de l'Église", "Calle Mayor 5", "Via Roma 10", "Rua Augusta, 27": the street word and a number
_ROMANCE_STREET = re.compile(r"\b(?:rue|avenue|boulevard|bd|chemin|impasse|quai|calle|avenida|avda|paseo|plaza|"
                             r"via|viale|piazza|corso|rua|travessa|largo|strada|carrer)\b")
_HOUSE_NUMBER = re.compile(r"(?<![\d.,])\b\d{1,4}[a-z]?\b(?![\d.,]\d)")

POSTCODES: dict[str, re.Pattern[str]] = {
    # GB: outward + inward code ("M1 4BT", "SW1A 1AA")
    "GB": re.compile(r"\b(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b"),
    # US: state code + ZIP or ZIP+4 ("IL 62704", "NY 10001-2345")
    "US": re.compile(r"\b[A-Z]{2},?\s+\d{5}(?:-\d{4})?\b"),
    # CA: "K1A 0B1"
    "CA": re.compile(r"\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d\b"),
    # NL: four digits, two letters, then the town ("1017 AB AMSTERDAM")
    "NL": re.compile(r"\b[1-9]\d{3} ?[A-Z]{2}\s+[A-Z]{3,}"),
    # DE, FR, ES, IT...: five digits then the town, at the start of the line or after a comma
    "5-digit + town": re.compile(r"(?:^|,\s*)(?:[A-Z]{1,2}-)?\d{5}\s+[A-Z][A-Z' -]{2,}"),
    # SG: "SINGAPORE 238859" (before IN: a town and six digits)
    "SG": re.compile(r"\bSINGAPORE\s+\d{6}\b"),
    # IN: town then the six-digit PIN, ending the line ("MUMBAI - 400001", "PUNE 411 001")
    "IN": re.compile(r"[A-Z]{3,}\s*[-,]?\s*[1-9]\d{2}\s?\d{3}$"),
    # AU: state + four digits ("NSW 2000")
    "AU": re.compile(r"\b(?:NSW|VIC|QLD|WA|SA|TAS|ACT|NT)\s+\d{4}\b"),
}


class AddressEvidence(StrEnum):
    """What made a line an address line (recorded as a code: never the address itself)."""

    STREET = "street"
    POSTCODE = "postcode"


def is_street_line(line: str) -> bool:
    """A house number with a street word, in any of the three orders above."""
    text = plain_text(line)
    if _NUMBER_THEN_STREET.search(text) or _STREET_THEN_NUMBER.search(text):
        return True
    return bool(_ROMANCE_STREET.search(text) and _HOUSE_NUMBER.search(text))


def postcode_format(line: str) -> str | None:
    """The first postcode format (key of ``POSTCODES``) the line carries, or None."""
    text = plain_text(line).upper().strip()
    return next((name for name, pattern in POSTCODES.items() if pattern.search(text)), None)


def address_evidence(line: str) -> AddressEvidence | None:
    """Why the line is an address line, street first; None when it is not one."""
    if is_street_line(line):
        return AddressEvidence.STREET
    return AddressEvidence.POSTCODE if postcode_format(line) else None

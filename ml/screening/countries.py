"""Country names and codes from the lists and the documents, as ISO 3166 alpha-3.

Lists spell countries their own way (UN: "Iran (Islamic Republic of)", "Democratic People's Republic
of Korea"; CSL: alpha-2; OFAC remarks: "nationality Russia"); documents use ICAO 9303 alpha-3 with a
few special codes. Everything meets as ISO alpha-3 so nationality agreement is a plain comparison.
Unrecognised values ("former Soviet Union", "na") give ``None``: unknown, never a guess.
"""

from __future__ import annotations

import re
from functools import lru_cache

import iso3166

from ml.screening.normalise import fold

# Common and UN short forms not derivable from the ISO names by reordering.
_ALIASES = {
    "russia": "RUS", "iran": "IRN", "syria": "SYR", "north korea": "PRK", "south korea": "KOR",
    "democratic peoples republic of korea": "PRK", "republic of korea": "KOR", "korea": "KOR",
    "democratic republic of the congo": "COD", "drc": "COD", "congo": "COG",
    "republic of the congo": "COG", "state of palestine": "PSE", "palestine": "PSE",
    "palestinian territories": "PSE", "tanzania": "TZA", "united republic of tanzania": "TZA",
    "turkey": "TUR", "turkiye": "TUR", "venezuela": "VEN", "bolivia": "BOL", "laos": "LAO",
    "vietnam": "VNM", "viet nam": "VNM", "moldova": "MDA", "republic of moldova": "MDA",
    "czech republic": "CZE", "ivory coast": "CIV", "cote divoire": "CIV", "burma": "MMR",
    "macedonia": "MKD", "north macedonia": "MKD", "united kingdom": "GBR", "uk": "GBR",
    "great britain": "GBR", "united states": "USA", "us": "USA", "usa": "USA", "taiwan": "TWN",
    "brunei": "BRN", "cape verde": "CPV", "swaziland": "SWZ", "vatican": "VAT", "micronesia": "FSM",
}
# ICAO 9303 part 3 codes that are not ISO alpha-3.
_ICAO_SPECIAL = {"D": "DEU", "GBD": "GBR", "GBN": "GBR", "GBO": "GBR", "GBP": "GBR", "GBS": "GBR"}
_PARENTHESES = re.compile(r"\(([^)]*)\)")


def _variants(iso_name: str) -> set[str]:
    """ "Iran, Islamic Republic of" -> {"iran islamic republic of", "islamic republic of iran", "iran"}."""
    names = {fold(iso_name)}
    if "," in iso_name:
        head, _, tail = iso_name.partition(",")
        names.add(fold(f"{tail} {head}"))
        names.add(fold(head))
    return names


@lru_cache(maxsize=1)
def _by_folded_name() -> dict[str, str]:
    table: dict[str, str] = {}
    for country in iso3166.countries:
        for name in (country.name, country.apolitical_name):
            for variant in _variants(name):
                table.setdefault(variant, country.alpha3)
    table.update(_ALIASES)
    return table


def _from_code(upper: str) -> str | None:
    if upper in _ICAO_SPECIAL:
        return _ICAO_SPECIAL[upper]
    if len(upper) in (2, 3) and upper.isalpha():
        country = iso3166.countries_by_alpha2.get(upper) or iso3166.countries_by_alpha3.get(upper)
        if country is not None:
            return str(country.alpha3)
    return None


def to_alpha3(value: str, *, accept_codes: bool = True) -> str | None:
    """ISO alpha-2, alpha-3, ICAO special code or country name -> ISO alpha-3, or ``None``.

    ``accept_codes=False`` for fields that hold names only (the UN list writes "na" for "not
    available", which as a code would be Namibia)."""
    text = value.strip().strip("<")
    if not text:
        return None
    upper = text.upper()
    if accept_codes:
        from_code = _from_code(upper)
        if from_code is not None:
            return from_code
    if len(upper) <= 3 and upper.lower() not in _ALIASES:
        return None
    table = _by_folded_name()
    folded = fold(text)
    if folded in table:
        return table[folded]
    # "Iran (Islamic Republic of)": try the name without, then inside, the parentheses.
    outside = fold(_PARENTHESES.sub(" ", text))
    if outside in table:
        return table[outside]
    inside = [fold(m) for m in _PARENTHESES.findall(text)]
    for candidate in inside:
        if candidate in table:
            return table[candidate]
        if fold(f"{candidate} {outside}") in table:
            return table[fold(f"{candidate} {outside}")]
    return None

"""AAMVA issuer identification numbers (IIN) and jurisdictions (public AAMVA IIN list).

Used to name the issuer of a PDF417 driver licence and to tell US from Canadian (and Mexican)
documents when the record predates the DCG (country) element.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Jurisdiction:
    code: str
    name: str
    country: str  # ISO 3166 alpha-3


_US, _CA, _MX = "USA", "CAN", "MEX"

_TABLE: tuple[tuple[int, str, str, str], ...] = (
    (636033, "AL", "Alabama", _US), (636059, "AK", "Alaska", _US), (604432, "AB", "Alberta", _CA),
    (604427, "AS", "American Samoa", _US), (636026, "AZ", "Arizona", _US), (636021, "AR", "Arkansas", _US),
    (636028, "BC", "British Columbia", _CA), (636014, "CA", "California", _US),
    (636056, "COA", "Coahuila", _MX), (636020, "CO", "Colorado", _US), (636006, "CT", "Connecticut", _US),
    (636011, "DE", "Delaware", _US), (636043, "DC", "District of Columbia", _US),
    (636010, "FL", "Florida", _US), (636055, "GA", "Georgia", _US), (636019, "GU", "Guam", _US),
    (636047, "HI", "Hawaii", _US), (636057, "HID", "Hidalgo", _MX), (636050, "ID", "Idaho", _US),
    (636035, "IL", "Illinois", _US), (636037, "IN", "Indiana", _US), (636018, "IA", "Iowa", _US),
    (636022, "KS", "Kansas", _US), (636046, "KY", "Kentucky", _US), (636007, "LA", "Louisiana", _US),
    (636041, "ME", "Maine", _US), (636048, "MB", "Manitoba", _CA), (636003, "MD", "Maryland", _US),
    (636002, "MA", "Massachusetts", _US), (636032, "MI", "Michigan", _US),
    (636038, "MN", "Minnesota", _US), (636051, "MS", "Mississippi", _US), (636030, "MO", "Missouri", _US),
    (636008, "MT", "Montana", _US), (636054, "NE", "Nebraska", _US), (636049, "NV", "Nevada", _US),
    (636017, "NB", "New Brunswick", _CA), (636039, "NH", "New Hampshire", _US),
    (636036, "NJ", "New Jersey", _US), (636009, "NM", "New Mexico", _US), (636001, "NY", "New York", _US),
    (636016, "NL", "Newfoundland", _CA), (636004, "NC", "North Carolina", _US),
    (636034, "ND", "North Dakota", _US), (604430, "MP", "Northern Mariana Islands", _US),
    (636013, "NS", "Nova Scotia", _CA), (604434, "NT", "Northwest Territories", _CA),
    (604433, "NU", "Nunavut", _CA), (636023, "OH", "Ohio", _US), (636058, "OK", "Oklahoma", _US),
    (636012, "ON", "Ontario", _CA), (636029, "OR", "Oregon", _US), (636025, "PA", "Pennsylvania", _US),
    (604426, "PE", "Prince Edward Island", _CA), (604431, "PR", "Puerto Rico", _US),
    (604428, "QC", "Quebec", _CA), (636052, "RI", "Rhode Island", _US),
    (636044, "SK", "Saskatchewan", _CA), (636005, "SC", "South Carolina", _US),
    (636042, "SD", "South Dakota", _US), (636053, "TN", "Tennessee", _US),
    (636027, "", "US State Department", _US), (636015, "TX", "Texas", _US),
    (636062, "VI", "US Virgin Islands", _US), (636040, "UT", "Utah", _US), (636024, "VT", "Vermont", _US),
    (636000, "VA", "Virginia", _US), (636045, "WA", "Washington", _US),
    (636061, "WV", "West Virginia", _US), (636031, "WI", "Wisconsin", _US), (636060, "WY", "Wyoming", _US),
    (604429, "YT", "Yukon", _CA),
)

BY_IIN = {iin: Jurisdiction(code, name, country) for iin, code, name, country in _TABLE}
BY_CODE = {code: Jurisdiction(code, name, country) for _, code, name, country in _TABLE if code}


def jurisdiction_of(iin: int, code: str | None) -> Jurisdiction | None:
    """The issuer by IIN, else by the jurisdiction code printed in the record (test cards use odd IINs)."""
    return BY_IIN.get(iin) or (BY_CODE.get(code) if code else None)

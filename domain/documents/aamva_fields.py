"""AAMVA elements -> normalised licence data: names, ISO dates, sex, height, weight, colours, address.

Date order depends on version and country (AAMVA 2000: CCYYMMDD everywhere; from 2003 on: MMDDCCYY
in the USA, CCYYMMDD in Canada), and cards in the field break it both ways, so the expected order is
tried first and the other one only when the first does not form a real date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from domain.documents.aamva import AamvaRecord
from domain.documents.aamva_jurisdictions import BY_CODE, jurisdiction_of
from domain.documents.errors import AamvaMissingFieldError

_EYES = {"BLK": "black", "BK": "black", "BLACK": "black", "BLU": "blue", "BL": "blue", "BLUE": "blue",
         "BRO": "brown", "BR": "brown", "BN": "brown", "BRN": "brown", "BROWN": "brown",
         "GRY": "gray", "GY": "gray", "GRAY": "gray", "GREY": "gray", "GRN": "green", "GN": "green",
         "GREEN": "green", "HAZ": "hazel", "HZ": "hazel", "HAZEL": "hazel", "MAR": "maroon",
         "PNK": "pink", "DIC": "dichromatic"}
_HAIR = {"BAL": "bald", "BLK": "black", "BK": "black", "BLACK": "black", "BLN": "blond", "BLD": "blond",
         "BLOND": "blond", "BRO": "brown", "BRN": "brown", "BR": "brown", "BROWN": "brown",
         "GRY": "gray", "GRAY": "gray", "RED": "red", "RD": "red", "SDY": "sandy", "WHI": "white",
         "WHITE": "white"}
# AAMVA D20 weight ranges (code -> pounds), used when only DCE is present.
WEIGHT_RANGES_LBS = {"0": (0, 70), "1": (71, 100), "2": (101, 130), "3": (131, 160), "4": (161, 190),
                     "5": (191, 220), "6": (221, 250), "7": (251, 280), "8": (281, 320), "9": (321, 999)}
_COMPLIANCE = {"F": "fully_compliant", "M": "materially_compliant", "N": "non_compliant"}
_EMPTY = {"", "NONE", "UNAVL", "UNK"}


@dataclass(frozen=True)
class LicenceData:
    """Normalised content of an AAMVA driver licence / ID card (personal: keep it out of logs)."""

    document_type: str  # "DL" or "ID"
    aamva_version: int
    issuer_id: int
    jurisdiction_name: str | None
    country: str | None  # ISO 3166 alpha-3
    id_number: str
    last_name: str | None
    first_name: str | None
    middle_name: str | None
    suffix: str | None
    first_truncated: bool | None
    middle_truncated: bool | None
    last_truncated: bool | None
    birth_date: date
    expiry_date: date
    issue_date: date | None
    revision_date: date | None
    sex: str | None  # "M" / "F"
    street_1: str | None
    street_2: str | None
    city: str | None
    jurisdiction_code: str | None
    postal_code: str | None
    height_inches: int | None
    height_cm: int | None
    weight_lbs: int | None
    weight_kg: int | None
    weight_range: str | None
    eye_color: str | None
    hair_color: str | None
    place_of_birth: str | None
    document_discriminator: str | None
    inventory_control_number: str | None
    compliance_type: str | None
    has_temporary_lawful_status: bool | None
    is_organ_donor: bool | None
    is_veteran: bool | None
    under_18_until: date | None
    under_19_until: date | None
    under_21_until: date | None
    vehicle_class: str | None
    restriction_codes: str | None
    endorsement_codes: str | None


def _text(record: AamvaRecord, eid: str) -> str | None:
    raw = record.element(eid)
    if raw is None:
        return None
    value = raw.strip().rstrip(",").strip()
    return None if value.upper() in _EMPTY else value


def _as_date(digits: str, year_first: bool) -> date | None:
    try:
        if year_first:
            return date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
        return date(int(digits[4:8]), int(digits[0:2]), int(digits[2:4]))
    except ValueError:
        return None


def parse_date(raw: str | None, year_first: bool) -> date | None:
    """An AAMVA date in the expected order, else the other order; ``None`` when neither is a date."""
    if raw is None:
        return None
    digits = raw.strip()[:8]
    if len(digits) != 8 or not digits.isdigit():
        return None
    return _as_date(digits, year_first) or _as_date(digits, not year_first)


def split_full_name(full: str) -> tuple[str | None, str | None, str | None, str | None]:
    """DAA (version 1): 'LAST,FIRST,MIDDLE,SUFFIX' or, without commas, 'FIRST MIDDLE... LAST'."""
    if "," in full:
        parts = [p.strip() for p in full.split(",")]
        last = parts[0] or None
        first = parts[1] if len(parts) > 1 else ""
        middle = " ".join(p for p in parts[2:3] if p) if len(parts) > 2 else ""
        suffix = parts[3] if len(parts) > 3 and parts[3] else None
        if not middle and " " in first:
            first, middle = first.split(" ", 1)
        return last, first or None, middle or None, suffix
    words = full.split()
    if len(words) == 1:
        return words[0], None, None, None
    return words[-1], words[0], " ".join(words[1:-1]) or None, None


def _split_given(given: str) -> tuple[str | None, str | None]:
    sep = "," if "," in given else " "
    first, _, middle = given.partition(sep)
    return first.strip() or None, middle.strip() or None


def _names(record: AamvaRecord) -> tuple[str | None, str | None, str | None, str | None]:
    last, first, middle = _text(record, "DCS") or _text(record, "DAB"), _text(record, "DAC"), None
    suffix = _text(record, "DCU")
    if first is not None:
        middle = _text(record, "DAD")
        if middle is None and " " in first:
            first, middle = _split_given(first)
    elif (given := _text(record, "DCT")) is not None:
        first, middle = _split_given(given)
    elif (full := _text(record, "DAA")) is not None:
        last, first, middle, suffix = split_full_name(full)
    return last, first, middle, suffix


def _truncation(record: AamvaRecord, eid: str) -> bool | None:
    return {"T": True, "N": False}.get((record.element(eid) or "").strip())


def postal_code(raw: str | None) -> str | None:
    """Spaces and dashes removed; the unused '0000' ZIP+4 extension dropped."""
    if raw is None:
        return None
    code = re.sub(r"[\s-]", "", raw)
    if len(code) > 5 and code.endswith("0000"):
        code = code[:-4]
    return code or None


def display_postal_code(code: str | None) -> str | None:
    """ZIP+4 as '12345-6789', a Canadian code as 'A1A 1A1', anything else unchanged."""
    if code and len(code) == 9 and code.isdigit():
        return f"{code[:5]}-{code[5:]}"
    if code and re.fullmatch(r"[A-Z]\d[A-Z]\d[A-Z]\d", code):
        return f"{code[:3]} {code[3:]}"
    return code


def _height(raw: str | None, version: int) -> tuple[int | None, int | None]:
    if raw is None:
        return None, None
    text = raw.strip().upper()
    number = re.match(r"\d+", text)
    if number is None:
        return None, None
    value = int(number.group())
    if "CM" in text:
        return None, value
    if "IN" in text or version > 1:
        return value, None
    # AAMVA 2000 writes feet then inches: '506' is 5 ft 6 in.
    return value // 100 * 12 + value % 100, None


def _weight(record: AamvaRecord) -> tuple[int | None, int | None, str | None]:
    raw = _text(record, "DAW")
    code = (_text(record, "DCE") or "")[:1]
    weight_range = code if code in WEIGHT_RANGES_LBS else None
    kg = _text(record, "DAX")
    if raw is not None and (m := re.match(r"\d+", raw)):
        if "KG" in raw.upper():
            return None, int(m.group()), weight_range
        return int(m.group()), None, weight_range
    if kg is not None and kg.isdigit():
        return None, int(kg), weight_range
    return None, None, weight_range


# The 2000 standard (version 1) has a mailing address (DAG-DAK) and a residence address (DAL-DAP);
# a card that carries only the residence one must not lose its street and city.
_ADDRESS = {"DAG": "DAL", "DAH": "DAM", "DAI": "DAN", "DAJ": "DAO", "DAK": "DAP"}


def _address_text(record: AamvaRecord, eid: str) -> str | None:
    value = _text(record, eid)
    if value is None and record.aamva_version <= 1:
        return _text(record, _ADDRESS[eid])
    return value


def _street_2(record: AamvaRecord, city: str | None, code: str | None, postal: str | None) -> str | None:
    value = _address_text(record, "DAH")
    # Some issuers (Wyoming) repeat 'CITY, ST ZIP' in the second street line: it is not a street.
    if value and city and code and postal and re.match(
            rf"\s*{re.escape(city)}[\s,]*{re.escape(code)}[\s,]*{re.escape(postal)}", value):
        return None
    return value


def _flag(record: AamvaRecord, eid: str, true_values: str) -> bool | None:
    raw = record.element(eid)
    return None if raw is None else raw.strip() in true_values.split("|")


def licence_data(record: AamvaRecord) -> LicenceData:
    """Normalise a parsed record; raises when a mandatory element (id, birth, expiry, name) is missing."""
    code = _address_text(record, "DAJ")
    jurisdiction = jurisdiction_of(record.issuer_id, code)
    country = _text(record, "DCG") or (jurisdiction.country if jurisdiction else None)
    if country is None and code in BY_CODE:
        country = BY_CODE[code].country
    year_first = record.aamva_version <= 1 or country == "CAN"
    last, first, middle, suffix = _names(record)
    birth = parse_date(record.element("DBB"), year_first)
    expiry = parse_date(record.element("DBA"), year_first)
    id_number = _text(record, "DAQ") or (record.element("DAQ") or "").strip()
    missing = [name for name, value in (("birth_date", birth), ("expiry_date", expiry),
                                        ("id_number", id_number), ("name", last or first)) if not value]
    if missing or birth is None or expiry is None:
        raise AamvaMissingFieldError("AAMVA record lacks mandatory fields", missing=missing)
    city, postal = _address_text(record, "DAI"), postal_code(_address_text(record, "DAK"))
    inches, cm = _height(record.element("DAU"), record.aamva_version)
    lbs, kg, weight_range = _weight(record)
    v1 = record.aamva_version <= 1
    return LicenceData(
        document_type="ID" if "ID" in record.subfiles else "DL", aamva_version=record.aamva_version,
        issuer_id=record.issuer_id, jurisdiction_name=jurisdiction.name if jurisdiction else None,
        country=country, id_number=id_number, last_name=last, first_name=first, middle_name=middle,
        suffix=suffix, first_truncated=_truncation(record, "DDF"),
        middle_truncated=_truncation(record, "DDG"), last_truncated=_truncation(record, "DDE"),
        birth_date=birth, expiry_date=expiry, issue_date=parse_date(record.element("DBD"), year_first),
        revision_date=parse_date(record.element("DDB"), year_first),
        sex={"1": "M", "M": "M", "2": "F", "F": "F"}.get((record.element("DBC") or "").strip()),
        street_1=_address_text(record, "DAG"), street_2=_street_2(record, city, code, postal), city=city,
        jurisdiction_code=code, postal_code=postal, height_inches=inches, height_cm=cm,
        weight_lbs=lbs, weight_kg=kg, weight_range=weight_range,
        eye_color=_EYES.get((_text(record, "DAY") or "").upper()),
        hair_color=_HAIR.get((_text(record, "DAZ") or "").upper()),
        place_of_birth=_text(record, "DCI"), document_discriminator=_text(record, "DCF"),
        inventory_control_number=_text(record, "DCK"),
        compliance_type=_COMPLIANCE.get((record.element("DDA") or "").strip()),
        has_temporary_lawful_status=_flag(record, "DDD", "1"),
        is_organ_donor=_flag(record, "DBH", "Y|1") if v1 or record.element("DDK") is None
        else _flag(record, "DDK", "1"),
        is_veteran=_flag(record, "DDL", "1"),
        under_18_until=parse_date(record.element("DDH"), year_first),
        under_19_until=parse_date(record.element("DDI"), year_first),
        under_21_until=parse_date(record.element("DDJ"), year_first),
        # Version 1 names these DAR/DAS/DAT; some later cards (Alberta) still do.
        vehicle_class=_text(record, "DCA") or _text(record, "DAR"),
        restriction_codes=_text(record, "DCB") or _text(record, "DAS"),
        endorsement_codes=_text(record, "DCD") or _text(record, "DAT"),
    )

"""Document evaluation, AAMVA part: IdParser expectations, AAMVA standard examples and negative payloads
from ../shared/data/pdf417 (``pdf417/SOURCES.md``).

IdParser states fields in its own C# model; the translation to ours is spelled out below, and an
expectation that is not a literal value (IdParser's ``weight`` variable) is reported as unverifiable
instead of counted as a pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from domain.documents.aamva import AamvaRecord, parse_aamva
from domain.documents.aamva_fields import WEIGHT_RANGES_LBS, LicenceData, display_postal_code, licence_data
from domain.errors import DomainError
from tools.eval.document_tally import Tally

_VERSION_YEARS = {"2000": 1, "2003": 2, "2005": 3, "2009": 4, "2010": 5, "2011": 6, "2012": 7, "2013": 8,
                  "2016": 9, "2020": 10}
# IdParser's own spelling of one description (its source has the typo); our table spells it right.
_IIN_NAME_ALIASES = {"Price Edward Island": "Prince Edward Island"}



_SIMPLE: dict[str, Callable[[LicenceData], object]] = {
    "Name.First": lambda d: d.first_name, "Name.Middle": lambda d: d.middle_name,
    "Name.Last": lambda d: d.last_name, "Name.Suffix": lambda d: d.suffix,
    "First": lambda d: d.first_name, "Middle": lambda d: d.middle_name, "Last": lambda d: d.last_name,
    "Name.WasFirstTruncated": lambda d: d.first_truncated,
    "Name.WasMiddleTruncated": lambda d: d.middle_truncated,
    "Name.WasLastTruncated": lambda d: d.last_truncated,
    "Address.StreetLine1": lambda d: d.street_1, "Address.StreetLine2": lambda d: d.street_2,
    "Address.City": lambda d: d.city, "Address.JurisdictionCode": lambda d: d.jurisdiction_code,
    "Address.PostalCode": lambda d: d.postal_code,
    "Address.PostalCodeDisplay": lambda d: display_postal_code(d.postal_code),
    "IdNumber": lambda d: d.id_number, "PlaceOfBirth": lambda d: d.place_of_birth,
    "DocumentDiscriminator": lambda d: d.document_discriminator,
    "InventoryControlNumber": lambda d: d.inventory_control_number,
    "HasTemporaryLawfulStatus": lambda d: d.has_temporary_lawful_status,
    "IsOrganDonor": lambda d: d.is_organ_donor, "IsVeteran": lambda d: d.is_veteran,
    "Jurisdiction.VehicleClass": lambda d: d.vehicle_class,
    "Jurisdiction.RestrictionCodes": lambda d: d.restriction_codes,
    "Jurisdiction.EndorsementCodes": lambda d: d.endorsement_codes,
    "IssuerIdentificationNumber.GetDescription()": lambda d: d.jurisdiction_name,
}
_DATES = {"DateOfBirth": "birth_date", "IssueDate": "issue_date", "ExpirationDate": "expiry_date",
          "RevisionDate": "revision_date", "Under18Until": "under_18_until",
          "Under19Until": "under_19_until", "Under21Until": "under_21_until"}
_SINGLE_ELEMENT = re.compile(r'AdditionalJurisdictionElements\.Single\(e => e\.Key == "(\w+)"\)\.Value')


def _enum_value(text: str) -> str:
    """'EyeColor.Brown' -> 'brown', 'ComplianceType.FullyCompliant' -> 'fully_compliant'."""
    name = text.split(".", 1)[1]
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def _weight_matches(d: LicenceData, text: str) -> bool | None:
    if m := re.fullmatch(r"Weight\.FromImperial\((\d+)\)", text):
        return d.weight_lbs == int(m.group(1))
    if m := re.fullmatch(r"Weight\.FromMetric\((\d+)\)", text):
        return d.weight_kg == int(m.group(1))
    if m := re.search(r"WeightRange\.Lbs(\d+)To(\d+)", text):
        rng = WEIGHT_RANGES_LBS.get(d.weight_range or "")
        return rng == (int(m.group(1)), int(m.group(2)))
    return None  # not a literal (the source compares with a variable)


def _height_matches(d: LicenceData, text: str) -> bool:
    if m := re.fullmatch(r"Height\.FromImperial\((\d+)(?:, (\d+))?\)", text):
        inches = int(m.group(1)) * 12 + int(m.group(2)) if m.group(2) else int(m.group(1))
        return d.height_inches == inches
    if m := re.fullmatch(r"Height\.FromMetric\((\d+)\)", text):
        return d.height_cm == int(m.group(1))
    return False


def aamva_field_matches(d: LicenceData, record: AamvaRecord, key: str, value: Any) -> bool | None:
    """Whether our parse agrees with one IdParser expectation; ``None`` when it is not verifiable."""
    lines = record.jurisdiction_lines()
    if key == "_type":
        return bool(value == "Name" or (value == "DriversLicense") == (d.document_type == "DL"))
    if key in _DATES:
        got = getattr(d, _DATES[key])
        return bool(got is not None and got.isoformat() == value)
    if key in ("Weight", "Weight.WeightRange"):
        return _weight_matches(d, value if "." in value else "")
    if key == "Height":
        return _height_matches(d, value)
    if key == "Sex":
        return d.sex == {"Sex.Male": "M", "Sex.Female": "F"}.get(value)
    if key in ("EyeColor", "HairColor"):
        return bool(getattr(d, "eye_color" if key == "EyeColor" else "hair_color") == _enum_value(value))
    if key == "ComplianceType":
        return d.compliance_type == _enum_value(value)
    if key == "Address.Country":
        return d.country == {"Country.Usa": "USA", "Country.Canada": "CAN"}.get(value)
    if key == "AamvaVersionNumber":
        return d.aamva_version == _VERSION_YEARS.get(value.removeprefix("Version.Aamva"))
    if key == "AdditionalJurisdictionElements":
        return all(k + v in lines for k, v in value.items())
    if key == "AdditionalJurisdictionElements.Count":
        return bool(len(lines) == value)
    if m := _SINGLE_ELEMENT.fullmatch(key):
        return bool(m.group(1) + value in lines)
    if key in _SIMPLE:
        return bool(_SIMPLE[key](d) == _IIN_NAME_ALIASES.get(value, value))
    return None


def evaluate_aamva(data_dir: Path) -> tuple[Tally, Tally, Tally, Tally]:
    """IdParser fields, AAMVA standard examples (header, designators, elements), negatives."""
    doc = json.loads((data_dir / "pdf417" / "aamva_expected.json").read_text(encoding="utf-8"))
    fields, cases = Tally(), Tally()
    for case in doc["idparser"]:
        payload = (data_dir / "pdf417" / case["payload_file"]).read_text(encoding="utf-8")
        record = parse_aamva(payload)
        data = licence_data(record)
        case_ok = True
        for key, value in (case["expected"] | case.get("extra_asserts", {})).items():
            ok = aamva_field_matches(data, record, key, value)
            if ok is None:
                fields.unverifiable += 1
                continue
            fields.add(ok, f"{case['test']}: {key} expected {value!r}")
            case_ok &= ok
        cases.add(case_ok, case["test"])
    standard = Tally()
    for case in doc["benhovinga"]:
        standard.add(*_judge_standard_example(data_dir, case))
    negatives = Tally()
    for case in doc["negative"]:
        payload = case.get("payload_inline") or (data_dir / "pdf417" / case["payload_file"]).read_text(
            encoding="utf-8")
        try:
            licence_data(parse_aamva(payload))
            negatives.add(False, f"accepted: {case.get('payload_file') or case['payload_inline']!r}")
        except DomainError:
            negatives.add(True, "")
    return fields, cases, standard, negatives


def _judge_standard_example(data_dir: Path, case: dict[str, Any]) -> tuple[bool, str]:
    record = parse_aamva((data_dir / "pdf417" / case["payload_file"]).read_text(encoding="utf-8"))
    header = {"issuer_id": record.issuer_id, "aamva_version": record.aamva_version,
              "number_of_entries": record.number_of_entries,
              "jurisdiction_version": record.jurisdiction_version}
    designators = [{"subfile_type": d.subfile_type, "offset": d.offset, "length": d.length}
                   for d in record.designators]
    subfiles = [{"subfile_type": t, "elements": e} for t, e in record.subfiles.items()]
    ok = (header == case["expected_header"] and designators == case["expected_subfile_designators"]
          and subfiles == case["expected_subfiles"])
    return ok, f"{case['payload_file']}: header/designators/elements differ"

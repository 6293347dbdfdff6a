"""Document errors with stable codes (requirements/platform §14): bad input never crashes the caller."""

from __future__ import annotations

from domain.errors import DomainError


class MrzFormatError(DomainError):
    """The text is not a machine readable zone of a known layout (TD1, TD2, TD3, MRV-A, MRV-B)."""

    code = "mrz_unrecognized_format"


class MrzCharacterError(DomainError):
    """A character outside the MRZ alphabet (A-Z, 0-9, '<') where a check digit is computed."""

    code = "mrz_invalid_character"


class AamvaFormatError(DomainError):
    """A PDF417 payload that is not a parsable AAMVA DL/ID card design standard record."""

    code = "aamva_invalid_payload"


class AamvaMissingFieldError(DomainError):
    """An AAMVA record without one of the mandatory elements (name, birth date, id number, expiry)."""

    code = "aamva_missing_mandatory_field"

"""Phone number checks with libphonenumber's metadata (``phonenumbers``).

requirements/platform §3.6 asks for "E.164 phone format": a number written in E.164 (``+`` and up to 15 digits)
that libphonenumber considers valid passes; a valid number written nationally (needs the declared
country to parse) is a warning; anything else fails. The number's region is compared with the
declared country when both are known.
"""

from __future__ import annotations

import re

import phonenumbers

from domain.ports.kya import KyaSignal, KyaSignalName, SignalStatus

_E164 = re.compile(r"^\+[1-9]\d{1,14}$")
_SEPARATORS = re.compile(r"[\s().-]")


def check_phone(phone: str, country_alpha2: str | None) -> tuple[KyaSignal, KyaSignal]:
    """(format signal, country-consistency signal)."""
    compact = _SEPARATORS.sub("", phone.strip())
    is_e164 = bool(_E164.match(compact))
    try:
        number = phonenumbers.parse(compact, None if is_e164 else country_alpha2)
    except phonenumbers.NumberParseException:
        return (
            KyaSignal(KyaSignalName.PHONE_FORMAT, SignalStatus.FAIL, "phone_unparseable"),
            KyaSignal(KyaSignalName.PHONE_COUNTRY, SignalStatus.UNKNOWN, "phone_region_unknown"),
        )
    if not phonenumbers.is_valid_number(number):
        fmt = KyaSignal(KyaSignalName.PHONE_FORMAT, SignalStatus.FAIL, "phone_invalid")
    elif is_e164:
        fmt = KyaSignal(KyaSignalName.PHONE_FORMAT, SignalStatus.PASS, "phone_valid_e164")
    else:
        fmt = KyaSignal(KyaSignalName.PHONE_FORMAT, SignalStatus.WARN, "phone_valid_not_e164")
    return fmt, _country_signal(number, country_alpha2)


def _country_signal(number: phonenumbers.PhoneNumber, country_alpha2: str | None) -> KyaSignal:
    region = phonenumbers.region_code_for_number(number)
    if country_alpha2 is None:
        return KyaSignal(KyaSignalName.PHONE_COUNTRY, SignalStatus.NOT_PROVIDED, "country_not_provided")
    if region in (None, "ZZ", "001"):  # non-geographic numbers (satellite, global services)
        return KyaSignal(KyaSignalName.PHONE_COUNTRY, SignalStatus.UNKNOWN, "phone_region_non_geographic")
    # The region comes from the number's own prefix ranges, so +1 numbers resolve to US, CA, JM...
    if region == country_alpha2:
        return KyaSignal(KyaSignalName.PHONE_COUNTRY, SignalStatus.PASS, "phone_country_consistent")
    return KyaSignal(KyaSignalName.PHONE_COUNTRY, SignalStatus.WARN, "phone_country_differs")

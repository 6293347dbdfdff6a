"""Country code and IP address plausibility, offline.

What can be checked without a geo-IP database: the declared country is a real ISO 3166 code, and the
IP address is well formed and could belong to a client on the internet. What cannot: whether a public
IP is located in the declared country. No geo-IP database ships in any registry package we may use
offline, so a public IP is ``UNKNOWN`` with reason ``ip_geolocation_unavailable`` rather than a guessed
verdict. Loopback, unspecified, multicast and reserved addresses cannot be a client's address: they
fail as inconsistent input. Private and link-local ones (a proxy or a misconfigured capture) are
``UNKNOWN``: they say nothing about the applicant.
"""

from __future__ import annotations

import ipaddress

import iso3166

from domain.ports.kya import KyaSignal, KyaSignalName, SignalStatus
from ml.screening.countries import to_alpha3


def check_country(country: str) -> tuple[str | None, KyaSignal]:
    """(ISO alpha-2 of the declared country or ``None``, signal)."""
    value = country.strip()
    alpha3 = to_alpha3(value) if 2 <= len(value) <= 3 else None
    if alpha3 is None:
        return None, KyaSignal(KyaSignalName.COUNTRY_CODE, SignalStatus.FAIL, "country_code_unknown")
    alpha2 = str(iso3166.countries_by_alpha3[alpha3].alpha2)
    return alpha2, KyaSignal(KyaSignalName.COUNTRY_CODE, SignalStatus.PASS, "country_code_valid")


def check_ip(ip: str) -> KyaSignal:
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return KyaSignal(KyaSignalName.IP_ADDRESS, SignalStatus.FAIL, "ip_malformed")
    if address.is_loopback or address.is_unspecified or address.is_multicast or address.is_reserved:
        return KyaSignal(KyaSignalName.IP_ADDRESS, SignalStatus.FAIL, "ip_not_a_client_address")
    if address.is_private or address.is_link_local:
        return KyaSignal(KyaSignalName.IP_ADDRESS, SignalStatus.UNKNOWN, "ip_private_not_locatable")
    return KyaSignal(KyaSignalName.IP_ADDRESS, SignalStatus.UNKNOWN, "ip_geolocation_unavailable")

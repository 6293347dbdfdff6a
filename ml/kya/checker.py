"""``KyaChecker`` that runs every KYA signal offline (DNS only through the injected resolver)."""

from __future__ import annotations

import anyascii
import phonenumbers
import rapidfuzz

from domain.checks import ModelProvenance
from domain.ports.kya import KyaReport, KyaRequest, KyaSignal, KyaSignalName, SignalStatus
from ml.kya.email_address import MxResolver, check_email
from ml.kya.names import check_name_coherence
from ml.kya.network import check_country, check_ip
from ml.kya.phone import check_phone

# No model weights here: the provenance records the libraries (and their bundled data) that decided.
PROVENANCE = (
    ModelProvenance("phonenumbers", phonenumbers.__version__, ""),
    ModelProvenance("rapidfuzz", rapidfuzz.__version__, ""),
    ModelProvenance("anyascii", getattr(anyascii, "__version__", "unknown"), ""),
)


def _missing(name: KyaSignalName, what: str) -> KyaSignal:
    return KyaSignal(name, SignalStatus.NOT_PROVIDED, f"{what}_not_provided")


class OfflineKyaChecker:
    """KYA over phonenumbers, an ``MxResolver`` (``None`` disables MX lookups), rapidfuzz and ipaddress."""

    def __init__(self, mx_resolver: MxResolver | None) -> None:
        self.mx_resolver = mx_resolver

    def check(self, request: KyaRequest) -> KyaReport:
        signals: list[KyaSignal] = []
        alpha2 = None
        if request.country and request.country.strip():
            alpha2, country_signal = check_country(request.country)
            signals.append(country_signal)
        else:
            signals.append(_missing(KyaSignalName.COUNTRY_CODE, "country"))
        if request.phone and request.phone.strip():
            signals.extend(check_phone(request.phone, alpha2))
        else:
            signals += [_missing(KyaSignalName.PHONE_FORMAT, "phone"),
                        _missing(KyaSignalName.PHONE_COUNTRY, "phone")]
        if request.email and request.email.strip():
            signals.extend(check_email(request.email, self.mx_resolver))
        else:
            signals += [_missing(KyaSignalName.EMAIL_SYNTAX, "email"),
                        _missing(KyaSignalName.EMAIL_DOMAIN, "email")]
        if request.declared_name and request.document_name:
            signals.append(check_name_coherence(request.declared_name, request.document_name))
        else:
            signals.append(_missing(KyaSignalName.NAME_COHERENCE, "name_pair"))
        if request.ip and request.ip.strip():
            signals.append(check_ip(request.ip))
        else:
            signals.append(_missing(KyaSignalName.IP_ADDRESS, "ip"))
        return KyaReport(signals=tuple(signals), provenance=PROVENANCE)

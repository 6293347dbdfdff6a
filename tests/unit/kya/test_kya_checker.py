"""The KYA checker end to end and the domain's scoring onto ``CheckResult``."""

from __future__ import annotations

import pytest

from domain.checks import CheckType, Outcome
from domain.errors import InvalidArgumentError
from domain.ports.kya import (
    KyaReport,
    KyaRequest,
    KyaRequestError,
    KyaSignal,
    KyaSignalName,
    KyaThresholds,
    SignalStatus,
    kya_check_result,
    kya_score,
)
from ml.kya.checker import OfflineKyaChecker
from ml.kya.email_address import MailDomain

pytestmark = pytest.mark.unit

PERSON = {"phone": "+33612345678", "email": "jean.dupont@example.fr", "declared_name": "Jean Dupont",
          "document_name": "DUPONT<<JEAN<PIERRE", "country": "FRA", "ip": "8.8.4.4"}


class FakeMxResolver:
    def __init__(self, verdict: MailDomain) -> None:
        self.verdict = verdict

    def mail_domain(self, domain: str) -> MailDomain:
        return self.verdict


def check(**fields: str) -> tuple[KyaReport, object]:
    report = OfflineKyaChecker(FakeMxResolver(MailDomain.ACCEPTS_MAIL)).check(KyaRequest(**fields))
    return report, kya_check_result(report)


def test_a_coherent_profile_passes_and_ip_geolocation_is_honestly_unknown() -> None:
    report, result = check(**PERSON)
    assert result.check is CheckType.KYA  # type: ignore[attr-defined]
    assert result.outcome is Outcome.PASS  # type: ignore[attr-defined]
    assert result.scores["kya"] == 1.0  # type: ignore[attr-defined]
    ip = report.signal(KyaSignalName.IP_ADDRESS)
    assert ip is not None and ip.reason == "ip_geolocation_unavailable"
    assert "ip_address" not in result.scores  # type: ignore[attr-defined]


def test_check_result_holds_no_personal_value() -> None:
    _, result = check(**PERSON)
    text = repr(result).lower()
    for value in ("33612345678", "jean", "dupont", "example.fr", "8.8.4.4"):
        assert value not in text


def test_a_declared_name_that_is_not_the_document_name_fails() -> None:
    _, result = check(**{**PERSON, "declared_name": "Marie Curie"})
    assert result.outcome is Outcome.FAIL  # type: ignore[attr-defined]
    assert "names_incoherent" in result.reasons  # type: ignore[attr-defined]


def test_one_failed_minor_signal_makes_it_uncertain() -> None:
    _, result = check(**{**PERSON, "phone": "+33 6 12"})
    assert result.outcome is Outcome.UNCERTAIN  # type: ignore[attr-defined]
    assert result.reasons == ("phone_invalid",)  # type: ignore[attr-defined]


def test_only_unverifiable_signals_is_uncertain_not_pass() -> None:
    _, result = check(ip="8.8.8.8")
    assert result.outcome is Outcome.UNCERTAIN  # type: ignore[attr-defined]
    assert result.reasons == ("kya_no_verifiable_signal",)  # type: ignore[attr-defined]


def test_offline_email_lookup_does_not_lower_the_score() -> None:
    offline = OfflineKyaChecker(FakeMxResolver(MailDomain.UNKNOWN)).check(KyaRequest(**PERSON))
    assert kya_score(offline) == 1.0
    assert kya_check_result(offline).outcome is Outcome.PASS


def test_score_bands() -> None:
    def report(*statuses: SignalStatus) -> KyaReport:
        names = list(KyaSignalName)
        return KyaReport(tuple(KyaSignal(names[i + 1], s, "r") for i, s in enumerate(statuses)))

    assert kya_check_result(report(SignalStatus.FAIL, SignalStatus.FAIL, SignalStatus.PASS)).outcome is Outcome.FAIL
    assert kya_check_result(report(SignalStatus.WARN, SignalStatus.PASS)).outcome is Outcome.UNCERTAIN
    with pytest.raises(InvalidArgumentError):
        KyaThresholds(pass_score=0.4, fail_score=0.5)


def test_requests_need_a_field_and_hide_values_in_repr() -> None:
    with pytest.raises(KyaRequestError):
        KyaRequest(phone=" ")
    with pytest.raises(KyaRequestError):
        KyaRequest(email="a" * 400)
    assert "jean" not in repr(KyaRequest(**PERSON)).lower()

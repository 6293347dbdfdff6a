"""KYA ("Know Your Applicant", basic profile) port: requirements/platform §3.6.

Lightweight checks of what the applicant declared: email (syntax, and mail exchanger when the network
allows), E.164 phone format, country / IP consistency, and coherence between the declared name and the
name on the document. No AML here (requirements/platform §3.6: "No AML in this version"): sanctions and PEP
screening is its own check (``domain.ports.screening``).

Each check gives a ``KyaSignal``; the domain turns them into a 0-1 score and an outcome for the policy,
where KYA weighs 5 of 100 (requirements/platform §4). A signal that cannot be established offline (no network
for DNS, no geo-IP database) is ``UNKNOWN`` and simply does not count: never a failure, never a pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from domain.checks import CheckResult, CheckType, ModelProvenance, Outcome
from domain.errors import InvalidArgumentError


class KyaRequestError(InvalidArgumentError):
    """Nothing to check, or a field that is not even text of a plausible size."""

    code = "kya_request_invalid"


class SignalStatus(StrEnum):
    PASS = "pass"
    WARN = "warn"  # plausible but inconsistent (e.g. phone country differs from declared country)
    FAIL = "fail"
    UNKNOWN = "unknown"  # could not be established (offline, no database): does not count
    NOT_PROVIDED = "not_provided"


SIGNAL_SCORES = {SignalStatus.PASS: 1.0, SignalStatus.WARN: 0.5, SignalStatus.FAIL: 0.0}


class KyaSignalName(StrEnum):
    PHONE_FORMAT = "phone_format"
    PHONE_COUNTRY = "phone_country"
    EMAIL_SYNTAX = "email_syntax"
    EMAIL_DOMAIN = "email_domain"
    NAME_COHERENCE = "name_coherence"
    COUNTRY_CODE = "country_code"
    IP_ADDRESS = "ip_address"


@dataclass(frozen=True)
class KyaSignal:
    """One KYA signal: status, an optional graded score in [0, 1] (name coherence) and a stable
    reason code. Never the checked value itself."""

    name: KyaSignalName
    status: SignalStatus
    reason: str
    score: float | None = None

    @property
    def effective_score(self) -> float | None:
        if self.status not in SIGNAL_SCORES:
            return None
        return self.score if self.score is not None else SIGNAL_SCORES[self.status]


MAX_FIELD_LENGTH = 320  # RFC 5321 caps an address path at 256; anything far longer is not a field


@dataclass(frozen=True)
class KyaRequest:
    """What the applicant declared (personal data: never logged, never put in results)."""

    phone: str | None = None
    email: str | None = None
    declared_name: str | None = None
    document_name: str | None = None
    country: str | None = None  # ISO 3166 alpha-2 or alpha-3
    ip: str | None = None

    def __post_init__(self) -> None:
        values = (self.phone, self.email, self.declared_name, self.document_name, self.country, self.ip)
        if not any(v and v.strip() for v in values):
            raise KyaRequestError("KYA needs at least one of phone, email, names, country, ip")
        if any(v is not None and len(v) > MAX_FIELD_LENGTH for v in values):
            raise KyaRequestError("a KYA field is longer than any real value", max_length=MAX_FIELD_LENGTH)

    def __repr__(self) -> str:  # personal data: keep it out of logs and tracebacks
        given = [k for k in ("phone", "email", "declared_name", "document_name", "country", "ip")
                 if getattr(self, k)]
        return f"KyaRequest(given={given})"


@dataclass(frozen=True)
class KyaReport:
    """All signals of one KYA check and the libraries/data that produced them."""

    signals: tuple[KyaSignal, ...]
    provenance: tuple[ModelProvenance, ...] = ()

    def signal(self, name: KyaSignalName) -> KyaSignal | None:
        return next((s for s in self.signals if s.name is name), None)


class KyaChecker(Protocol):
    """Runs the KYA basic-profile checks (requirements/platform §3.6)."""

    def check(self, request: KyaRequest) -> KyaReport:
        """Evaluate every provided field; unverifiable signals are ``UNKNOWN``, not failures."""
        ...


@dataclass(frozen=True)
class KyaThresholds:
    """Score bands: >= ``pass_score`` passes, < ``fail_score`` fails, between is uncertain."""

    pass_score: float = 0.8
    fail_score: float = 0.5

    def __post_init__(self) -> None:
        if not 0.0 <= self.fail_score <= self.pass_score <= 1.0:
            raise InvalidArgumentError("KYA thresholds must satisfy 0 <= fail <= pass <= 1")


def kya_score(report: KyaReport) -> float | None:
    """Mean of the signals that could be established; ``None`` when none could."""
    scores = [s.effective_score for s in report.signals if s.effective_score is not None]
    return sum(scores) / len(scores) if scores else None


def kya_outcome(report: KyaReport, thresholds: KyaThresholds) -> Outcome:
    """Pass only with a good score and no failed signal. A declared name that does not match the
    document fails outright: it says the applicant may not be the document holder."""
    score = kya_score(report)
    if score is None:
        return Outcome.UNCERTAIN
    name = report.signal(KyaSignalName.NAME_COHERENCE)
    if score < thresholds.fail_score or (name is not None and name.status is SignalStatus.FAIL):
        return Outcome.FAIL
    if score < thresholds.pass_score or any(s.status is SignalStatus.FAIL for s in report.signals):
        return Outcome.UNCERTAIN
    return Outcome.PASS


def kya_check_result(report: KyaReport, thresholds: KyaThresholds | None = None) -> CheckResult:
    """Map a KYA report onto the policy's ``CheckResult``: statuses, scores and reason codes only."""
    limits = thresholds or KyaThresholds()
    score = kya_score(report)
    scores = {s.name.value: round(v, 4) for s in report.signals if (v := s.effective_score) is not None}
    if score is not None:
        scores["kya"] = round(score, 4)
    reasons = tuple(s.reason for s in report.signals if s.status in (SignalStatus.FAIL, SignalStatus.WARN))
    if score is None:
        reasons = (*reasons, "kya_no_verifiable_signal")
    return CheckResult(
        check=CheckType.KYA,
        outcome=kya_outcome(report, limits),
        scores=scores,
        reasons=reasons,
        details={
            "signals": {s.name.value: {"status": s.status.value, "reason": s.reason} for s in report.signals},
            "thresholds": {"pass": limits.pass_score, "fail": limits.fail_score},
        },
        models=report.provenance,
    )

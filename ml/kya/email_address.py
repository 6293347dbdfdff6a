"""Email checks: syntax (a practical RFC 5321/5322 subset) and whether the domain accepts mail.

The mail-exchanger lookup goes through an injected ``MxResolver`` so tests never touch the network.
``DnsPythonMxResolver`` follows RFC 5321 section 5.1 (no MX -> the address record is the implicit MX)
and RFC 7505 (a "null MX" says the domain accepts no mail). Offline, a timeout or no configured
resolver gives ``UNKNOWN``: requirements/platform §3.6 wants the check "when the network allows", and a missing
network is not the applicant's fault.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Protocol

import dns.exception
import dns.resolver

from domain.ports.kya import KyaSignal, KyaSignalName, SignalStatus

_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
DEFAULT_TIMEOUT_S = 2.0


class MailDomain(StrEnum):
    ACCEPTS_MAIL = "accepts_mail"
    NO_MAIL = "no_mail"  # the domain does not exist, or publishes a null MX / no address at all
    UNKNOWN = "unknown"  # no answer in time, no network, no resolver


class MxResolver(Protocol):
    """Tells whether a domain can receive mail."""

    def mail_domain(self, domain: str) -> MailDomain:
        """Look the domain up; never raise for network trouble, answer ``UNKNOWN``."""
        ...


class DnsPythonMxResolver:
    """``MxResolver`` over dnspython with one overall time budget per lookup. ``resolver`` lets a
    caller choose the name servers (tests point it at a silent local socket); by default the system
    configuration is read at lookup time."""

    def __init__(self, timeout_s: float = DEFAULT_TIMEOUT_S, resolver: dns.resolver.Resolver | None = None) -> None:
        self.timeout_s = timeout_s
        self._resolver = resolver

    def _system_resolver(self) -> dns.resolver.Resolver | None:
        if self._resolver is not None:
            return self._resolver
        try:
            return dns.resolver.Resolver()
        except (dns.resolver.NoResolverConfiguration, OSError):
            return None

    def mail_domain(self, domain: str) -> MailDomain:
        resolver = self._system_resolver()
        if resolver is None:
            return MailDomain.UNKNOWN
        resolver.lifetime = self.timeout_s
        try:
            answer = resolver.resolve(domain, "MX")
            exchanges = [str(r.exchange) for r in answer]
            return MailDomain.NO_MAIL if exchanges == ["."] else MailDomain.ACCEPTS_MAIL
        except dns.resolver.NXDOMAIN:
            return MailDomain.NO_MAIL
        except dns.resolver.NoAnswer:
            return self._implicit_mx(resolver, domain)
        except (dns.exception.DNSException, OSError):  # timeout, no name servers, no network
            return MailDomain.UNKNOWN

    @staticmethod
    def _implicit_mx(resolver: dns.resolver.Resolver, domain: str) -> MailDomain:
        for record_type in ("A", "AAAA"):
            try:
                resolver.resolve(domain, record_type)
                return MailDomain.ACCEPTS_MAIL
            except (dns.resolver.NoAnswer, dns.resolver.NXDOMAIN):
                continue
            except (dns.exception.DNSException, OSError):
                return MailDomain.UNKNOWN
        return MailDomain.NO_MAIL


def email_domain(email: str) -> str | None:
    """The ASCII (IDNA) domain of a syntactically valid address, else ``None``."""
    local, sep, domain = email.strip().rpartition("@")
    if not sep or not local or len(local) > 64 or len(email) > 254 or not _LOCAL.match(local):
        return None
    try:
        ascii_domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return None
    if not (labels[-1].isalpha() or labels[-1].startswith("xn--")) or len(labels[-1]) < 2:
        return None
    return ascii_domain


def check_email(email: str, resolver: MxResolver | None) -> tuple[KyaSignal, KyaSignal]:
    """(syntax signal, mail-domain signal)."""
    domain = email_domain(email)
    if domain is None:
        return (
            KyaSignal(KyaSignalName.EMAIL_SYNTAX, SignalStatus.FAIL, "email_syntax_invalid"),
            KyaSignal(KyaSignalName.EMAIL_DOMAIN, SignalStatus.UNKNOWN, "email_domain_not_checked"),
        )
    syntax = KyaSignal(KyaSignalName.EMAIL_SYNTAX, SignalStatus.PASS, "email_syntax_valid")
    if resolver is None:
        return syntax, KyaSignal(KyaSignalName.EMAIL_DOMAIN, SignalStatus.UNKNOWN, "email_mx_lookup_disabled")
    verdict = resolver.mail_domain(domain)
    if verdict is MailDomain.ACCEPTS_MAIL:
        return syntax, KyaSignal(KyaSignalName.EMAIL_DOMAIN, SignalStatus.PASS, "email_domain_accepts_mail")
    if verdict is MailDomain.NO_MAIL:
        return syntax, KyaSignal(KyaSignalName.EMAIL_DOMAIN, SignalStatus.FAIL, "email_domain_no_mail")
    return syntax, KyaSignal(KyaSignalName.EMAIL_DOMAIN, SignalStatus.UNKNOWN, "email_mx_unknown_offline")

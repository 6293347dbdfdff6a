"""KYA signals: phone, email (with injected resolvers, including a real DNS timeout on 127.0.0.1),
name coherence, country and IP."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import dns.resolver
import pytest

from domain.ports.kya import SignalStatus
from ml.kya.email_address import DnsPythonMxResolver, MailDomain, check_email, email_domain
from ml.kya.names import check_name_coherence
from ml.kya.network import check_country, check_ip
from ml.kya.phone import check_phone

pytestmark = pytest.mark.unit


class FakeMxResolver:
    """``MxResolver`` double answering one fixed verdict and recording the domains asked."""

    def __init__(self, verdict: MailDomain) -> None:
        self.verdict = verdict
        self.asked: list[str] = []

    def mail_domain(self, domain: str) -> MailDomain:
        self.asked.append(domain)
        return self.verdict


@pytest.mark.parametrize(
    ("phone", "country", "status", "reason"),
    [
        ("+33 6 12 34 56 78", "FR", SignalStatus.PASS, "phone_valid_e164"),
        ("06 12 34 56 78", "FR", SignalStatus.WARN, "phone_valid_not_e164"),
        ("+33 6 12", "FR", SignalStatus.FAIL, "phone_invalid"),
        ("call me", None, SignalStatus.FAIL, "phone_unparseable"),
        ("0612345678", None, SignalStatus.FAIL, "phone_unparseable"),  # national form, no country to read it
    ],
)
def test_phone_format(phone: str, country: str | None, status: SignalStatus, reason: str) -> None:
    fmt, _ = check_phone(phone, country)
    assert (fmt.status, fmt.reason) == (status, reason)


def test_phone_country_is_compared_with_the_declared_country() -> None:
    assert check_phone("+33612345678", "FR")[1].status is SignalStatus.PASS
    assert check_phone("+33612345678", "DE")[1].reason == "phone_country_differs"
    assert check_phone("+33612345678", None)[1].status is SignalStatus.NOT_PROVIDED
    # +1 is shared by the US, Canada and the Caribbean: the region comes from the area code.
    assert check_phone("+1 416 555 0123", "CA")[1].status is SignalStatus.PASS
    assert check_phone("+1 212 555 0123", "CA")[1].reason == "phone_country_differs"


@pytest.mark.parametrize(
    ("email", "domain"),
    [("jean.dupont@example.fr", "example.fr"), ("a+tag@Sub.Example.COM", "sub.example.com"),
     ("user@bücher.de", "xn--bcher-kva.de"), ("no-at-sign.example.com", None), ("a@@b.com", None),
     ("a..b@example.com", None), ("a@localhost", None), ("a@-bad.com", None), ("a@example.c0m", None),
     ("x" * 65 + "@example.com", None)],
)
def test_email_syntax(email: str, domain: str | None) -> None:
    assert email_domain(email) == domain


def test_email_domain_uses_the_resolver_verdict() -> None:
    accepts, no_mail = FakeMxResolver(MailDomain.ACCEPTS_MAIL), FakeMxResolver(MailDomain.NO_MAIL)
    assert check_email("a@example.org", accepts)[1].status is SignalStatus.PASS
    assert accepts.asked == ["example.org"]
    assert check_email("a@example.org", no_mail)[1].reason == "email_domain_no_mail"
    assert check_email("a@example.org", None)[1].status is SignalStatus.UNKNOWN
    bad_syntax = check_email("not an email", accepts)
    assert bad_syntax[0].status is SignalStatus.FAIL
    assert accepts.asked == ["example.org"]  # a malformed address is never looked up


@pytest.fixture
def silent_dns_server() -> Iterator[int]:
    """A UDP socket on 127.0.0.1 that receives DNS queries and never answers."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


def test_a_dns_timeout_gives_unknown_not_a_failure(silent_dns_server: int) -> None:
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = silent_dns_server
    mx = DnsPythonMxResolver(timeout_s=0.3, resolver=resolver)
    assert mx.mail_domain("example.org") is MailDomain.UNKNOWN
    syntax, domain = check_email("a@example.org", mx)
    assert (syntax.status, domain.status, domain.reason) == (
        SignalStatus.PASS, SignalStatus.UNKNOWN, "email_mx_unknown_offline")


@pytest.mark.parametrize(
    ("declared", "document", "status"),
    [
        ("John Smith", "SMITH<<JOHN", SignalStatus.PASS),
        ("John Smith", "SMITH<<JOHN<PAUL", SignalStatus.PASS),  # middle name not declared
        ("José Álvarez", "ALVAREZ<<JOSE", SignalStatus.PASS),
        ("Dmitriy Khoroshev", "Дмитрий Хорошев", SignalStatus.PASS),
        ("Jon Smyth", "SMITH<<JOHN", SignalStatus.PASS),  # spelling variants
        ("John Smith Brown", "SMITH<<JOHN", SignalStatus.WARN),  # a family name the document lacks
        ("Jane Smith", "SMITH<<JOHN", SignalStatus.FAIL),
        ("John", "SMITH<<JOHN", SignalStatus.FAIL),  # one name never covers two
        ("Maria Lopez", "SMITH<<JOHN", SignalStatus.FAIL),
    ],
)
def test_name_coherence(declared: str, document: str, status: SignalStatus) -> None:
    signal = check_name_coherence(declared, document)
    assert signal.status is status
    assert signal.score is not None and 0.0 <= signal.score <= 1.0


def test_country_codes() -> None:
    assert check_country("fr") == ("FR", check_country("FRA")[1])
    assert check_country("FRA")[1].status is SignalStatus.PASS
    assert check_country("XX")[1].status is SignalStatus.FAIL
    assert check_country("France")[1].reason == "country_code_unknown"  # codes only, as documented


@pytest.mark.parametrize(
    ("ip", "status", "reason"),
    [
        ("999.1.1.1", SignalStatus.FAIL, "ip_malformed"),
        ("127.0.0.1", SignalStatus.FAIL, "ip_not_a_client_address"),
        ("0.0.0.0", SignalStatus.FAIL, "ip_not_a_client_address"),
        ("224.0.0.1", SignalStatus.FAIL, "ip_not_a_client_address"),
        ("10.0.0.7", SignalStatus.UNKNOWN, "ip_private_not_locatable"),
        ("fe80::1", SignalStatus.UNKNOWN, "ip_private_not_locatable"),
        ("8.8.8.8", SignalStatus.UNKNOWN, "ip_geolocation_unavailable"),
        ("2001:4860:4860::8888", SignalStatus.UNKNOWN, "ip_geolocation_unavailable"),
    ],
)
def test_ip_plausibility_without_geo_ip(ip: str, status: SignalStatus, reason: str) -> None:
    signal = check_ip(ip)
    assert (signal.status, signal.reason) == (status, reason)

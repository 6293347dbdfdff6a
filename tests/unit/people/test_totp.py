"""RFC 4226 / RFC 6238 test vectors for the console's second factor, and its replay rule."""

from __future__ import annotations

import base64

import pytest

from domain.people.totp import code_at, hotp, matching_step, new_totp_secret, provisioning_uri

pytestmark = pytest.mark.unit

RFC_SECRET = b"12345678901234567890"
RFC_SECRET_B32 = base64.b32encode(RFC_SECRET).decode()


def test_hotp_matches_rfc_4226_appendix_d() -> None:
    expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
    assert [hotp(RFC_SECRET, counter) for counter in range(10)] == expected


@pytest.mark.parametrize(("unix", "eight_digits"), [
    (59, "94287082"), (1111111109, "07081804"), (1111111111, "14050471"), (1234567890, "89005924"),
    (2000000000, "69279037"), (20000000000, "65353130"),
])
def test_totp_matches_rfc_6238_appendix_b_sha1(unix: int, eight_digits: str) -> None:
    assert code_at(RFC_SECRET_B32, unix) == eight_digits[-6:]


def test_a_code_is_accepted_one_step_either_side_and_never_twice() -> None:
    secret = new_totp_secret()
    now = 1_700_000_000.0
    for drift in (-30, 0, 30):
        assert matching_step(secret, code_at(secret, now + drift), now, -1) == int((now + drift) // 30)
    assert matching_step(secret, code_at(secret, now - 60), now, -1) is None  # too old
    step = matching_step(secret, code_at(secret, now), now, -1)
    assert step is not None
    assert matching_step(secret, code_at(secret, now), now, step) is None  # replayed
    assert matching_step(secret, "12345", now, -1) is None and matching_step(secret, "abcdef", now, -1) is None


def test_the_provisioning_uri_names_issuer_and_account() -> None:
    uri = provisioning_uri("JBSWY3DPEHPK3PXP", "kycledger", "riley@bank.example")
    assert uri == "otpauth://totp/kycledger:riley%40bank.example?secret=JBSWY3DPEHPK3PXP&issuer=kycledger"

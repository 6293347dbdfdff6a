"""Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP, HMAC-SHA1, 6 digits, 30 s steps).

The second factor of a person's console sign-in: the parameters every authenticator app uses by
default (the ``otpauth://`` URI leaves them implicit). A code is accepted in the current step or the
one either side (clock drift), and each step once only: the account records the last step used,
so a code seen over a shoulder or replayed from a log is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
import struct

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1
SECRET_BYTES = 20  # 160 bits, RFC 4226 section 4's recommendation for HMAC-SHA1


def new_totp_secret() -> str:
    """A fresh shared secret in base32 without padding (what authenticator apps take)."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii").rstrip("=")


def _key(secret_b32: str) -> bytes:
    return base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8), casefold=True)


def hotp(key: bytes, counter: int, digits: int = DIGITS) -> str:
    """RFC 4226 HOTP value of ``counter`` under ``key``."""
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def step_at(unix_seconds: float) -> int:
    return int(unix_seconds // STEP_SECONDS)


def code_at(secret_b32: str, unix_seconds: float) -> str:
    """The code an authenticator shows at ``unix_seconds``."""
    return hotp(_key(secret_b32), step_at(unix_seconds))


def matching_step(secret_b32: str, code: str, unix_seconds: float, last_used_step: int) -> int | None:
    """The time step ``code`` belongs to (now, or one step either side), if it is later than
    ``last_used_step``; None for a wrong, stale or replayed code. Compared in constant time."""
    if len(code) != DIGITS or not code.isdigit():
        return None
    key, now = _key(secret_b32), step_at(unix_seconds)
    found = None
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if hmac.compare_digest(hotp(key, step), code) and step > last_used_step:
            found = step
    return found


_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")


def _percent(text: str) -> str:
    """RFC 3986 percent-encoding of everything but unreserved characters (the domain does no urllib)."""
    return "".join(chr(b) if chr(b) in _UNRESERVED else f"%{b:02X}" for b in text.encode("utf-8"))


def provisioning_uri(secret_b32: str, issuer: str, account: str) -> str:
    """The ``otpauth://totp/`` URI an authenticator app reads (shown as a QR code at enrolment)."""
    return f"otpauth://totp/{_percent(issuer)}:{_percent(account)}?secret={secret_b32}&issuer={_percent(issuer)}"

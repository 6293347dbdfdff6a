"""API credentials: public key ids and secrets that are shown once and stored only sealed.

The HMAC scheme of requirements/platform §17 needs the server to know each secret, so a secret cannot be
stored as a one-way hash. It travels in events as ``CredentialSecret``, which persistence seals with
a key derived from the key-encryption key (docs/architecture.md §5) before the event is hashed or
stored; it never appears in a repr, a log line or an API response after creation.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

KEY_ID_PREFIX = "kyck_"
SECRET_PREFIX = "kycs_"
# A key's environment is in its id (``kyck_live_...``, ``kyck_sandbox_...``) so that whoever holds it
# sees whether its results are real. Ids issued before carry no environment and keep working.
LIVE_KEY_PREFIX = KEY_ID_PREFIX + "live_"
SANDBOX_KEY_PREFIX = KEY_ID_PREFIX + "sandbox_"


@dataclass(frozen=True)
class CredentialSecret:
    """An API key secret. ``reveal()`` is explicit so that accidental printing shows nothing."""

    _value: str

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "CredentialSecret(***)"

    __str__ = __repr__


def new_key_id(sandbox: bool) -> str:
    """A public API key id naming its environment: safe to log and to show in dashboards."""
    return (SANDBOX_KEY_PREFIX if sandbox else LIVE_KEY_PREFIX) + secrets.token_hex(12)


def environment_name(sandbox: bool) -> str:
    """``sandbox`` (simulated results, never billed) or ``live``."""
    return "sandbox" if sandbox else "live"


def new_secret() -> CredentialSecret:
    """A 256-bit random secret in URL-safe text."""
    return CredentialSecret(SECRET_PREFIX + secrets.token_urlsafe(32))

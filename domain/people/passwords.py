"""Console passwords: what is accepted, and the port that hashes them.

The rules follow NIST SP 800-63B §5.1.1 (memorized secrets), which bank auditors read: length
rather than composition rules (at least 12 characters here, a product default above NIST's 8 since
the second factor may be lost; up to 128 so passphrases fit), no password that is one of the most
common ones or made of the person's own login or name, and no periodic forced change. The hash
is a slow, salted, memory-hard one (Argon2id, RFC 9106) behind ``PasswordHasher``, so the domain
never touches a cryptography library.
"""

from __future__ import annotations

from typing import Protocol

from domain.errors import InvalidArgumentError

MIN_LENGTH = 12
MAX_LENGTH = 128

# The most used passwords of the public breach corpora that are 12+ characters long; a deny list
# of the obvious, not a breach database (a deployment may put a larger list in front of it).
COMMON_PASSWORDS: frozenset[str] = frozenset({
    "123456789012", "1234567890123", "12345678901234", "123456789000", "qwertyuiop12", "qwertyuiopasdf",
    "password1234", "password12345", "passwordpassword", "iloveyou1234", "abcdefghijkl", "abc123abc123",
    "111111111111", "000000000000", "aaaaaaaaaaaa", "qwerty123456", "1q2w3e4r5t6y", "1qaz2wsx3edc",
    "welcome12345", "letmein12345", "administrator", "changeme1234", "trustno1trustno1", "football1234",
    "baseball1234", "superman1234", "sunshine1234", "princess1234", "monkey123456", "dragon123456",
})


class WeakPasswordError(InvalidArgumentError):
    """A password the console refuses; the message says which rule (never echoing the password)."""

    code = "password_too_weak"


class PasswordHasher(Protocol):
    """Slow, salted password hashing (``adapters.crypto.argon2_passwords``)."""

    def hash(self, password: str) -> str:
        """A self-describing hash string (algorithm, parameters, salt, digest)."""
        ...

    def verify(self, stored: str, password: str) -> bool:
        """Whether ``password`` hashes to ``stored`` (constant time in the digest comparison)."""
        ...


def check_password(password: str, *, login: str, display_name: str) -> None:
    """Raise ``WeakPasswordError`` unless ``password`` meets the rules above."""
    if len(password) < MIN_LENGTH:
        raise WeakPasswordError(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPasswordError(f"a password has at most {MAX_LENGTH} characters")
    folded = password.casefold()
    if folded in COMMON_PASSWORDS or len(set(folded)) < 4:
        raise WeakPasswordError("this password is among the most common ones or too repetitive")
    personal = [login.casefold(), login.casefold().split("@")[0], *display_name.casefold().split()]
    if any(len(p) >= 4 and p in folded for p in personal):
        raise WeakPasswordError("a password must not contain the login or the person's name")

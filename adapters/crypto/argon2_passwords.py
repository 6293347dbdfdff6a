"""``PasswordHasher`` with Argon2id from ``cryptography`` (RFC 9106), in the PHC string format.

Parameters are RFC 9106 §4's second recommended option (64 MiB of memory, 3 passes, 4 lanes), about
0.1-0.2 s per hash on one core here: slow enough that a stolen hash costs an attacker dearly, fast
enough for a sign-in. The string records the parameters, so they can be raised later without
invalidating stored hashes. Hashes are sealed in the ledger on top (``CredentialSecret``).
"""

from __future__ import annotations

import base64
import hmac
import os
import re

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

MEMORY_KIB = 64 * 1024
ITERATIONS = 3
LANES = 4
SALT_BYTES = 16
HASH_BYTES = 32
_PHC = re.compile(r"^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def _derive(password: str, salt: bytes, memory: int, iterations: int, lanes: int, length: int) -> bytes:
    kdf = Argon2id(salt=salt, length=length, iterations=iterations, lanes=lanes, memory_cost=memory)
    return kdf.derive(password.encode("utf-8"))


class Argon2idPasswordHasher:
    """Argon2id password hashes as ``$argon2id$v=19$m=..,t=..,p=..$salt$hash``."""

    def __init__(self, memory_kib: int = MEMORY_KIB, iterations: int = ITERATIONS, lanes: int = LANES) -> None:
        self.memory_kib, self.iterations, self.lanes = memory_kib, iterations, lanes

    def hash(self, password: str) -> str:
        salt = os.urandom(SALT_BYTES)
        digest = _derive(password, salt, self.memory_kib, self.iterations, self.lanes, HASH_BYTES)
        return f"$argon2id$v=19$m={self.memory_kib},t={self.iterations},p={self.lanes}${_b64(salt)}${_b64(digest)}"

    def verify(self, stored: str, password: str) -> bool:
        match = _PHC.fullmatch(stored)
        if match is None:
            return False
        memory, iterations, lanes = (int(match.group(i)) for i in (1, 2, 3))
        salt, expected = _unb64(match.group(4)), _unb64(match.group(5))
        actual = _derive(password, salt, memory, iterations, lanes, len(expected))
        return hmac.compare_digest(actual, expected)

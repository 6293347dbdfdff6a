"""NATS nkeys and JWTs: the decentralised authentication of nats-server (ACCOUNTS.md).

An nkey is an Ed25519 key pair whose public half is a base32 text with a role prefix (``O``
operator, ``A`` account, ``U`` user) and whose seed (``S...``) is the secret. A JWT says who the
subject is and what it may do, signed by its issuer: the operator signs accounts, an account signs
its users. nats-server trusts the operator only and checks the whole chain on every connection; a
client proves it holds the user's seed by signing the server's nonce. The encoding is the one of
the NATS JWT v2 library (``nats-io/jwt``): ``base64url(header).base64url(claims).base64url(sig)``,
header ``{"typ":"JWT","alg":"ed25519-nkey"}``, ``jti`` = base32 of SHA-512/256 over the claims.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

import nkeys
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

OPERATOR = nkeys.PREFIX_BYTE_OPERATOR
ACCOUNT = nkeys.PREFIX_BYTE_ACCOUNT
USER = nkeys.PREFIX_BYTE_USER
_PUBLIC_KEY = {OPERATOR: re.compile(r"^O[A-Z2-7]{55}$"), ACCOUNT: re.compile(r"^A[A-Z2-7]{55}$"),
               USER: re.compile(r"^U[A-Z2-7]{55}$")}
_HEADER = {"typ": "JWT", "alg": "ed25519-nkey"}
_COMPACT = (",", ":")
NO_LIMIT = -1  # nats-server reads 0 as "none allowed" and -1 as unlimited


class InvalidNkeyError(ValueError):
    """A text that is not a well-formed nkey public key of the expected role."""


@dataclass(frozen=True)
class NKey:
    """An nkey pair. ``seed`` is the secret: it never appears in a repr."""

    public_key: str
    seed: str = field(repr=False)

    @classmethod
    def from_raw(cls, raw: bytes, role: int) -> NKey:
        """The key pair whose Ed25519 seed is ``raw`` (32 bytes, e.g. derived from the KEK)."""
        pair = nkeys.from_seed(bytearray(nkeys.encode_seed(raw, role)))
        return cls(pair.public_key.decode("ascii"), pair.seed.decode("ascii"))

    @classmethod
    def generate(cls, role: int) -> NKey:
        return cls.from_raw(os.urandom(32), role)

    def sign(self, data: bytes) -> bytes:
        signature: bytes = nkeys.from_seed(bytearray(self.seed.encode("ascii"))).sign(data)
        return signature


def check_public_key(text: str, role: int) -> str:
    """``text`` when it is a public nkey of ``role`` with a valid checksum, else ``InvalidNkeyError``."""
    if not _PUBLIC_KEY[role].fullmatch(text):
        raise InvalidNkeyError("not an nkey public key of the expected role")
    raw = base64.b32decode(text)
    body, checksum = raw[:-2], raw[-2:]
    if nkeys.crc16(bytearray(body)).to_bytes(2, "little") != checksum:
        raise InvalidNkeyError("nkey checksum mismatch")
    return text


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_jwt(issuer: NKey, subject: str, name: str, nats: dict[str, Any], issued_at: int) -> str:
    """A signed NATS JWT about ``subject`` (a public key) with the type-specific ``nats`` claims."""
    claims: dict[str, Any] = {"iat": issued_at, "iss": issuer.public_key, "name": name, "sub": subject,
                              "nats": {**nats, "version": 2}}
    digest = hashlib.new("sha512_256", json.dumps(claims, sort_keys=True).encode()).digest()
    claims["jti"] = base64.b32encode(digest).rstrip(b"=").decode("ascii")
    header, body = (_b64url(json.dumps(part, separators=_COMPACT).encode()) for part in (_HEADER, claims))
    signing_input = f"{header}.{body}"
    return f"{signing_input}.{_b64url(issuer.sign(signing_input.encode('ascii')))}"


def decode_claims(token: str, issuer_public_key: str | None = None) -> dict[str, Any]:
    """The claims of a NATS JWT; with ``issuer_public_key``, only if that key signed it (else ValueError)."""
    header, claims, signature = token.split(".")
    if issuer_public_key is not None:
        verifier = Ed25519PublicKey.from_public_bytes(base64.b32decode(issuer_public_key)[1:-2])
        try:
            verifier.verify(_unb64url(signature), f"{header}.{claims}".encode("ascii"))
        except InvalidSignature as exc:
            raise ValueError("JWT signature does not verify with the issuer's key") from exc
    decoded: dict[str, Any] = json.loads(_unb64url(claims))
    if issuer_public_key is not None and decoded.get("iss") != issuer_public_key:
        raise ValueError("JWT names another issuer")
    return decoded


def creds_file(user_jwt: str, seed: str) -> str:
    """The ``.creds`` text nats clients read (nats-py ``user_credentials=``, ``nats --creds``)."""
    return ("-----BEGIN NATS USER JWT-----\n"
            f"{user_jwt}\n"
            "------END NATS USER JWT------\n\n"
            "************************* IMPORTANT *************************\n"
            "NKEY Seed printed below can be used to sign and prove identity.\n"
            "NKEYs are sensitive and should be treated as secrets.\n\n"
            "-----BEGIN USER NKEY SEED-----\n"
            f"{seed}\n"
            "------END USER NKEY SEED------\n\n"
            "*************************************************************\n")

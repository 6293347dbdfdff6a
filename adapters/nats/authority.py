"""kycledger as the NATS operator: its keys, the account and user JWTs, the server configuration.

nats-server runs in operator mode (decentralised JWT authentication, ACCOUNTS.md): it trusts the
operator JWT in its configuration and nothing else, so an anonymous client is refused, and a user
is whoever presents a JWT signed by the ``KYC`` account's key and proves it holds the user's seed.
Issuing a tenant's credential is signing a JWT: the server needs no reload and no new user list.
Revoking one is a new ``KYC`` account JWT listing the user's key under ``revocations``, pushed to
the server's resolver by the system account (``$SYS.REQ.CLAIMS.UPDATE``): the server then drops
that user's connections and refuses it from then on.

The operator and account keys derive from the key-encryption key (HKDF, one purpose each), like
every other kycledger secret: each process holding the KEK signs with the same keys, nothing
secret is stored anywhere, and what the server is configured with (JWTs, public keys) is public.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adapters.crypto.kek import KeyEncryptionKey
from adapters.nats.accounts import (
    ACCOUNT_SYNC_USER,
    InternalRole,
    Permissions,
    account_sync_permissions,
    inbox_prefix,
    internal_permissions,
)
from adapters.nats.endpoint import NatsEndpoint
from adapters.nats.jwt import ACCOUNT, NO_LIMIT, OPERATOR, USER, NKey, creds_file, encode_jwt

OPERATOR_NAME = "kycledger"
KYC_ACCOUNT = "KYC"
SYSTEM_ACCOUNT = "SYS"
_ACCOUNT_LIMITS: dict[str, Any] = {"subs": NO_LIMIT, "data": NO_LIMIT, "payload": NO_LIMIT, "imports": NO_LIMIT,
                                   "exports": NO_LIMIT, "wildcards": True, "conn": NO_LIMIT, "leaf": NO_LIMIT}
# JetStream is enabled for an account whose JWT grants it storage.
_JETSTREAM_LIMITS = {"mem_storage": NO_LIMIT, "disk_storage": NO_LIMIT, "streams": NO_LIMIT, "consumer": NO_LIMIT}
_USER_LIMITS = {"subs": NO_LIMIT, "data": NO_LIMIT, "payload": NO_LIMIT}


@dataclass(frozen=True)
class NatsAuthority:
    """Signs kycledger's operator, account and user JWTs."""

    operator: NKey
    system_account: NKey
    account: NKey
    clock: Callable[[], float] = field(default=time.time, repr=False)

    @classmethod
    def from_kek(cls, kek: KeyEncryptionKey) -> NatsAuthority:
        return cls(operator=NKey.from_raw(kek.derive("nats-operator"), OPERATOR),
                   system_account=NKey.from_raw(kek.derive("nats-system-account"), ACCOUNT),
                   account=NKey.from_raw(kek.derive("nats-kyc-account"), ACCOUNT))

    def _now(self) -> int:
        return int(self.clock())

    def operator_jwt(self) -> str:
        return encode_jwt(self.operator, self.operator.public_key, OPERATOR_NAME,
                          {"type": "operator", "system_account": self.system_account.public_key}, self._now())

    def system_account_jwt(self) -> str:
        return encode_jwt(self.operator, self.system_account.public_key, SYSTEM_ACCOUNT,
                          {"type": "account", "limits": _ACCOUNT_LIMITS,
                           "default_permissions": {"pub": {}, "sub": {}}}, self._now())

    def account_jwt(self, revocations: Mapping[str, int]) -> str:
        """The ``KYC`` account with JetStream; ``revocations`` maps user public keys to the time
        (Unix seconds) up to which their JWTs are revoked (every JWT issued at or before it)."""
        claims: dict[str, Any] = {"type": "account", "limits": {**_ACCOUNT_LIMITS, **_JETSTREAM_LIMITS},
                                  "default_permissions": {"pub": {}, "sub": {}}}
        if revocations:
            claims["revocations"] = dict(sorted(revocations.items()))
        return encode_jwt(self.operator, self.account.public_key, KYC_ACCOUNT, claims, self._now())

    def user_jwt(self, name: str, user_public_key: str, permissions: Permissions) -> str:
        """A ``KYC`` account user that may do exactly ``permissions`` (no expiry: revoked by key)."""
        return self._user(self.account, name, user_public_key, permissions)

    def _user(self, issuer: NKey, name: str, user_public_key: str, permissions: Permissions) -> str:
        return encode_jwt(issuer, user_public_key, name, {"type": "user", **_USER_LIMITS, **permissions},
                          self._now())

    def internal_endpoint(self, url: str, role: InternalRole) -> NatsEndpoint:
        """Credentials for one of kycledger's own components, made fresh for this process.

        The user key lives in this process's memory only; nothing to store, rotate or leak on disk.
        """
        user = NKey.generate(USER)
        user_jwt = self.user_jwt(role.value, user.public_key, internal_permissions(role))
        return NatsEndpoint(url, creds_file(user_jwt, user.seed), inbox_prefix(role.value))

    def account_sync_endpoint(self, url: str) -> NatsEndpoint:
        """The system-account user that pushes the ``KYC`` account JWT to the server's resolver."""
        user = NKey.generate(USER)
        user_jwt = self._user(self.system_account, ACCOUNT_SYNC_USER, user.public_key, account_sync_permissions())
        return NatsEndpoint(url, creds_file(user_jwt, user.seed), inbox_prefix(ACCOUNT_SYNC_USER))

    def server_settings(self, resolver_dir: Path, revocations: Mapping[str, int]) -> dict[str, Any]:
        """What a nats-server needs to trust kycledger's operator (add a listener and JetStream)."""
        return {
            "operator": self.operator_jwt(),
            "system_account": self.system_account.public_key,
            # The NATS-based resolver keeps the account JWTs pushed to it (revocations) in its own
            # directory; in a cluster every server runs one and they synchronise.
            "resolver": {"type": "full", "dir": str(resolver_dir), "allow_delete": False, "interval": "2m",
                         "timeout": "1.9s"},
            "resolver_preload": {self.system_account.public_key: self.system_account_jwt(),
                                 self.account.public_key: self.account_jwt(revocations)},
        }


def render_config(settings: Mapping[str, Any]) -> str:
    """NATS configuration text: one ``key: <JSON value>`` line per setting (valid NATS syntax, and
    valid as an ``include`` file, which a top-level JSON object is not)."""
    return "".join(f"{key}: {json.dumps(value, indent=2)}\n" for key, value in settings.items())


def local_server_config(authority: NatsAuthority, port: int, store_dir: Path, resolver_dir: Path,
                        revocations: Mapping[str, int]) -> str:
    """A complete configuration for a nats-server with JetStream on 127.0.0.1:``port``."""
    return render_config({"listen": f"127.0.0.1:{port}", "jetstream": {"store_dir": str(store_dir)},
                          **authority.server_settings(resolver_dir, revocations)})

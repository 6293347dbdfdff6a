"""Where and as whom a component connects to NATS: a URL, the user's credentials, its inbox prefix.

A plain URL string is accepted wherever an endpoint is (an anonymous connection, for a server that
allows one); kycledger's processes connect with the credentials of their role
(``adapters.nats.authority.NatsAuthority.internal_endpoint``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import nats
from nats.aio.client import Client, RawCredentials

DEFAULT_INBOX_PREFIX = "_INBOX"


@dataclass(frozen=True)
class NatsEndpoint:
    """A NATS URL with optional ``.creds`` text (user JWT + seed, never shown in a repr or a log)."""

    url: str
    credentials: str | None = field(default=None, repr=False)
    inbox_prefix: str = DEFAULT_INBOX_PREFIX

    def __str__(self) -> str:
        return self.url  # log lines name the server, never the credentials

    def connect_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"servers": [self.url], "inbox_prefix": self.inbox_prefix}
        if self.credentials is not None:
            options["user_credentials"] = RawCredentials(self.credentials)
        return options


NatsTarget = NatsEndpoint | str


def as_endpoint(target: NatsTarget) -> NatsEndpoint:
    return target if isinstance(target, NatsEndpoint) else NatsEndpoint(target)


async def connect(target: NatsTarget, **options: Any) -> Client:
    """``nats.connect`` to ``target`` as its user; ``options`` are nats-py's (timeouts, reconnects)."""
    return await nats.connect(**as_endpoint(target).connect_options(), **options)

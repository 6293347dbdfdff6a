"""Pushing the ``KYC`` account JWT to nats-server's resolver (revocations take effect at once).

The system account's user publishes the JWT on ``$SYS.REQ.CLAIMS.UPDATE``; the resolver stores it
(every server of a cluster, which synchronise among themselves), and the server closes the open
connections of users the new JWT revokes. A server not configured with kycledger's operator has
no responder there: ``AccountsNotServedError`` says so.
"""

from __future__ import annotations

import json

from nats.errors import NoRespondersError

from adapters.nats.connection import close_quietly
from adapters.nats.endpoint import NatsEndpoint, connect

CLAIMS_UPDATE = "$SYS.REQ.CLAIMS.UPDATE"


class AccountsNotServedError(RuntimeError):
    """The NATS server does not run kycledger's accounts (see ``kycledger nats server-config``)."""


class AccountUpdateRefusedError(RuntimeError):
    """The resolver answered the update with an error."""


async def push_account_jwt(endpoint: NatsEndpoint, account_jwt: str, timeout: float = 5.0) -> None:
    """Publish ``account_jwt`` to the server's resolver and wait for its acceptance."""
    nc = await connect(endpoint, name="kycledger-accounts", connect_timeout=timeout, allow_reconnect=False)
    try:
        try:
            answer = await nc.request(CLAIMS_UPDATE, account_jwt.encode("ascii"), timeout=timeout)
        except NoRespondersError:
            raise AccountsNotServedError("no account resolver answers on this NATS server") from None
        body = json.loads(answer.data)
        data = body.get("data") or {}
        if body.get("error") or data.get("code") != 200:
            raise AccountUpdateRefusedError(str(body.get("error") or data.get("message") or "refused")[:200])
    finally:
        await close_quietly(nc, drain=False)

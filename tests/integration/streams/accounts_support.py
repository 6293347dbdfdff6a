"""A real nats-server running kycledger's accounts, as ``kycledger dev`` runs it, for the stream tests.

The server is configured by ``ops.local_services.accounts_nats``; tenants' credentials come from the
one issuing path (``ops.nats_access.issue_tenant_credential``) and kycledger's components connect as
their own users (``NatsAuthority.internal_endpoint``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nats
import pytest
from nats.aio.client import RawCredentials

from adapters.nats.accounts import InternalRole
from adapters.nats.authority import NatsAuthority
from adapters.nats.endpoint import NatsEndpoint
from domain.audit import PLATFORM_TENANT, audit_context
from ops.bootstrap import LedgerRuntime
from ops.local_services import LocalNats, accounts_nats
from ops.nats_access import issue_tenant_credential, nats_authority
from tests.integration.decisions.seeding import open_ledger_at


@dataclass
class Accounts:
    rt: LedgerRuntime
    authority: NatsAuthority
    server: LocalNats
    creds: dict[str, dict[str, Any]]  # tenant id -> issued credential (as the API answers it)

    @property
    def url(self) -> str:
        return self.server.url

    def relay(self) -> NatsEndpoint:
        return self.authority.internal_endpoint(self.url, InternalRole.RELAY)


def new_tenant(rt: LedgerRuntime, name: str) -> str:
    with audit_context(PLATFORM_TENANT, "operator:test", f"req-{name}"):
        return str(rt.ledger.create_tenant(name).tenant_id)


def issue(rt: LedgerRuntime, tenant: str, **options: Any) -> dict[str, Any]:
    with audit_context(PLATFORM_TENANT, "operator:test", f"req-nats-{tenant}"):
        return issue_tenant_credential(rt.ledger, nats_authority(rt), tenant, **options).as_dict()


def start_accounts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Accounts]:
    """Module fixture body: a ledger with two tenants holding credentials, and the server."""
    root = Path(tmp_path_factory.mktemp("nats-accounts"))
    rt = open_ledger_at(root / "ledger")
    authority = nats_authority(rt)
    server = accounts_nats(root / "nats", authority).start()
    try:
        creds = {tenant: issue(rt, tenant) for tenant in (new_tenant(rt, "A"), new_tenant(rt, "B"))}
        yield Accounts(rt, authority, server, creds)
    finally:
        server.stop()
        rt.close()


async def tenant_connect(url: str, creds: dict[str, Any], errors: list[str]) -> Any:
    async def on_error(exc: Exception) -> None:
        errors.append(str(exc).lower())

    return await nats.connect(url, user_credentials=RawCredentials(creds["creds"]), inbox_prefix=creds["inbox_prefix"],
                              error_cb=on_error, allow_reconnect=False, connect_timeout=3)


async def connect_error(url: str, **options: Any) -> str:
    """The error a connection attempt ends with, or "CONNECTED"."""
    try:
        nc = await nats.connect(url, allow_reconnect=False, connect_timeout=3, **options)
    except Exception as exc:
        return str(exc).lower()
    await nc.close()
    return "CONNECTED"

"""Rotating and suspending tenants' NATS credentials on a real nats-server running kycledger's accounts.

Revocations reach the server through the account follower (``ops.runners.nats_account_sync.AccountSync``),
stepped by hand here: a rotated-out credential keeps working during its overlap and is refused
after it (its open connection is closed too); a suspended tenant's credential is refused until the
tenant is reactivated. The production path is checked too: the settings ``kycledger nats
server-config`` prints, included in an operator's own nats-server configuration, refuse anonymous
clients and accept a credential ``kycledger nats credentials`` issued.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import RawCredentials

from domain.audit import PLATFORM_TENANT, audit_context
from domain.errors import TenantSuspendedError
from ops.local_services import free_port, nats_server_binary, wait_for_port
from ops.runners.nats_account_sync import AccountSync
from tests.integration.streams.accounts_support import (
    Accounts,
    connect_error,
    issue,
    new_tenant,
    start_accounts,
    tenant_connect,
)

pytestmark = pytest.mark.integration
KYCLEDGER = str(Path(sys.executable).parent / "kycledger")


@pytest.fixture(scope="module")
def accounts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Accounts]:
    yield from start_accounts(tmp_path_factory)


def _connects(url: str, creds: dict[str, Any]) -> str:
    return asyncio.run(connect_error(url, user_credentials=RawCredentials(creds["creds"]),
                                     inbox_prefix=creds["inbox_prefix"]))


class OpenConnection:
    """A tenant's connection held open in its own event loop thread, to see the server close it."""

    def __init__(self, url: str, creds: dict[str, Any]) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.client = asyncio.run_coroutine_threadsafe(tenant_connect(url, creds, []), self.loop).result(10)

    def wait_closed(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.client.is_closed:
                return True
            time.sleep(0.1)
        return False

    def close(self) -> None:
        if not self.client.is_closed:
            asyncio.run_coroutine_threadsafe(self.client.close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def test_a_rotated_credential_works_during_its_overlap_and_is_refused_after(accounts: Accounts) -> None:
    sync = AccountSync(accounts.rt.ledger, accounts.authority, accounts.url)
    tenant = new_tenant(accounts.rt, "Rotating")
    first = issue(accounts.rt, tenant)
    sync.step()
    held = OpenConnection(accounts.url, first)
    try:
        second = issue(accounts.rt, tenant, rotate=True, overlap=timedelta(seconds=3))
        assert second["previous_key_valid_until"] is not None and "user_seed" in second
        sync.step()
        assert _connects(accounts.url, first) == "CONNECTED"  # within the overlap
        assert not held.client.is_closed
        time.sleep(3.2)
        sync.step()  # the overlap is over: the old key is in the account's revocations now
        assert "authorization violation" in _connects(accounts.url, first)
        assert held.wait_closed(10), "the server should close the rotated-out credential's open connection"
        assert _connects(accounts.url, second) == "CONNECTED"
        # a second rotation without overlap ends the second credential at once
        third = issue(accounts.rt, tenant, rotate=True)
        sync.step()
        assert "authorization violation" in _connects(accounts.url, second)
        assert _connects(accounts.url, third) == "CONNECTED"
    finally:
        held.close()


def test_a_suspended_tenant_is_refused_until_reactivated(accounts: Accounts) -> None:
    sync = AccountSync(accounts.rt.ledger, accounts.authority, accounts.url)
    tenant = new_tenant(accounts.rt, "Suspended")
    creds = issue(accounts.rt, tenant)
    sync.step()
    assert _connects(accounts.url, creds) == "CONNECTED"
    ledger = accounts.rt.ledger
    with audit_context(PLATFORM_TENANT, "operator:test", "req-suspend"):
        record = ledger.get_tenant(tenant)
        record.suspend("unpaid")
        ledger.save(record)
    sync.step()
    assert "authorization violation" in _connects(accounts.url, creds)
    with pytest.raises(TenantSuspendedError):
        issue(accounts.rt, tenant, rotate=True)
    with audit_context(PLATFORM_TENANT, "operator:test", "req-reactivate"):
        record = ledger.get_tenant(tenant)
        record.reactivate()
        ledger.save(record)
    sync.step()
    assert _connects(accounts.url, creds) == "CONNECTED"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([KYCLEDGER, *args], capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def operator_nats(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An operator-run nats-server: its own config file that includes ``kycledger nats server-config``."""
    data = tmp_path / "ledger"
    printed = _cli("nats", "server-config", "--data-dir", str(data), "--resolver-dir", str(tmp_path / "jwt"))
    assert printed.returncode == 0, printed.stderr
    (tmp_path / "kycledger-accounts.conf").write_text(printed.stdout)
    port = free_port()
    (tmp_path / "nats.conf").write_text(f'listen: "127.0.0.1:{port}"\njetstream: {{store_dir: "{tmp_path / "js"}"}}\n'
                                        'include "kycledger-accounts.conf"\n')
    process = subprocess.Popen([str(nats_server_binary()), "-c", str(tmp_path / "nats.conf")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        yield f"nats://127.0.0.1:{port}", data
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_server_config_from_the_cli_secures_an_operator_run_nats(operator_nats: tuple[str, Path]) -> None:
    url, data = operator_nats
    created = _cli("tenants", "create", "--name", "Prod", "--data-dir", str(data), "--json")
    tenant = json.loads(created.stdout)["tenant_id"]
    creds_file = _cli("nats", "credentials", "--tenant", tenant, "--data-dir", str(data))
    assert creds_file.returncode == 0 and "BEGIN USER NKEY SEED" in creds_file.stdout
    assert "authorization violation" in asyncio.run(connect_error(url))
    assert asyncio.run(connect_error(url, user_credentials=RawCredentials(creds_file.stdout),
                                     inbox_prefix=f"_INBOX.{tenant}")) == "CONNECTED"
    again = _cli("nats", "credentials", "--tenant", tenant, "--data-dir", str(data))
    assert again.returncode == 2 and json.loads(again.stderr)["error"]["code"] == "nats_credential_exists"
    assert "Traceback" not in again.stderr

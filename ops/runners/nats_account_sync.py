"""Keeps the NATS server's ``KYC`` account JWT in step with the ledger (revoked credentials).

Follows the ledger's log for the events that change who may connect (a tenant's NATS user issued
or rotated, a tenant suspended or reactivated), computes the revocations now due
(``domain.nats_access.revocations``: a rotated-out key once its overlap is over, the keys of a
suspended tenant) and pushes a new account JWT whenever they change, and again every
``REFRESH_SECONDS`` (a server restarted from an older configuration catches up). It runs with the
other log followers (``kycledger dev`` and ``kycledger worker``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from adapters.nats.account_sync import AccountsNotServedError, push_account_jwt
from adapters.nats.authority import NatsAuthority
from adapters.nats.endpoint import NatsTarget
from domain.nats_access import ISSUED_TOPIC, ROTATED_TOPIC, TenantNatsUser, revocations
from domain.tenancy import TENANT_REACTIVATED_TOPIC, TENANT_SUSPENDED_TOPIC, Tenant
from ops.bootstrap import LedgerRuntime
from ops.nats_access import nats_authority
from ops.runners.background import BackgroundLoop

log = logging.getLogger("kycledger.nats_accounts")

ACCESS_TOPICS = (ISSUED_TOPIC, ROTATED_TOPIC, TENANT_SUSPENDED_TOPIC, TENANT_REACTIVATED_TOPIC)
REFRESH_SECONDS = 300.0
PAGE = 500


class LedgerRevocations:
    """The revocations the ledger calls for now; reads only the log entries added since last asked."""

    def __init__(self, ledger: Any) -> None:
        self.ledger = ledger
        self._after = 0
        self._users: dict[UUID, TenantNatsUser] = {}
        self._suspended_since: dict[str, datetime] = {}

    def _catch_up(self) -> None:
        # Read up to the log's end as it is now, then start after it next time: a scan by topic that
        # found nothing must not re-read the whole tail of a large log every second.
        end = self.ledger.recorder.max_notification_id() or 0
        while page := self.ledger.recorder.select_notifications(self._after + 1, PAGE, stop=end,
                                                                topics=list(ACCESS_TOPICS)):
            for notification in page:
                aggregate = self.ledger.find(UUID(str(notification.originator_id)), object)
                if isinstance(aggregate, TenantNatsUser):
                    self._users[aggregate.id] = aggregate
                elif isinstance(aggregate, Tenant):
                    if aggregate.suspended:
                        self._suspended_since[aggregate.tenant_id_public] = aggregate.modified_on
                    else:
                        self._suspended_since.pop(aggregate.tenant_id_public, None)
            self._after = page[-1].id
        self._after = max(self._after, end)

    def now(self, at: datetime) -> dict[str, int]:
        self._catch_up()
        return revocations(self._users.values(), self._suspended_since, at)


class AccountSync:
    """One step of the follower: push the account JWT when the revocations changed or are stale."""

    def __init__(self, ledger: Any, authority: NatsAuthority, nats_url: str,
                 refresh_seconds: float = REFRESH_SECONDS) -> None:
        self.ledger = ledger
        self.authority = authority
        self.endpoint = authority.account_sync_endpoint(nats_url)
        self.source = LedgerRevocations(ledger)
        self.refresh_seconds = refresh_seconds
        self.settled: Mapping[str, int] | None = None  # the revocations last pushed (or found unservable)
        self.pushes = 0
        self._due = 0.0
        self._warned = False

    def step(self) -> int:
        current = self.source.now(self.ledger.clock())
        if current == self.settled and time.monotonic() < self._due:
            return 0
        try:
            asyncio.run(push_account_jwt(self.endpoint, self.authority.account_jwt(current)))
        except AccountsNotServedError:
            if not self._warned:  # an open server: tenant credentials are not enforced there
                log.warning("the NATS server at %s does not run kycledger's accounts: anonymous clients "
                            "can read every tenant's streams (configure it: kycledger nats server-config)",
                            self.endpoint)
                self._warned = True
            self.settled, self._due = current, time.monotonic() + self.refresh_seconds
            return 0
        self.settled, self.pushes = current, self.pushes + 1
        self._due = time.monotonic() + self.refresh_seconds
        return 0


def start_account_sync(rt: LedgerRuntime, nats_url: NatsTarget, poll_seconds: float = 1.0) -> BackgroundLoop:
    """Start the account follower in a background thread; ``.stop()`` ends it."""
    sync = AccountSync(rt.ledger, nats_authority(rt), str(nats_url))
    return BackgroundLoop("nats-account-sync", sync.step, idle_seconds=poll_seconds).start()

"""A tenant's NATS user: which key its credential holds, rotations, and what the server must refuse.

A tenant reads its decision and session streams as one NATS user (``adapters/nats/ACCOUNTS.md``).
The ledger records only the user's public key: the seed that proves the key is handed to the
tenant once and kept nowhere, and the server checks signatures, so it never needs the secret.
Rotation moves the tenant to a new key; the previous one keeps working until the overlap ends (0 =
at once), and any older key still in an overlap ends at the rotation. A key whose time is over,
and every key of a suspended tenant, is listed in the NATS account's revocations
(``revocations``), which the server enforces on open connections too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.base import LedgerAggregate
from domain.errors import ConflictError, InvalidArgumentError
from domain.tenancy import LEDGER_NAMESPACE

MAX_ROTATION_OVERLAP = timedelta(days=7)
_USER_PUBLIC_KEY = re.compile(r"^U[A-Z2-7]{55}$")
ISSUED_TOPIC = "kycledger.nats.UserIssued"
ROTATED_TOPIC = "kycledger.nats.UserRotated"


class NatsCredentialExistsError(ConflictError):
    """The tenant already holds a NATS credential: its seed is never shown again, rotate instead."""

    code = "nats_credential_exists"


def nats_user_uuid(tenant_id: str) -> UUID:
    return uuid5(LEDGER_NAMESPACE, f"nats-user/{tenant_id}")


def check_overlap(overlap: timedelta) -> timedelta:
    if overlap < timedelta(0) or overlap > MAX_ROTATION_OVERLAP:
        raise InvalidArgumentError("rotation overlap must be between 0 and 7 days",
                                   overlap_seconds=overlap.total_seconds())
    return overlap


def _user_key(public_key: str) -> str:
    if not _USER_PUBLIC_KEY.fullmatch(public_key):
        raise InvalidArgumentError("not a NATS user public key (U followed by 55 base32 characters)")
    return public_key


class TenantNatsUser(LedgerAggregate):
    """The NATS user of one tenant: its current public key and the keys it had before."""

    TOPIC = "kycledger.nats.TenantNatsUser"

    @dataclass(frozen=True)
    class Created(LedgerAggregate.Created):
        TOPIC = ISSUED_TOPIC
        owner_tenant_id: str
        public_key: str

    def __init__(self, owner_tenant_id: str, public_key: str) -> None:
        self.owner_tenant_id = owner_tenant_id
        self.public_key = _user_key(public_key)
        self.retired: dict[str, datetime] = {}  # earlier public key -> end of its validity

    @classmethod
    def create_id(cls, owner_tenant_id: str, public_key: str) -> UUID:
        return nats_user_uuid(owner_tenant_id)

    def rotate(self, new_public_key: str, now: datetime, overlap: timedelta) -> None:
        """Make ``new_public_key`` current; the key it replaces works until ``now + overlap``."""
        if now.tzinfo is None:
            raise InvalidArgumentError("rotation time must be timezone-aware")
        if new_public_key == self.public_key or new_public_key in self.retired:
            raise InvalidArgumentError("a rotation needs a key this tenant never had")
        self._rotated(new_public_key=_user_key(new_public_key), previous_public_key=self.public_key,
                      rotated_at=now, previous_valid_until=now + check_overlap(overlap))

    @event("Rotated", topic=ROTATED_TOPIC)
    def _rotated(self, new_public_key: str, previous_public_key: str, rotated_at: datetime,
                 previous_valid_until: datetime) -> None:
        for key, until in self.retired.items():
            self.retired[key] = min(until, rotated_at)  # one previous key in overlap at most
        self.retired[previous_public_key] = previous_valid_until
        self.public_key = new_public_key

    def previous_valid_until(self, now: datetime) -> datetime | None:
        """When the previous key stops working, while it still works; else None."""
        pending = [until for until in self.retired.values() if until > now]
        return max(pending) if pending else None

    def keys_in_force(self, now: datetime) -> list[str]:
        return [self.public_key, *(key for key, until in self.retired.items() if until > now)]


def revocations(users: Iterable[TenantNatsUser], suspended_since: Mapping[str, datetime],
                now: datetime) -> dict[str, int]:
    """User public key -> Unix second up to which its JWTs are revoked (NATS revokes every JWT
    issued at or before that time): retired keys once their overlap is over, and the keys of
    tenants suspended now (``suspended_since``: tenant id -> when; credentials are not issued
    while suspended, so every JWT of the tenant is older than its suspension)."""
    revoked: dict[str, int] = {}
    for user in users:
        for key, until in user.retired.items():
            if until <= now:
                revoked[key] = int(until.timestamp())
        since = suspended_since.get(user.owner_tenant_id)
        if since is not None:
            for key in user.keys_in_force(now):
                revoked[key] = int(since.timestamp())
    return revoked

"""Tenants' NATS credentials and the credentials of kycledger's own components (ACCOUNTS.md).

``issue_tenant_credential`` is the one path to a tenant's NATS credential, used by the CLI
(``kycledger nats credentials``) and the tenant's API (``LedgerNatsCredentials``). It records the
user's public key in the ledger (``TenantNatsUser``) and answers with the user JWT and, when it
made the key pair, the seed: shown in that answer only, stored nowhere (the server checks
signatures with the public key; no secret needs keeping). A tenant may instead bring its own key
(``public_key``) and receive the JWT alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from adapters.nats.accounts import InternalRole, inbox_prefix, tenant_consumer, tenant_filters, tenant_permissions
from adapters.nats.authority import NatsAuthority
from adapters.nats.endpoint import NatsEndpoint, NatsTarget
from adapters.nats.jwt import USER, InvalidNkeyError, NKey, check_public_key, creds_file
from adapters.nats.streams import DECISIONS_STREAM, SESSIONS_STREAM
from domain.credentials import CredentialSecret
from domain.errors import InvalidArgumentError, NotFoundError, TenantSuspendedError
from domain.nats_access import TenantNatsUser, check_overlap, nats_user_uuid
from ops.bootstrap import LedgerRuntime


def nats_authority(rt: LedgerRuntime) -> NatsAuthority:
    """kycledger's NATS operator and account keys, derived from this runtime's KEK."""
    return NatsAuthority.from_kek(rt.kek)


def component_endpoint(rt: LedgerRuntime, nats: NatsTarget, role: InternalRole) -> NatsEndpoint:
    """How one of kycledger's components connects: as its own least-privilege user.

    An endpoint that already carries credentials is kept as it is (a test or a caller chose them).
    """
    if isinstance(nats, NatsEndpoint) and nats.credentials is not None:
        return nats
    return nats_authority(rt).internal_endpoint(str(nats), role)


@dataclass(frozen=True)
class IssuedNatsCredential:
    """A tenant's NATS credential as handed over once: ``seed`` is None when the tenant brought its key."""

    tenant_id: str
    public_key: str
    user_jwt: str
    seed: CredentialSecret | None
    previous_key_valid_until: datetime | None

    def as_dict(self) -> dict[str, Any]:
        secret = {} if self.seed is None else {"user_seed": self.seed.reveal(),
                                               "creds": creds_file(self.user_jwt, self.seed.reveal())}
        return {**connection_guide(self.tenant_id), "user_public_key": self.public_key, "user_jwt": self.user_jwt,
                **secret, "previous_key_valid_until": _iso(self.previous_key_valid_until)}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def connection_guide(tenant_id: str) -> dict[str, Any]:
    """What a tenant's client needs besides the credential: its inbox prefix, subjects and consumers."""
    filters = tenant_filters(tenant_id)
    return {"tenant_id": tenant_id, "inbox_prefix": inbox_prefix(tenant_id),
            "subjects": {"live": f"kyc.{tenant_id}.>", "decisions": filters[DECISIONS_STREAM],
                         "sessions": filters[SESSIONS_STREAM]},
            "streams": {"decisions": DECISIONS_STREAM, "sessions": SESSIONS_STREAM},
            "durable": tenant_consumer(tenant_id)}


def _load_user(ledger: Any, tenant_id: str) -> TenantNatsUser | None:
    user: TenantNatsUser | None = ledger.find(nats_user_uuid(tenant_id), TenantNatsUser)
    return user


def issue_tenant_credential(ledger: Any, authority: NatsAuthority, tenant_id: str, *, rotate: bool = False,
                            overlap: timedelta = timedelta(0), public_key: str | None = None) -> IssuedNatsCredential:
    """Issue the tenant's first NATS credential, or (``rotate``) move it to a new key; the replaced
    key works until ``overlap`` has passed. Refused for a suspended or unknown tenant."""
    tenant = ledger.get_tenant(tenant_id)
    if tenant.suspended:
        raise TenantSuspendedError("tenant is suspended", tenant_id=tenant_id)
    check_overlap(overlap)
    pair = NKey.generate(USER) if public_key is None else None
    try:
        key = pair.public_key if pair is not None else check_public_key(public_key or "", USER)
    except InvalidNkeyError:
        raise InvalidArgumentError("public_key is not a NATS user public key (nkey U...)") from None
    user, now = ledger.issue_nats_user(tenant_id, key, rotate=rotate, overlap=overlap)
    user_jwt = authority.user_jwt(tenant_id, key, tenant_permissions(tenant_id))
    return IssuedNatsCredential(tenant_id, key, user_jwt, CredentialSecret(pair.seed) if pair else None,
                                user.previous_valid_until(now))


def describe_tenant_credential(ledger: Any, tenant_id: str) -> dict[str, Any]:
    """The tenant's NATS user without any secret: its key, when issued, the previous key's end."""
    ledger.get_tenant(tenant_id)
    user = _load_user(ledger, tenant_id)
    if user is None:
        raise NotFoundError("this tenant has no NATS credential yet", tenant_id=tenant_id)
    return {**connection_guide(tenant_id), "user_public_key": user.public_key,
            "issued_at": user.created_on.isoformat(), "updated_at": user.modified_on.isoformat(),
            "previous_key_valid_until": _iso(user.previous_valid_until(ledger.clock()))}


class LedgerNatsCredentials:
    """``api.controllers.nats_credentials.NatsCredentialService`` over ``issue_tenant_credential``."""

    def __init__(self, rt: LedgerRuntime) -> None:
        self.ledger = rt.ledger
        self.authority = nats_authority(rt)

    def issue(self, tenant_id: str, public_key: str | None) -> dict[str, Any]:
        return issue_tenant_credential(self.ledger, self.authority, tenant_id, public_key=public_key).as_dict()

    def rotate(self, tenant_id: str, overlap_seconds: int, public_key: str | None) -> dict[str, Any]:
        return issue_tenant_credential(self.ledger, self.authority, tenant_id, rotate=True,
                                       overlap=timedelta(seconds=overlap_seconds), public_key=public_key).as_dict()

    def describe(self, tenant_id: str) -> dict[str, Any]:
        return describe_tenant_credential(self.ledger, tenant_id)

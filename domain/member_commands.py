"""Commands on the people of a tenant, their credentials, and the platform's operators.

``MemberCommands`` is a mixin of the ledger ``Application`` (like ``SessionCommands``). Every
command that takes a tenant id answers ``NotFoundError`` for another tenant's member or key: the
two must look the same to a caller (docs/architecture.md §8, tenant isolation on every query).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.audit import PLATFORM_TENANT
from domain.credentials import CredentialSecret, environment_name, new_key_id, new_secret
from domain.errors import InvalidArgumentError, NotFoundError
from domain.members import Member, MemberRole, member_uuid
from domain.tenancy import ApiKey, KeyRole, Tenant

if TYPE_CHECKING:
    from eventsourcing.application import Repository
    from eventsourcing.persistence import ApplicationRecorder, Recording

MEMBER_CREATED_TOPIC = "kycledger.member.Created"
KEY_CREATED_TOPIC = "kycledger.tenant.ApiKeyCreated"
LOG_PAGE = 500

# The key role a person's credential carries for each of their roles: an onboarding agent submits
# cases through a personal integration key, every other role has a key of its own name.
KEY_ROLE_OF_MEMBER_ROLE: dict[str, str] = {
    MemberRole.ADMIN: KeyRole.ADMIN, MemberRole.REVIEWER: KeyRole.REVIEWER,
    MemberRole.COMPLIANCE: KeyRole.COMPLIANCE, MemberRole.AUDITOR: KeyRole.AUDITOR,
    MemberRole.AGENT: KeyRole.CLIENT, MemberRole.OPERATOR: KeyRole.OPERATOR,
}


@dataclass(frozen=True)
class IssuedKey:
    """An API key as shown once to its owner: the secret is never shown again."""

    tenant_id: str
    key_id: str
    secret: CredentialSecret
    role: str
    member_id: str | None = None
    sandbox: bool = False

    @property
    def environment(self) -> str:
        """``sandbox`` (simulated results, never billed) or ``live``: shown whenever a key is issued."""
        return environment_name(self.sandbox)


@dataclass(frozen=True)
class TenantOpened:
    """A new tenant's first two credentials, handed over by the platform operator once."""

    integration: IssuedKey
    admin: IssuedKey


class MemberCommands:
    """People, their credentials, platform operators; tenant-scoped lookups of keys."""

    if TYPE_CHECKING:
        repository: Repository[UUID]
        recorder: ApplicationRecorder

        def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]: ...
        def get_tenant(self, tenant_id: str) -> Tenant: ...
        def get_api_key(self, key_id: str) -> ApiKey: ...
        def rotate_api_key(self, key_id: str, overlap: timedelta = ...) -> IssuedKey: ...
        def revoke_api_key(self, key_id: str, reason: str) -> None: ...

    # --- platform operators ---------------------------------------------------------------------

    def create_operator(self, display_name: str) -> IssuedKey:
        """A platform operator (a named person at platform level) and their first key."""
        return self.enrol_with_key(PLATFORM_TENANT, display_name, MemberRole.OPERATOR)[1]

    # --- members ----------------------------------------------------------------------------------

    def add_member(self, tenant_id: str, display_name: str, roles: Iterable[str]) -> Member:
        if tenant_id != PLATFORM_TENANT:
            self.get_tenant(tenant_id)
        member = Member.enrol(tenant_id, display_name, roles)
        self.save(member)
        return member

    def enrol_with_key(self, tenant_id: str, display_name: str, role: str) -> tuple[Member, IssuedKey]:
        """A person with one role and their first key for it, recorded together (one transaction)."""
        if tenant_id != PLATFORM_TENANT:
            self.get_tenant(tenant_id)
        member = Member.enrol(tenant_id, display_name, [role])
        key = self._issue(member, KEY_ROLE_OF_MEMBER_ROLE[MemberRole(role)], sandbox=False)
        self.save(member, key)
        return member, _issued(key)

    def get_member(self, tenant_id: str, member_id: str) -> Member:
        try:
            member: object = self.repository.get(member_uuid(tenant_id, member_id))
        except AggregateNotFoundError:
            raise NotFoundError("member not found", member_id=member_id) from None
        if not isinstance(member, Member) or member.owner_tenant_id != tenant_id:
            raise NotFoundError("member not found", member_id=member_id)
        return member

    def members(self, tenant_id: str) -> list[Member]:
        found: list[object] = [self.repository.get(i) for i in self._originators(MEMBER_CREATED_TOPIC)]
        return [m for m in found if isinstance(m, Member) and m.owner_tenant_id == tenant_id]

    def change_member_roles(self, tenant_id: str, member_id: str, roles: Iterable[str]) -> Member:
        member = self.get_member(tenant_id, member_id)
        member.change_roles(roles)
        self.save(member)
        return member

    def deactivate_member(self, tenant_id: str, member_id: str, reason: str) -> Member:
        member = self.get_member(tenant_id, member_id)
        member.deactivate(reason)
        self.save(member)
        return member

    # --- credentials ------------------------------------------------------------------------------

    def issue_member_key(self, tenant_id: str, member_id: str, role: str, sandbox: bool = False) -> IssuedKey:
        """A new key for a person, for one of the roles they hold."""
        member = self.get_member(tenant_id, member_id)
        allowed = {KEY_ROLE_OF_MEMBER_ROLE[r] for r in member.roles}
        if not member.active or role not in allowed:
            raise InvalidArgumentError("the member does not hold this role", role=role, member_roles=member.roles)
        key = self._issue(member, role, sandbox)
        self.save(key)
        return _issued(key)

    def tenant_keys(self, tenant_id: str) -> list[ApiKey]:
        found: list[object] = [self.repository.get(i) for i in self._originators(KEY_CREATED_TOPIC)]
        return [k for k in found if isinstance(k, ApiKey) and k.owner_tenant_id == tenant_id]

    def get_tenant_key(self, tenant_id: str, key_id: str) -> ApiKey:
        """A key of this tenant; another tenant's key (or a platform key) is not found."""
        try:
            key = self.get_api_key(key_id)
        except NotFoundError:
            raise NotFoundError("API key not found", key_id=key_id) from None
        if key.owner_tenant_id != tenant_id:
            raise NotFoundError("API key not found", key_id=key_id)
        return key

    def rotate_tenant_key(self, tenant_id: str, key_id: str, overlap: timedelta) -> IssuedKey:
        self.get_tenant_key(tenant_id, key_id)
        return self.rotate_api_key(key_id, overlap)

    def revoke_tenant_key(self, tenant_id: str, key_id: str, reason: str) -> None:
        self.get_tenant_key(tenant_id, key_id)
        self.revoke_api_key(key_id, reason)

    def key_holder(self, key: ApiKey) -> Member | None:
        """The person a key was issued to, or None for integration keys and keys of earlier versions."""
        if key.member_id is None:
            return None
        try:
            return self.get_member(key.owner_tenant_id, key.member_id)
        except NotFoundError:
            return None

    @staticmethod
    def _issue(member: Member, role: str, sandbox: bool) -> ApiKey:
        return ApiKey(key_id=new_key_id(sandbox), owner_tenant_id=member.owner_tenant_id, role=KeyRole(role).value,
                      sandbox=sandbox, secret=new_secret(), member_id=member.member_id)

    def _originators(self, topic: str) -> Iterator[UUID]:
        start = 1
        while True:
            batch = self.recorder.select_notifications(start, LOG_PAGE, topics=[topic])
            if not batch:
                return
            for item in batch:
                yield UUID(str(item.originator_id))
            start = batch[-1].id + 1


def _issued(key: ApiKey) -> IssuedKey:
    return IssuedKey(key.owner_tenant_id, key.key_id, key.secret, key.role, key.member_id, key.sandbox)


"""People who act on a tenant's cases, and the platform's own operators (docs/architecture.md §8).

A ``Member`` is a named person: a tenant's administrator, reviewer, compliance officer, auditor or
onboarding agent, or (under the platform pseudo-tenant) a platform operator. Credentials reference
the person (``ApiKey.member_id``) instead of standing for themselves, so every claim, view and
decision names who did it, and a later sign-in (password and second factor in a browser console)
attaches to the same person rather than to a key.

The display name is recorded in clear: it is the bank's own staff record of who decided a case,
kept as long as the decision (AML record keeping), not the personal data of the person verified.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.audit import PLATFORM_TENANT
from domain.base import LedgerAggregate
from domain.errors import ConflictError, InvalidArgumentError
from domain.tenancy import LEDGER_NAMESPACE

MEMBER_ID_PREFIX = "mem_"
OPERATOR_ID_PREFIX = "op_"
MAX_DISPLAY_NAME = 120


class MemberRole(StrEnum):
    """What a person may do; a person may hold several, each used through its own credential."""

    ADMIN = "admin"  # the tenant's keys, people, webhooks, policy, retention, review settings
    REVIEWER = "reviewer"  # claims and decides manual reviews (operations queue)
    COMPLIANCE = "compliance"  # also compliance escalations (requirements/pipeline §9: MLRO / compliance officer)
    AUDITOR = "auditor"  # read-only audit material, every read recorded
    AGENT = "agent"  # submits cases for customers (assisted onboarding) with a personal integration key
    OPERATOR = "operator"  # platform level only: tenants, plans, suspensions


TENANT_ROLES: frozenset[MemberRole] = frozenset(MemberRole) - {MemberRole.OPERATOR}


def member_uuid(tenant_id: str, member_id: str) -> UUID:
    return uuid5(LEDGER_NAMESPACE, f"tenant/{tenant_id}/member/{member_id}")


def new_member_id(platform: bool = False) -> str:
    return (OPERATOR_ID_PREFIX if platform else MEMBER_ID_PREFIX) + secrets.token_hex(8)


def parse_display_name(value: str) -> str:
    """1-120 printable characters, surrounding spaces removed (a name, never markup or controls)."""
    name = " ".join(str(value).split())
    if not name or len(name) > MAX_DISPLAY_NAME:
        raise InvalidArgumentError(f"display name must be 1-{MAX_DISPLAY_NAME} characters")
    if any(unicodedata.category(c).startswith("C") or c in "<>" for c in name):
        raise InvalidArgumentError("display name must be plain text")
    return name


def parse_roles(roles: Iterable[str], platform: bool) -> list[str]:
    """Known roles, each once, sorted; operators exist only at platform level and only as operators."""
    try:
        parsed = sorted({MemberRole(r) for r in roles})
    except ValueError:
        raise InvalidArgumentError("unknown member role", allowed=sorted(TENANT_ROLES)) from None
    if not parsed:
        raise InvalidArgumentError("a member needs at least one role")
    if platform and parsed != [MemberRole.OPERATOR]:
        raise InvalidArgumentError("platform members are operators only")
    if not platform and MemberRole.OPERATOR in parsed:
        raise InvalidArgumentError("operators are platform-level: they cannot be members of a tenant",
                                   hint="kycledger operators create --name NAME")
    return [str(r) for r in parsed]


@dataclass(frozen=True)
class Actor:
    """A person as events record them: id and display name."""

    member_id: str
    display_name: str

    def record(self) -> dict[str, str]:
        return {"id": self.member_id, "name": self.display_name}


class Member(LedgerAggregate):
    """A named person of one tenant (or a platform operator, under ``PLATFORM_TENANT``)."""

    TOPIC = "kycledger.member.Member"

    @dataclass(frozen=True)
    class Created(LedgerAggregate.Created):
        TOPIC = "kycledger.member.Created"
        owner_tenant_id: str
        member_id: str
        display_name: str
        roles: list[str]

    def __init__(self, owner_tenant_id: str, member_id: str, display_name: str, roles: list[str]) -> None:
        self.owner_tenant_id = owner_tenant_id
        self.member_id = member_id
        self.display_name = display_name
        self.roles = list(roles)
        self.active = True

    @classmethod
    def create_id(cls, owner_tenant_id: str, member_id: str, display_name: str, roles: list[str]) -> UUID:
        return member_uuid(owner_tenant_id, member_id)

    @classmethod
    def enrol(cls, tenant_id: str, display_name: str, roles: Iterable[str]) -> Member:
        platform = tenant_id == PLATFORM_TENANT
        return cls(owner_tenant_id=tenant_id, member_id=new_member_id(platform),
                   display_name=parse_display_name(display_name), roles=parse_roles(roles, platform))

    @property
    def actor(self) -> Actor:
        return Actor(self.member_id, self.display_name)

    def holds(self, role: str) -> bool:
        return self.active and role in self.roles

    def change_roles(self, roles: Iterable[str]) -> None:
        self._require_active()
        parsed = parse_roles(roles, self.owner_tenant_id == PLATFORM_TENANT)
        if parsed != self.roles:
            self._roles_changed(roles=parsed)

    @event("RolesChanged", topic="kycledger.member.RolesChanged")
    def _roles_changed(self, roles: list[str]) -> None:
        self.roles = list(roles)

    def deactivate(self, reason: str) -> None:
        """The person left or lost access: every credential of theirs stops working at once."""
        self._require_active()
        self._deactivated(reason=reason[:200])

    @event("Deactivated", topic="kycledger.member.Deactivated")
    def _deactivated(self, reason: str) -> None:
        self.active = False

    def _require_active(self) -> None:
        if not self.active:
            raise ConflictError("member is deactivated", member_id=self.member_id)

"""Console sign-in commands: enrol a person, sign in with password and code, use and end a session.

``ConsoleAccounts`` runs over the ledger application with a ``PasswordHasher``; each command
records its events inside an audit context naming the tenant and the person (actor
``console:<member id>``), so sign-ins sit in the same hash-chained log as the decisions the person
takes. Roles come from the ``Member`` at every use: deactivating a person or changing their roles
takes effect on their console session at once, as it does on their API keys.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.audit import audit_context
from domain.credentials import CredentialSecret
from domain.errors import ConflictError, InvalidArgumentError
from domain.members import Member, MemberRole
from domain.people.console_account import (
    ConsoleAccount,
    ConsoleSessionEndedError,
    SignInRefusedError,
    console_account_uuid,
    console_actor,
    parse_login,
)
from domain.people.passwords import PasswordHasher, check_password
from domain.people.totp import matching_step, new_totp_secret, provisioning_uri

if TYPE_CHECKING:
    from domain.application import KycLedger

CONSOLE_ROLES = frozenset({MemberRole.ADMIN, MemberRole.REVIEWER, MemberRole.COMPLIANCE, MemberRole.AUDITOR})
ISSUER = "kycledger"
REFUSED = "login, password or code not accepted"


@dataclass(frozen=True)
class ConsoleEnrolment:
    """What the person needs once: the TOTP secret for their authenticator app (never shown again)."""

    login: str
    totp_secret: str
    otpauth_uri: str


@dataclass(frozen=True)
class ConsolePerson:
    """Who is signed in: the person, their tenant and roles now, and the session's end at the latest."""

    account_id: UUID
    tenant_id: str
    member_id: str
    display_name: str
    roles: tuple[str, ...]
    expires_at: datetime

    @property
    def actor(self) -> str:
        return console_actor(self.member_id)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ConsoleAccounts:
    """The console's sign-in use cases over ``ledger``."""

    def __init__(self, ledger: KycLedger, hasher: PasswordHasher, clock: Callable[[], datetime]) -> None:
        self.ledger = ledger
        self.hasher = hasher
        self.clock = clock
        self._decoy: str | None = None  # hashed on first use: a password is hashed for unknown logins too

    def enrol(self, tenant_id: str, member_id: str, login: str, password: str) -> ConsoleEnrolment:
        """Open the console account of an active member who holds a console role, in the caller's audit
        context (the admin or operator who enrols them)."""
        member = self.ledger.get_member(tenant_id, member_id)
        if not member.active or not CONSOLE_ROLES & set(member.roles):
            raise InvalidArgumentError("only an active admin, reviewer, compliance officer or auditor signs in",
                                       member_id=member_id)
        login = parse_login(login)
        check_password(password, login=login, display_name=member.display_name)
        if self._find(login) is not None:
            raise ConflictError("this login is taken", login=login)
        secret = new_totp_secret()
        account = ConsoleAccount(owner_tenant_id=tenant_id, member_id=member_id, login=login,
                                 password_hash=CredentialSecret(self.hasher.hash(password)),
                                 totp_secret=CredentialSecret(secret))
        self.ledger.save(account)
        return ConsoleEnrolment(login, secret, provisioning_uri(secret, ISSUER, login))

    def sign_in(self, login: str, password: str, code: str, request_id: str) -> tuple[ConsolePerson, str]:
        """A new session for the person: (who, the session's secret token for their cookie)."""
        try:
            account = self._find(parse_login(login))
        except InvalidArgumentError:
            account = None
        if account is None:
            self._decoy = self._decoy or self.hasher.hash(secrets.token_urlsafe(24))
            self.hasher.verify(self._decoy, password)  # the same work as a known login's: no timing oracle
            raise SignInRefusedError(REFUSED)
        now = self.clock()
        password_ok = self.hasher.verify(account.password_hash.reveal(), password)
        step = matching_step(account.totp_secret.reveal(), code.strip(), now.timestamp(), account.last_totp_step)
        member = self.ledger.get_member(account.owner_tenant_id, account.member_id)
        reason = ("locked" if account.locked(now) else "password" if not password_ok else
                  "code" if step is None else "deactivated" if not member.active else None)
        with audit_context(account.owner_tenant_id, console_actor(account.member_id), request_id):
            if reason is not None or step is None:
                account.refuse(reason or "code", now)
                self.ledger.save(account)
                raise SignInRefusedError(REFUSED)
            token = secrets.token_urlsafe(32)
            expires_at = account.sign_in(token_digest(token), step, now)
            self.ledger.save(account)
        return self._person(account, member, expires_at), token

    def session(self, account_id: UUID, token: str, request_id: str) -> ConsolePerson:
        """The person behind a session cookie, keeping the session alive; ``ConsoleSessionEndedError`` if it ended."""
        account = self._account(account_id)
        digest, now = token_digest(token), self.clock()
        if account is None or not account.session_open(digest, now):
            raise ConsoleSessionEndedError("the console session has ended: sign in again")
        member = self.ledger.get_member(account.owner_tenant_id, account.member_id)
        with audit_context(account.owner_tenant_id, console_actor(account.member_id), request_id):
            if not member.active or not CONSOLE_ROLES & set(member.roles):
                account.sign_out(digest, "member_deactivated")
                self.ledger.save(account)
                raise ConsoleSessionEndedError("the console session has ended: sign in again")
            account.touch(digest, now)
            self.ledger.save(account)
        return self._person(account, member, account.sessions[digest]["expires_at"])

    def sign_out(self, account_id: UUID, token: str, request_id: str) -> None:
        account = self._account(account_id)
        if account is None:
            return
        with audit_context(account.owner_tenant_id, console_actor(account.member_id), request_id):
            account.sign_out(token_digest(token), "signed_out")
            self.ledger.save(account)

    def _find(self, login: str) -> ConsoleAccount | None:
        return self._account(console_account_uuid(login))

    def _account(self, account_id: UUID) -> ConsoleAccount | None:
        try:
            found: object = self.ledger.repository.get(account_id)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, ConsoleAccount) else None

    @staticmethod
    def _person(account: ConsoleAccount, member: Member, expires_at: datetime) -> ConsolePerson:
        roles = tuple(r for r in member.roles if r in CONSOLE_ROLES)
        return ConsolePerson(account.id, account.owner_tenant_id, account.member_id, member.display_name, roles,
                             expires_at)

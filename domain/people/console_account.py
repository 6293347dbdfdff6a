"""A person's console account: login, password hash, second factor, and their signed-in sessions.

Reviewers, compliance officers, auditors and tenant admins sign in to the browser console as
themselves (docs/architecture.md §8): a local account per ``Member`` with a password (hashed by the
``PasswordHasher`` port) and a TOTP second factor, both sealed by persistence like API secrets
(``CredentialSecret``). Every sign-in, refusal, renewal and sign-out is an event on this aggregate,
so the ledger says who was signed in, from when to when. A session is known to the ledger only by
the SHA-256 of its secret token (the token lives in the person's cookie and nowhere else).

Sessions end after ``IDLE_TIMEOUT`` without activity or ``ABSOLUTE_TIMEOUT`` after sign-in,
whichever comes first (product defaults in the range bank security baselines ask for); five wrong
second-factor codes in a row, each after the right password, lock the account for ``LOCKOUT`` (wrong
passwords do not: they would make the lock a stranger's lever against the person).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.base import LedgerAggregate
from domain.credentials import CredentialSecret
from domain.errors import DomainError, InvalidArgumentError
from domain.tenancy import LEDGER_NAMESPACE

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=8)
RENEW_EVERY = timedelta(minutes=5)  # activity is recorded at most this often per session
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
CODE_FAILURE = "code"  # the refusal reason of a wrong code after the right password
CONSOLE_ACTOR_PREFIX = "console:"
MAX_LOGIN = 120


class SignInRefusedError(DomainError):
    """Wrong login, password or code, or a locked or deactivated account: one message for all, so
    the answer tells an attacker nothing about which part was wrong."""

    code = "sign_in_refused"


class ConsoleSessionEndedError(DomainError):
    """The console session is unknown, expired or signed out: sign in again."""

    code = "console_session_ended"


def parse_login(value: str) -> str:
    """A login name: 3-120 printable characters without spaces (typically a work e-mail), case-folded."""
    login = str(value).strip().casefold()
    if not 3 <= len(login) <= MAX_LOGIN or any(c.isspace() or not c.isprintable() or c in "<>" for c in login):
        raise InvalidArgumentError(f"a login is 3-{MAX_LOGIN} printable characters without spaces")
    return login


def console_account_uuid(login: str) -> UUID:
    """Logins are unique across the platform: the sign-in form asks for nothing else."""
    return uuid5(LEDGER_NAMESPACE, f"console-login/{parse_login(login)}")


def console_actor(member_id: str) -> str:
    return f"{CONSOLE_ACTOR_PREFIX}{member_id}"


class ConsoleAccount(LedgerAggregate):
    """The console account of one member of one tenant."""

    TOPIC = "kycledger.people.ConsoleAccount"

    @dataclass(frozen=True)
    class Created(LedgerAggregate.Created):
        TOPIC = "kycledger.people.ConsoleAccountOpened"
        owner_tenant_id: str
        member_id: str
        login: str
        password_hash: CredentialSecret
        totp_secret: CredentialSecret

    def __init__(self, owner_tenant_id: str, member_id: str, login: str, password_hash: CredentialSecret,
                 totp_secret: CredentialSecret) -> None:
        self.owner_tenant_id = owner_tenant_id
        self.member_id = member_id
        self.login = login
        self.password_hash = password_hash
        self.totp_secret = totp_secret
        self.last_totp_step = -1
        self.failures = 0
        self.locked_until: datetime | None = None
        self.sessions: dict[str, dict[str, datetime]] = {}  # token digest -> idle_until, expires_at

    @classmethod
    def create_id(cls, owner_tenant_id: str, member_id: str, login: str, password_hash: CredentialSecret,
                  totp_secret: CredentialSecret) -> UUID:
        return console_account_uuid(login)

    # --- signing in ------------------------------------------------------------------------------

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def refuse(self, reason: str, now: datetime) -> None:
        """Record a refused sign-in; the fifth wrong second-factor code in a row (each after the right
        password) locks the account. Wrong passwords are recorded and do not count: anyone can send
        them, so counting them would let a stranger lock a person out; they are slowed per login and
        address instead (``api.web.console.sign_in_limits``)."""
        failures = self.failures + 1 if reason == CODE_FAILURE else self.failures
        locked_until = now + LOCKOUT if failures >= MAX_FAILURES else None
        self._refused(reason=reason, failures=failures, locked_until=locked_until)

    @event("SignInRefused", topic="kycledger.people.SignInRefused")
    def _refused(self, reason: str, failures: int, locked_until: datetime | None) -> None:
        self.failures = 0 if locked_until is not None else failures
        if locked_until is not None:
            self.locked_until = locked_until

    def sign_in(self, token_digest: str, totp_step: int, now: datetime) -> datetime:
        """Open a session for the token whose SHA-256 is ``token_digest``; returns when it ends at the latest."""
        expires_at = now + ABSOLUTE_TIMEOUT
        self._signed_in(token_digest=token_digest, totp_step=totp_step, idle_until=now + IDLE_TIMEOUT,
                        expires_at=expires_at)
        return expires_at

    @event("SignedIn", topic="kycledger.people.SignedIn")
    def _signed_in(self, token_digest: str, totp_step: int, idle_until: datetime, expires_at: datetime) -> None:
        self.last_totp_step = totp_step
        self.failures = 0
        self.sessions[token_digest] = {"idle_until": idle_until, "expires_at": expires_at}

    # --- using and ending a session -----------------------------------------------------------------

    def session_open(self, token_digest: str, now: datetime) -> bool:
        times = self.sessions.get(token_digest)
        return times is not None and now < times["idle_until"] and now < times["expires_at"]

    def touch(self, token_digest: str, now: datetime) -> None:
        """Keep an active session alive: recorded when the last renewal is ``RENEW_EVERY`` old."""
        if not self.session_open(token_digest, now):
            raise ConsoleSessionEndedError("the console session has ended: sign in again")
        times = self.sessions[token_digest]
        if times["idle_until"] - IDLE_TIMEOUT + RENEW_EVERY <= now:
            self._renewed(token_digest=token_digest, idle_until=min(now + IDLE_TIMEOUT, times["expires_at"]))

    @event("SessionRenewed", topic="kycledger.people.SessionRenewed")
    def _renewed(self, token_digest: str, idle_until: datetime) -> None:
        self.sessions[token_digest] = {**self.sessions[token_digest], "idle_until": idle_until}

    def sign_out(self, token_digest: str, reason: str) -> None:
        if token_digest in self.sessions:
            self._signed_out(token_digest=token_digest, reason=reason)

    @event("SignedOut", topic="kycledger.people.SignedOut")
    def _signed_out(self, token_digest: str, reason: str) -> None:
        self.sessions.pop(token_digest, None)

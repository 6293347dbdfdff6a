"""Who did what, for whom, in which request: the audit context every event carries.

The API sets it per request, CLIs and processes per command. Events read it when they are
created (audit metadata from a ContextVar), so no command can forget it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from domain.errors import AuditContextMissingError

PLATFORM_TENANT = "platform"
"""Tenant id used for platform-level facts (operator actions, policy catalogue)."""


@dataclass(frozen=True)
class AuditContext:
    """The tenant, actor and request that cause the events recorded under it."""

    tenant_id: str
    actor: str
    request_id: str


_current: ContextVar[AuditContext | None] = ContextVar("kycledger_audit", default=None)


def current_audit() -> AuditContext:
    """The audit context in force; raises if a command runs outside one."""
    ctx = _current.get()
    if ctx is None:
        raise AuditContextMissingError("events must be recorded inside audit_context(...)")
    return ctx


SANDBOX_MARK = ":sandbox"
"""Suffix of the actor of every event a sandbox key causes (``key:<id>:sandbox``), and of every
system or client-token actor acting on a session a sandbox key opened."""


def is_sandbox_actor(actor: str) -> bool:
    return actor.endswith(SANDBOX_MARK)


def calling_key_environment() -> str | None:
    """``"sandbox"`` or ``"live"`` when an API key (actor ``key:...``) is the caller, else None.

    Sessions belong to the environment of the key that opened them: a key of the other environment
    must not see or drive them (as in any sandbox/live split), while system processes, operators
    and a session's own client token are not environment-bound.
    """
    ctx = _current.get()
    if ctx is None or not ctx.actor.startswith("key:"):
        return None
    return "sandbox" if is_sandbox_actor(ctx.actor) else "live"


CLIENT_TOKEN_ACTOR_PREFIX = "client-token:"
"""Actor prefix of the person being verified: the capture page's session-scoped client token."""


def person_is_calling() -> bool:
    """True when the person being verified causes the command (docs/architecture.md §8, last row).

    The API records every client-token call under ``client-token:<session>``; the session's guards
    read the same actor the events will carry, so no entry point can forget to say who asks.
    """
    ctx = _current.get()
    return ctx is not None and ctx.actor.startswith(CLIENT_TOKEN_ACTOR_PREFIX)


def current_tenant_id() -> str:
    return current_audit().tenant_id


def current_actor() -> str:
    return current_audit().actor


def current_request_id() -> str:
    return current_audit().request_id


@contextmanager
def audit_context(tenant_id: str, actor: str, request_id: str) -> Iterator[AuditContext]:
    """Record every event created inside this block as caused by ``actor`` in ``request_id``."""
    for name, value in (("tenant_id", tenant_id), ("actor", actor), ("request_id", request_id)):
        if not value:
            raise AuditContextMissingError(f"audit context needs a non-empty {name}")
    ctx = AuditContext(tenant_id=tenant_id, actor=actor, request_id=request_id)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)

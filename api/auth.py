"""HMAC request authentication (requirements/platform §17).

``X-API-SIGN = hex(hmac_sha256(secret, timestamp + "\\n" + method + "\\n" + path + "\\n" + hex(sha256(body))))``
with the path exactly as sent (query string included when present) and, when the client sends
``X-API-NONCE``, the nonce appended as a fifth line. Timestamps are unix seconds within +-5 minutes;
each signature is accepted once (a DB-backed replay guard shared by workers); comparison is
constant-time; a rotated key's previous secret works during its overlap; a revoked key never does.
Every failure answers the same 401 body, so a caller cannot learn which part was wrong.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass

from api.deps import ApiDependencies
from api.errors import ApiProblem
from domain.audit import SANDBOX_MARK
from domain.errors import DomainError, TenantSuspendedError
from domain.member_commands import KEY_ROLE_OF_MEMBER_ROLE
from domain.tenancy import ApiKey

HEADER_KEY = "x-api-key"
HEADER_TIMESTAMP = "x-api-timestamp"
HEADER_SIGN = "x-api-sign"
HEADER_NONCE = "x-api-nonce"

_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_NONCE = re.compile(r"[\x21-\x7e]{1,128}")
_SIGN = re.compile(r"[0-9a-fA-F]{64}")
_KEY_ID = re.compile(r"[A-Za-z0-9_\-]{1,100}")
# Compared against when the key id is unknown, so that case costs the same as a wrong signature.
_DUMMY_SECRET = "kycs_" + "0" * 43


@dataclass(frozen=True)
class Principal:
    """Who is calling: set on ``request.state.principal`` after authentication."""

    tenant_id: str
    key_id: str
    role: str
    sandbox: bool
    member_id: str | None = None  # the person the key was issued to (None: an integration key)
    member_name: str | None = None

    @property
    def actor(self) -> str:
        """``key:<id>``; a sandbox key acts as ``key:<id>:sandbox``, so every event it causes says so
        (docs/architecture.md §9: the sandbox flag on every event of a sandbox session, via the audit context)."""
        return f"key:{self.key_id}" + (SANDBOX_MARK if self.sandbox else "")


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def string_to_sign(timestamp: str, method: str, path: str, body: bytes, nonce: str | None = None) -> str:
    """The exact text that is signed; ``path`` as sent, with ``?query`` when there is one."""
    lines = [timestamp, method.upper(), path, body_digest(body)]
    if nonce:
        lines.append(nonce)
    return "\n".join(lines)


def sign(secret: str, timestamp: str, method: str, path: str, body: bytes, nonce: str | None = None) -> str:
    """``X-API-SIGN`` for a request (hex of HMAC-SHA256 keyed by the UTF-8 secret)."""
    message = string_to_sign(timestamp, method, path, body, nonce).encode("utf-8")
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def path_as_sent(raw_path: bytes, query_string: bytes) -> str:
    # ASGI's raw_path excludes the query; some test transports include it, so cut it off either way.
    path = raw_path.split(b"?", 1)[0].decode("latin-1")
    return f"{path}?{query_string.decode('latin-1')}" if query_string else path


def _refuse() -> ApiProblem:
    return ApiProblem(401, "unauthenticated", "request authentication failed",
                      headers={"WWW-Authenticate": 'HMAC realm="kycledger"'})


def authenticate(deps: ApiDependencies, headers: Mapping[str, str], method: str, path: str,
                 body: bytes) -> Principal:
    """The caller of a signed request, or a 401 ``ApiProblem`` that does not say what failed."""
    key_id = headers.get(HEADER_KEY, "")
    timestamp = headers.get(HEADER_TIMESTAMP, "")
    signature = headers.get(HEADER_SIGN, "")
    nonce = headers.get(HEADER_NONCE)
    if not (_KEY_ID.fullmatch(key_id) and _TIMESTAMP.fullmatch(timestamp) and _SIGN.fullmatch(signature)):
        raise _refuse()
    if nonce is not None and not _NONCE.fullmatch(nonce):
        raise _refuse()
    now = deps.clock().timestamp()
    tolerance = deps.settings.signature_tolerance_s
    if abs(now - int(timestamp)) > tolerance:
        raise _refuse()
    try:
        key = deps.ledger.get_api_key(key_id)
        secrets = [s.reveal() for s in key.valid_secrets(deps.clock())]
    except DomainError:
        key, secrets = None, []
    candidates = secrets or [_DUMMY_SECRET]
    matched = False
    for secret in candidates:  # every candidate is compared: no early exit to time
        expected = sign(secret, timestamp, method, path, body, nonce)
        matched |= hmac.compare_digest(expected, signature.lower())
    if key is None or not secrets or not matched:
        raise _refuse()
    # Remember the signature until it can no longer pass the clock check (2 x tolerance).
    if not deps.replay_guard.first_use(f"{key_id}:{signature.lower()}", now, ttl_s=2 * tolerance + 1):
        # Only a valid signature gets here, so naming the replay tells its holder nothing about the secret
        # or which part of a bad signature failed (requirements/platform §17).
        raise ApiProblem(401, "signature_replayed", "this signature was already used: sign each request anew, and "
                         "send X-API-NONCE to repeat an identical request within the same second",
                         headers={"WWW-Authenticate": 'HMAC realm="kycledger"'})
    return admit(deps, key)


def admit(deps: ApiDependencies, key: ApiKey) -> Principal:
    """The principal of a key whose signature checked out, or the 403 saying why it may not act.

    Past the signature check a precise answer is no oracle: only the secret's holder sees it.
    """
    if key.is_retired_operator_key:
        raise ApiProblem(403, "operator_key_retired",
                         "operator keys made under a tenant no longer work: an operator key is platform-level. "
                         "Make one with `kycledger operators create --name NAME`, then revoke this key "
                         "(`kycledger keys revoke --key-id KEY --reason operator_key_retired`)",
                         key_id=key.key_id)
    if not key.is_platform_key:
        tenant = deps.ledger.get_tenant(key.owner_tenant_id)
        if tenant.suspended:
            raise TenantSuspendedError("tenant is suspended", tenant_id=key.owner_tenant_id)
    holder = deps.ledger.key_holder(key)
    if key.member_id is not None:
        if holder is None or not holder.active:
            raise ApiProblem(403, "member_deactivated", "the person this key was issued to no longer has access",
                             member_id=key.member_id)
        if key.role not in {KEY_ROLE_OF_MEMBER_ROLE[r] for r in holder.roles}:
            raise ApiProblem(403, "member_role_withdrawn", "the person this key was issued to no longer holds "
                             "its role", role=key.role, member_id=key.member_id)
    return Principal(tenant_id=key.owner_tenant_id, key_id=key.key_id, role=key.role, sandbox=key.sandbox,
                     member_id=holder.member_id if holder else None,
                     member_name=holder.display_name if holder else None)

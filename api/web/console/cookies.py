"""The console's session cookie and its CSRF defence (OWASP session management and CSRF guidance).

- The cookie holds the account id and the session's secret token; it is ``HttpOnly`` (no script
  reads it), ``SameSite=Strict`` (no other site's page sends it), ``Path=/console``, and ``Secure``
  with the ``__Host-`` prefix whenever the console is reached over HTTPS (a TLS-terminating proxy
  says so with ``X-Forwarded-Proto: https``). It lasts the browser session; the server ends it
  earlier (``domain.people.console_account``).
- Every state-changing request must carry ``X-CSRF-Token``: a value derived from the session token
  (the page receives it in JSON from its own origin; another site can neither read it nor guess it),
  and an ``Origin`` header, when the browser sends one, must be the console's own.
- Nothing here is an API secret: the browser never holds an HMAC key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any
from uuid import UUID

from api.errors import ApiProblem

COOKIE = "kyc_console"
SECURE_COOKIE = "__Host-kyc_console"
CSRF_HEADER = "x-csrf-token"
_CSRF_DOMAIN = b"kycledger.console.csrf.v1\x00"


def is_https(scope: Any) -> bool:
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
    return bool(scope.get("scheme") == "https" or headers.get("x-forwarded-proto", "").lower() == "https")


def cookie_header(scope: Any, account_id: UUID, token: str) -> str:
    """``Set-Cookie`` value for a new session."""
    secure = is_https(scope)
    name = SECURE_COOKIE if secure else COOKIE
    path = "/" if secure else "/console"  # the __Host- prefix requires Path=/
    return f"{name}={account_id}.{token}; Path={path}; HttpOnly; SameSite=Strict" + ("; Secure" if secure else "")


def clearing_header(scope: Any) -> str:
    secure = is_https(scope)
    name, path = (SECURE_COOKIE, "/") if secure else (COOKIE, "/console")
    return f"{name}=; Path={path}; Max-Age=0; HttpOnly; SameSite=Strict" + ("; Secure" if secure else "")


def session_of(cookies: dict[str, str]) -> tuple[UUID, str] | None:
    """(account id, token) from the request's cookies, or None."""
    raw = cookies.get(SECURE_COOKIE) or cookies.get(COOKIE) or ""
    account, _, token = raw.partition(".")
    if not token or len(token) > 100:
        return None
    try:
        return UUID(account), token
    except ValueError:
        return None


def csrf_token(token: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(_CSRF_DOMAIN + token.encode()).digest()).decode().rstrip("=")


def require_same_origin(scope: Any) -> None:
    """Refuse a request another site's page made (an ``Origin`` not the console's own)."""
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
    origin = headers.get("origin")
    if origin is None:
        return  # not sent by browsers on same-origin GETs; unsafe requests need the CSRF token anyway
    own = f"{'https' if is_https(scope) else 'http'}://{headers.get('host', '')}"
    if origin != own:
        raise ApiProblem(403, "cross_origin_refused", "the console answers its own pages only")


def require_csrf(scope: Any, token: str) -> None:
    """The request carries the CSRF token of this session (constant-time compare)."""
    require_same_origin(scope)
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
    sent = headers.get(CSRF_HEADER, "")
    if not hmac.compare_digest(sent.encode(), csrf_token(token).encode()):
        raise ApiProblem(403, "csrf_token_invalid", "this request lacks the console's CSRF token")

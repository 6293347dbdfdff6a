"""The client-token side of a session: which session a browser's token opens, and how often.

The capture page holds only the session's client token (``api.client_token``), never an API
secret: each of its calls is authorised here and counted against a per-session rate limit.
"""

from __future__ import annotations

import math
from uuid import UUID

from api.client_token import InvalidClientTokenError
from api.controllers.product import product
from api.errors import ApiProblem
from api.params import Deps


def client_session(deps: Deps, token: str | None, session_id: str) -> tuple[str, UUID]:
    """(tenant, session) the client token authorises; 401 for a bad, expired or other session's token."""
    try:
        tenant_id, sid = product(deps).tokens.verify(token or "", deps.clock())
    except InvalidClientTokenError as exc:
        raise ApiProblem(401, exc.code, exc.message) from None
    if str(sid) != session_id:
        raise ApiProblem(401, "client_token_invalid", "client token invalid or expired")
    count_client_request(deps, sid)
    return tenant_id, sid


def count_client_request(deps: Deps, sid: UUID) -> None:
    """Per-session rate limit of the client-token routes (shared by every API worker, like key limits)."""
    now = deps.clock().timestamp()
    limit = deps.settings.client_rate_limit_per_minute
    if deps.rate_counter.hit(f"session:{sid}", 60, now) > limit:
        retry_after = str(max(1, math.ceil(60 - now % 60)))
        raise ApiProblem(429, "rate_limited", "too many requests for this session; wait a moment",
                         headers={"Retry-After": retry_after}, limit=limit, retry_after_s=int(retry_after))

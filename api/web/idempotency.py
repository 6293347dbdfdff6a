"""``Idempotency-Key`` for the client-token routes (requirements/capture §2: uploads retry on flaky networks).

The platform middleware applies idempotency to the HMAC routes only (``/v1``, ``/kyc``); the capture
page's uploads go through here instead, on the same store (``ApiDependencies.idempotency``), scoped
to the session: a retried upload whose first answer was lost replays that answer, so the ledger
records the capture once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any
from uuid import UUID

import anyio.to_thread
import msgspec

from api.deps import COMPLETED, IN_FLIGHT, MISMATCH, ApiDependencies
from api.errors import ApiProblem

_KEY = re.compile(r"[\x21-\x7e]{1,255}")


async def run_once(deps: ApiDependencies, session_id: UUID, key: str | None, path: str, body: bytes,
                   work: Callable[[], Any]) -> tuple[bytes, bool]:
    """(JSON answer, replayed?) of ``work`` run at most once per (session, key)."""
    if key is None:
        return msgspec.json.encode(await anyio.to_thread.run_sync(work)), False
    if not _KEY.fullmatch(key):
        raise ApiProblem(400, "idempotency_key_invalid", "Idempotency-Key must be 1-255 visible ASCII characters")
    scope = f"client-session:{session_id}"
    fingerprint = hashlib.sha256(f"POST\n{path}\n".encode() + hashlib.sha256(body).digest()).hexdigest()
    settings, store = deps.settings, deps.idempotency
    state, stored = await anyio.to_thread.run_sync(
        store.claim, scope, key, fingerprint, deps.clock().timestamp(), float(settings.idempotency_lease_s))
    if state == MISMATCH:
        raise ApiProblem(422, "idempotency_key_reused", "this Idempotency-Key was used with another request")
    if state == IN_FLIGHT:
        raise ApiProblem(409, "idempotency_in_flight", "a request with this Idempotency-Key is still being processed",
                         headers={"Retry-After": "1"})
    if state == COMPLETED and stored is not None:
        return stored[2], True
    try:
        answer = msgspec.json.encode(await anyio.to_thread.run_sync(work))
    except BaseException:
        await anyio.to_thread.run_sync(store.release, scope, key)
        raise
    response = (201, (("content-type", "application/json"),), answer)
    await anyio.to_thread.run_sync(store.complete, scope, key, response, deps.clock().timestamp(),
                                   float(settings.idempotency_ttl_s))
    return answer, False

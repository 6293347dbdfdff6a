"""The platform pipeline every ``/v1`` and ``/kyc`` request goes through, before any controller.

trace id -> read the body (size-limited) -> HMAC authentication -> per-key rate limit ->
``Idempotency-Key`` claim (POST) -> the handler inside ``audit_context(tenant, key:<id>, trace_id)``
-> store the response for the key -> RateLimit headers on the answer.

Pure ASGI so that it sees the raw path and body that were signed. The blocking store and ledger reads
run in a worker thread, never on the event loop.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio.to_thread

from api.auth import Principal, authenticate, path_as_sent
from api.deps import COMPLETED, IN_FLIGHT, MISMATCH, ApiDependencies, StoredResponse
from api.errors import PROBLEM_JSON, ApiProblem, outage_problem, problem, problem_bytes, status_for
from api.ratelimit import RateDecision, count_request
from domain.audit import audit_context
from domain.errors import DomainError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("kycledger.api")

PROTECTED_PREFIXES = ("/v1/", "/kyc/")
IDEMPOTENCY_HEADER = "idempotency-key"
_IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,255}")
_TRACEPARENT = re.compile(r"00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}")
# Response headers worth replaying for an idempotent retry; the rest are per-answer.
_REPLAYED_HEADERS = frozenset({"content-type", "location"})


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def new_trace_id(headers: dict[str, str]) -> str:
    """The W3C ``traceparent`` trace id when the caller sent one, else a fresh random one."""
    found = _TRACEPARENT.fullmatch(headers.get("traceparent", "").strip())
    if found and found.group(1) != "0" * 32:
        return found.group(1)
    return secrets.token_hex(16)


async def _read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ApiProblem(400, "client_disconnected", "the client went away before the body was read")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise ApiProblem(413, "payload_too_large", "request body too large", limit_bytes=limit)
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def receive_again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return receive_again


async def send_problem(send: Send, status: int, code: str, message: str, trace_id: str,
                       headers: dict[str, str] | None = None, details: dict[str, Any] | None = None) -> None:
    body = problem_bytes(problem(status, code, message, trace_id, details))
    raw = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode()),
           (b"x-trace-id", trace_id.encode())]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body, "more_body": False})


class PlatformMiddleware:
    """ASGI middleware applying authentication, limits, idempotency and the audit context."""

    def __init__(self, app: ASGIApp, deps: ApiDependencies) -> None:
        self.app = app
        self.deps = deps

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        trace_id = new_trace_id(headers)
        state = scope.setdefault("state", {})
        state["trace_id"] = trace_id
        send = _with_headers(send, {"x-trace-id": trace_id})
        if not str(scope.get("path", "")).startswith(PROTECTED_PREFIXES):
            await self.app(scope, receive, send)
            return
        try:
            body = await _read_body(receive, self.deps.settings.max_body_bytes)
            path = path_as_sent(scope.get("raw_path") or scope["path"].encode(), scope.get("query_string", b""))
            method = str(scope["method"]).upper()
            principal, rate = await anyio.to_thread.run_sync(
                self._admit, headers, method, path, body)
        except ApiProblem as e:
            await send_problem(send, e.status, e.code, e.message, trace_id, e.headers, e.details)
            return
        except DomainError as e:
            await send_problem(send, status_for(e), e.code, e.message, trace_id, details=e.details)
            return
        except Exception as e:
            if not await self._outage(send, e, trace_id):
                raise
            return
        state["principal"] = principal
        send = _with_headers(send, rate.headers())
        receive = _replaying(body, receive)
        with audit_context(principal.tenant_id, principal.actor, trace_id):
            key = headers.get(IDEMPOTENCY_HEADER)
            if method == "POST" and key is not None:
                await self._idempotent(scope, receive, send, principal, key, path, body, trace_id)
            else:
                await self.app(scope, receive, send)

    async def _outage(self, send: Send, error: Exception, trace_id: str) -> bool:
        """Answer 503 + Retry-After (``api.errors.outage_problem``) when ``error`` is a dependency outage.

        Answered here rather than left to the app's handler so that the access log and metrics, which
        wrap this middleware, count the 503 the client gets."""
        dependency = self.deps.unavailable_dependency(error)
        if dependency is None:
            return False
        found, headers = outage_problem(dependency, trace_id)
        await send_problem(send, found.status, found.code, found.message, trace_id, headers, found.details)
        return True

    def _admit(self, headers: dict[str, str], method: str, path: str, body: bytes) -> tuple[Principal, RateDecision]:
        principal = authenticate(self.deps, headers, method, path, body)
        return principal, count_request(self.deps, principal.key_id)

    async def _idempotent(self, scope: Scope, receive: Receive, send: Send, principal: Principal, key: str,
                          path: str, body: bytes, trace_id: str) -> None:
        if not _IDEMPOTENCY_KEY.fullmatch(key):
            await send_problem(send, 400, "idempotency_key_invalid",
                               "Idempotency-Key must be 1-255 visible ASCII characters", trace_id)
            return
        fingerprint = hashlib.sha256(f"POST\n{path}\n".encode() + hashlib.sha256(body).digest()).hexdigest()
        store, settings = self.deps.idempotency, self.deps.settings
        now = self.deps.clock().timestamp()
        try:
            state, stored = await anyio.to_thread.run_sync(
                store.claim, principal.tenant_id, key, fingerprint, now, float(settings.idempotency_lease_s))
        except Exception as e:
            if not await self._outage(send, e, trace_id):
                raise
            return
        if state == MISMATCH:
            await send_problem(send, 422, "idempotency_key_reused",
                               "this Idempotency-Key was used with another request", trace_id)
            return
        if state == IN_FLIGHT:
            await send_problem(send, 409, "idempotency_in_flight",
                               "a request with this Idempotency-Key is still being processed", trace_id)
            return
        if state == COMPLETED and stored is not None:
            await _send_stored(send, stored)
            return
        captured = _Capture(send)
        try:
            await self.app(scope, receive, captured.send)
        except BaseException:
            await self._release(principal.tenant_id, key)
            raise
        answer = captured.stored()
        if answer is not None and _shows_secret(scope) and answer[0] < 300:
            # A secret is shown once (requirements/platform §7): keep that the key was used, not the answer.
            answer = _secret_marker(answer[0])
        if answer is None or answer[0] >= 500:
            # Our failure, not the request's: let a retry with the same key run again.
            await self._release(principal.tenant_id, key)
            return
        await anyio.to_thread.run_sync(store.complete, principal.tenant_id, key, answer,
                                       self.deps.clock().timestamp(), float(settings.idempotency_ttl_s))

    async def _release(self, tenant_id: str, key: str) -> None:
        """Free the claim so a retry runs again; if the store is unreachable too (the 503 answered was
        likely its own outage), the claim's lease frees it instead: the answer is already on its way."""
        try:
            await anyio.to_thread.run_sync(self.deps.idempotency.release, tenant_id, key)
        except Exception as error:
            log.warning("idempotency claim not released (%s); it frees itself after its lease", type(error).__name__)


class _Capture:
    """Forwards a response while keeping a copy for the idempotency store."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.status: int | None = None
        self.headers: list[tuple[str, str]] = []
        self.chunks: list[bytes] = []

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
            self.headers = [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in message.get("headers", [])]
        elif message["type"] == "http.response.body":
            self.chunks.append(bytes(message.get("body", b"")))
        await self._send(message)

    def stored(self) -> StoredResponse | None:
        if self.status is None:
            return None
        kept = tuple((k, v) for k, v in self.headers if k in _REPLAYED_HEADERS)
        return (self.status, kept, b"".join(self.chunks))


async def _send_stored(send: Send, response: StoredResponse) -> None:
    status, headers, body = response
    raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    raw += [(b"content-length", str(len(body)).encode()), (b"idempotent-replayed", b"true")]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body, "more_body": False})


SECRET_OPT = "shows_secret"
"""Handler ``opt`` flag: its success answer carries a secret, so it is never stored for replay."""


SHOWN_SECRET = "shown_secret"
"""Request-state flag a handler sets when this particular answer carried a secret (e.g. a session's
webhook secret): like ``SECRET_OPT``, the answer is then never stored for replay."""


def _shows_secret(scope: Scope) -> bool:
    handler = scope.get("route_handler")
    return bool(getattr(handler, "opt", {}).get(SECRET_OPT)) or bool((scope.get("state") or {}).get(SHOWN_SECRET))


def _secret_marker(status: int) -> StoredResponse:
    body = problem_bytes(problem(409, "secret_not_replayed",
                                 "the first answer to this Idempotency-Key carried a secret that is shown once",
                                 "replayed", {"original_status": status}))
    return (409, (("content-type", PROBLEM_JSON),), body)


def _with_headers(send: Send, extra: dict[str, str]) -> Send:
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in extra.items()]

    async def send_with(message: Message) -> None:
        if message["type"] == "http.response.start":
            names = {k.lower() for k, _ in message.get("headers", [])}
            message = {**message, "headers": [*message.get("headers", []), *(h for h in raw if h[0] not in names)]}
        await send(message)

    return send_with

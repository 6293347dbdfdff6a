"""Minimal reference client that signs requests as api/SIGNING.md describes (stdlib + httpx).

    client = KycClient("http://127.0.0.1:8000", key_id, secret)
    client.post("/v1/face/match", {"image_live_base64": ..., "image_reference_base64": ...})

It works against a live server (``base_url``) or, for tests, an in-process ASGI app
(``transport=httpx.ASGITransport(app)`` or any ``httpx.Client`` passed as ``http``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

import httpx


def sign_request(secret: str, timestamp: str, method: str, path: str, body: bytes, nonce: str | None = None) -> str:
    """``X-API-SIGN``: hex(HMAC-SHA256(secret, ts\\nMETHOD\\npath?query\\nhex(sha256(body))[\\nnonce]))."""
    lines = [timestamp, method.upper(), path, hashlib.sha256(body).hexdigest()]
    if nonce:
        lines.append(nonce)
    return hmac.new(secret.encode(), "\n".join(lines).encode(), hashlib.sha256).hexdigest()


def signed_headers(key_id: str, secret: str, method: str, path: str, body: bytes, *, timestamp: int | None = None,
                   nonce: str | None = None) -> dict[str, str]:
    """The authentication headers for one request (``path`` with its query string, as sent)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    headers = {"X-API-KEY": key_id, "X-API-TIMESTAMP": ts,
               "X-API-SIGN": sign_request(secret, ts, method, path, body, nonce)}
    if nonce:
        headers["X-API-NONCE"] = nonce
    return headers


class KycClient:
    """Signs every request; adds a fresh ``X-API-NONCE`` so identical requests in one second differ."""

    def __init__(self, base_url: str, key_id: str, secret: str, *, http: httpx.Client | None = None,
                 transport: httpx.BaseTransport | None = None, clock: Callable[[], float] = time.time,
                 timeout: float = 60.0) -> None:
        self.key_id = key_id
        self.secret = secret
        self.clock = clock
        self.http = http or httpx.Client(base_url=base_url, transport=transport, timeout=timeout)

    def request(self, method: str, path: str, json_body: Any = None, *, params: Mapping[str, Any] | None = None,
                content: bytes | None = None, headers: Mapping[str, str] | None = None,
                idempotency_key: str | None = None, nonce: bool = True) -> httpx.Response:
        if params:
            path = f"{path}?{urlencode(params)}"
        if content is None:
            content = b"" if json_body is None else json.dumps(json_body, separators=(",", ":")).encode()
        sent = {**signed_headers(self.key_id, self.secret, method, path, content, timestamp=int(self.clock()),
                                 nonce=secrets.token_hex(12) if nonce else None), **(headers or {})}
        if content and "content-type" not in {h.lower() for h in sent}:
            sent["Content-Type"] = "application/json"
        if idempotency_key is not None:
            sent["Idempotency-Key"] = idempotency_key
        return self.http.request(method, path, content=content, headers=sent)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json_body: Any = None, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, json_body, **kwargs)

    def put(self, path: str, json_body: Any = None, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, json_body, **kwargs)

    def close(self) -> None:
        self.http.close()

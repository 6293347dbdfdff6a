"""POST a signed webhook to a pinned address: no redirects, bounded time, bounded response read."""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from adapters.webhooks.address_policy import PinnedTarget, WebhookTargetRefusedError, resolve_target
from domain.webhooks import SendResult

MAX_RESPONSE_BYTES = 64 * 1024


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """``Retry-After`` as delta-seconds or an HTTP date (RFC 9110 section 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(moment - now, timedelta(0))


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the checked address; the certificate is verified for the URL's host name (SNI)."""

    def __init__(self, target: PinnedTarget, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=context)
        self._target = target
        self._context = context

    def connect(self) -> None:
        raw = socket.create_connection((self._target.address, self._target.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self._target.host)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: PinnedTarget, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._target = target

    def connect(self) -> None:
        self.sock = socket.create_connection((self._target.address, self._target.port), self.timeout)


class PinnedHttpSender:
    """Sends webhook POSTs. ``allow_private`` admits loopback/private targets (local dev and tests)."""

    def __init__(self, allow_private: bool = False, timeout_s: float = 10.0,
                 tls_context: ssl.SSLContext | None = None) -> None:
        self.allow_private = allow_private
        self.timeout_s = timeout_s
        self.tls_context = tls_context or ssl.create_default_context()

    def send(self, url: str, headers: dict[str, str], body: bytes, now: datetime) -> SendResult:
        started = time.monotonic()
        try:
            target = resolve_target(url, self.allow_private)
        except WebhookTargetRefusedError as refused:
            return SendResult(None, None, f"refused:{refused.message}", 0)
        connection: http.client.HTTPConnection = (
            _PinnedHTTPSConnection(target, self.timeout_s, self.tls_context) if target.scheme == "https"
            else _PinnedHTTPConnection(target, self.timeout_s))
        try:
            connection.request("POST", target.path, body=body, headers={**headers, "user-agent": "kycledger-webhooks"})
            response = connection.getresponse()
            response.read(MAX_RESPONSE_BYTES)  # http.client never follows redirects: a 3xx is a failure
            retry_after = parse_retry_after(response.getheader("Retry-After"), now)
            return SendResult(response.status, retry_after, None, int((time.monotonic() - started) * 1000))
        except TimeoutError:
            return SendResult(None, None, "timeout", int((time.monotonic() - started) * 1000))
        except (OSError, http.client.HTTPException) as exc:
            return SendResult(None, None, f"connection:{type(exc).__name__}", int((time.monotonic() - started) * 1000))
        finally:
            connection.close()
